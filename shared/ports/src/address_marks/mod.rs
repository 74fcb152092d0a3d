//! The address-marks port: a permanent bounce or a complaint marks an e-mail address in a
//! business (under its keyed hash: [`AddressDigest`]); the delivery path checks the mark of
//! the address before sending an e-mail to it.

mod cache;
mod memory;

use async_trait::async_trait;
use rappel_core::feedback::AddressMark;
use rappel_core::model::TenantId;
use rappel_core::privacy::AddressDigest;

pub use cache::MarksCache;
pub use memory::MemoryAddressMarks;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the address marks are unavailable: {0}")]
pub struct MarksError(pub String);

#[async_trait]
pub trait AddressMarks: Send + Sync {
    /// Records the latest mark of an address (replacing an older one).
    async fn mark(
        &self,
        tenant: &TenantId,
        address: &AddressDigest,
        mark: AddressMark,
    ) -> Result<(), MarksError>;
    async fn mark_of(
        &self,
        tenant: &TenantId,
        address: &AddressDigest,
    ) -> Result<Option<AddressMark>, MarksError>;
    /// The marks of several addresses, in order: a batch of e-mails checks its addresses in
    /// one round trip where the store allows it (`BatchGetItem` on DynamoDB).
    async fn marks_of(
        &self,
        recipients: &[(TenantId, AddressDigest)],
    ) -> Result<Vec<Option<AddressMark>>, MarksError> {
        let mut found = Vec::with_capacity(recipients.len());
        for (tenant, address) in recipients {
            found.push(self.mark_of(tenant, address).await?);
        }
        Ok(found)
    }
}
