//! The embedded sending domains: claims kept in memory (optionally persisted), DKIM records
//! made up from the domain, and a domain verified when the local stack is told its records are
//! published (`PUT /_local/sending-domains/{domain}/verified`) — there is no DNS to look at.

use super::{DomainError, SendingDomains};
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use rappel_core::model::{DomainName, TenantId};
use rappel_core::settings::{DnsRecord, IdentityStatus};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Claim {
    tenant: TenantId,
    verified: bool,
}

pub struct MemorySendingDomains {
    claims: Mutex<Durable<BTreeMap<String, Claim>>>,
}

impl MemorySendingDomains {
    pub fn in_memory() -> Self {
        Self {
            claims: Mutex::new(Durable::in_memory(BTreeMap::new())),
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self {
            claims: Mutex::new(Durable::open(path)?),
        })
    }

    /// The domain's records are published: it is verified from now on. Answers whether the
    /// domain is registered at all.
    pub fn mark_verified(&self, domain: &DomainName) -> bool {
        let mut claims = lock(&self.claims);
        let Some(claim) = claims.get(domain.as_str()).cloned() else {
            return false;
        };
        let verified = Claim {
            verified: true,
            ..claim
        };
        claims.change_or_log(
            MapChange::Put(domain.to_string(), verified),
            "sending domains",
        );
        true
    }
}

/// Three DKIM CNAME records, as SES's Easy DKIM gives them (made up from the domain).
fn dkim_records(domain: &DomainName) -> Vec<DnsRecord> {
    (0..3)
        .map(|n| {
            let token = hex::encode(&Sha256::digest(format!("{domain}/{n}"))[..16]);
            DnsRecord {
                record_type: "CNAME".into(),
                name: format!("{token}._domainkey.{domain}"),
                value: format!("{token}.dkim.amazonses.com"),
            }
        })
        .collect()
}

#[async_trait]
impl SendingDomains for MemorySendingDomains {
    async fn register(
        &self,
        tenant: &TenantId,
        domain: &DomainName,
    ) -> Result<Vec<DnsRecord>, DomainError> {
        let mut claims = lock(&self.claims);
        match claims.get(domain.as_str()) {
            Some(claim) if &claim.tenant != tenant => return Err(DomainError::TakenByAnother),
            Some(_) => {}
            None => {
                let claim = Claim {
                    tenant: tenant.clone(),
                    verified: false,
                };
                claims.change_or_log(MapChange::Put(domain.to_string(), claim), "sending domains");
            }
        }
        Ok(dkim_records(domain))
    }

    async fn status(&self, domain: &DomainName) -> Result<IdentityStatus, DomainError> {
        Ok(match lock(&self.claims).get(domain.as_str()) {
            Some(claim) if claim.verified => IdentityStatus::Verified,
            _ => IdentityStatus::Pending,
        })
    }

    async fn release(&self, tenant: &TenantId, domain: &DomainName) -> Result<(), DomainError> {
        let mut claims = lock(&self.claims);
        if claims
            .get(domain.as_str())
            .is_some_and(|claim| &claim.tenant == tenant)
        {
            claims.change_or_log(MapChange::Remove(domain.to_string()), "sending domains");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain() -> DomainName {
        DomainName::parse("salon-lea.fr").unwrap()
    }

    fn tenant(id: &str) -> TenantId {
        TenantId::parse(id).unwrap()
    }

    #[tokio::test]
    async fn a_domain_is_one_business_s_until_it_gives_it_up() {
        let domains = MemorySendingDomains::in_memory();
        let records = domains.register(&tenant("a"), &domain()).await.unwrap();
        assert_eq!(records.len(), 3);
        assert_eq!(
            domains.register(&tenant("a"), &domain()).await.unwrap(),
            records,
            "registering again gives the same records"
        );
        assert_eq!(
            domains.register(&tenant("b"), &domain()).await,
            Err(DomainError::TakenByAnother)
        );
        domains.release(&tenant("b"), &domain()).await.unwrap();
        assert_eq!(
            domains.register(&tenant("b"), &domain()).await,
            Err(DomainError::TakenByAnother),
            "another business cannot give it up"
        );
        domains.release(&tenant("a"), &domain()).await.unwrap();
        assert!(domains.register(&tenant("b"), &domain()).await.is_ok());
    }

    #[tokio::test]
    async fn a_domain_is_pending_until_its_records_are_published() {
        let domains = MemorySendingDomains::in_memory();
        domains.register(&tenant("a"), &domain()).await.unwrap();
        assert_eq!(domains.status(&domain()).await, Ok(IdentityStatus::Pending));
        assert!(domains.mark_verified(&domain()));
        assert_eq!(
            domains.status(&domain()).await,
            Ok(IdentityStatus::Verified)
        );
    }
}
