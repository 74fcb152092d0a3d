//! The sending domains port on SES v2 and DynamoDB. A domain is claimed for one business first
//! — an item `D#<domain>` / `D` in the deliveries table, put only if absent or already the same
//! business's — because an SES identity is the account's: once verified, anything sending
//! through the account could use it. Then SES is asked for an email identity with Easy DKIM
//! (no `DkimSigningAttributes`: SES's default key length — and moto 5.2.5 answers a request
//! that names one with a timestamp the SDK cannot read): its three DKIM tokens are the CNAME
//! records to publish. Registering again
//! reads the existing identity's tokens. The status is the identity's `VerifiedForSendingStatus`
//! (`Failed` when SES's DKIM search gave up).

use crate::dynamodb::codec::s;
use crate::dynamodb::keys;
use crate::sdk_error::{code, describe};
use async_trait::async_trait;
use aws_sdk_sesv2::types::{DkimAttributes, DkimStatus};
use rappel_core::model::{DomainName, TenantId};
use rappel_core::settings::{DnsRecord, IdentityStatus};
use rappel_ports::sending_domains::{DomainError, SendingDomains};

const TENANT: &str = "tenant";

#[derive(Debug, Clone)]
pub struct SesSendingDomains {
    ses: aws_sdk_sesv2::Client,
    dynamodb: aws_sdk_dynamodb::Client,
    table: String,
}

impl SesSendingDomains {
    pub fn new(
        ses: aws_sdk_sesv2::Client,
        dynamodb: aws_sdk_dynamodb::Client,
        table: impl Into<String>,
    ) -> Self {
        Self {
            ses,
            dynamodb,
            table: table.into(),
        }
    }

    fn claim_key(domain: &DomainName) -> [(String, aws_sdk_dynamodb::types::AttributeValue); 2] {
        [
            (keys::PK.to_owned(), s(keys::domain_claim_pk(domain))),
            (keys::SK.to_owned(), s(keys::DOMAIN_CLAIM_SK)),
        ]
    }

    async fn claim(&self, tenant: &TenantId, domain: &DomainName) -> Result<(), DomainError> {
        let [pk, sk] = Self::claim_key(domain);
        let result = self
            .dynamodb
            .put_item()
            .table_name(&self.table)
            .item(pk.0, pk.1)
            .item(sk.0, sk.1)
            .item(TENANT, s(tenant.as_str()))
            .condition_expression("attribute_not_exists(pk) OR #t = :t")
            .expression_attribute_names("#t", TENANT)
            .expression_attribute_values(":t", s(tenant.as_str()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if code(&error) == Some("ConditionalCheckFailedException") => {
                Err(DomainError::TakenByAnother)
            }
            Err(error) => Err(DomainError::Unavailable(describe(&error))),
        }
    }

    async fn dkim_tokens(&self, domain: &DomainName) -> Result<Vec<String>, DomainError> {
        let created = self
            .ses
            .create_email_identity()
            .email_identity(domain.as_str())
            .send()
            .await;
        match created {
            Ok(output) => Ok(tokens(output.dkim_attributes())),
            Err(error) if code(&error) == Some("AlreadyExistsException") => {
                let existing = self
                    .ses
                    .get_email_identity()
                    .email_identity(domain.as_str())
                    .send()
                    .await
                    .map_err(|e| DomainError::Unavailable(describe(&e)))?;
                Ok(tokens(existing.dkim_attributes()))
            }
            Err(error) => Err(DomainError::Unavailable(describe(&error))),
        }
    }
}

fn tokens(dkim: Option<&DkimAttributes>) -> Vec<String> {
    dkim.map(|d| d.tokens().to_vec()).unwrap_or_default()
}

/// The CNAME records of SES's Easy DKIM tokens.
fn dns_records(domain: &DomainName, tokens: &[String]) -> Vec<DnsRecord> {
    tokens
        .iter()
        .map(|token| DnsRecord {
            record_type: "CNAME".into(),
            name: format!("{token}._domainkey.{domain}"),
            value: format!("{token}.dkim.amazonses.com"),
        })
        .collect()
}

#[async_trait]
impl SendingDomains for SesSendingDomains {
    async fn register(
        &self,
        tenant: &TenantId,
        domain: &DomainName,
    ) -> Result<Vec<DnsRecord>, DomainError> {
        self.claim(tenant, domain).await?;
        let tokens = self.dkim_tokens(domain).await?;
        Ok(dns_records(domain, &tokens))
    }

    async fn status(&self, domain: &DomainName) -> Result<IdentityStatus, DomainError> {
        let identity = self
            .ses
            .get_email_identity()
            .email_identity(domain.as_str())
            .send()
            .await
            .map_err(|e| DomainError::Unavailable(describe(&e)))?;
        let dkim_failed = identity
            .dkim_attributes()
            .and_then(|d| d.status())
            .is_some_and(|status| *status == DkimStatus::Failed);
        Ok(if identity.verified_for_sending_status() {
            IdentityStatus::Verified
        } else if dkim_failed {
            IdentityStatus::Failed
        } else {
            IdentityStatus::Pending
        })
    }

    async fn release(&self, tenant: &TenantId, domain: &DomainName) -> Result<(), DomainError> {
        let [pk, sk] = Self::claim_key(domain);
        let removed = self
            .dynamodb
            .delete_item()
            .table_name(&self.table)
            .key(pk.0, pk.1)
            .key(sk.0, sk.1)
            .condition_expression("#t = :t")
            .expression_attribute_names("#t", TENANT)
            .expression_attribute_values(":t", s(tenant.as_str()))
            .send()
            .await;
        match removed {
            Ok(_) => {}
            // Not this business's (or already gone): its identity is not ours to delete.
            Err(error) if code(&error) == Some("ConditionalCheckFailedException") => return Ok(()),
            Err(error) => return Err(DomainError::Unavailable(describe(&error))),
        }
        match self
            .ses
            .delete_email_identity()
            .email_identity(domain.as_str())
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(error) if code(&error) == Some("NotFoundException") => Ok(()),
            Err(error) => Err(DomainError::Unavailable(describe(&error))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dkim_token_is_a_cname_under_the_domain_s_domainkey() {
        let dkim = DkimAttributes::builder()
            .tokens("tok1")
            .tokens("tok2")
            .tokens("tok3")
            .build();
        let domain = DomainName::parse("salon-lea.fr").unwrap();
        let records = dns_records(&domain, &tokens(Some(&dkim)));
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].name, "tok1._domainkey.salon-lea.fr");
        assert_eq!(records[0].value, "tok1.dkim.amazonses.com");
        assert_eq!(records[2].record_type, "CNAME");
    }
}
