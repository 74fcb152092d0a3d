//! The sending domains port: a business's own domain registered at the e-mail provider, which
//! hands back the DNS records that prove it (DKIM), and answers later whether they were found.
//! A domain belongs to one business: once verified, anyone sending through the account could
//! use it, so a second business is refused the domain before the provider is asked.

mod memory;

use async_trait::async_trait;
use rappel_core::model::{DomainName, TenantId};
use rappel_core::settings::{DnsRecord, IdentityStatus};

pub use memory::MemorySendingDomains;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("the domain is another business's sending domain")]
    TakenByAnother,
    #[error("the e-mail provider is unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait SendingDomains: Send + Sync {
    /// Claims `domain` for `tenant` (again: harmless) and registers it at the provider; answers
    /// the DNS records to publish.
    async fn register(
        &self,
        tenant: &TenantId,
        domain: &DomainName,
    ) -> Result<Vec<DnsRecord>, DomainError>;

    /// Where the domain's verification stands.
    async fn status(&self, domain: &DomainName) -> Result<IdentityStatus, DomainError>;

    /// Gives the domain up: removed at the provider, and free for another business.
    async fn release(&self, tenant: &TenantId, domain: &DomainName) -> Result<(), DomainError>;
}
