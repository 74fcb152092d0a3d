//! The address-marks port: a permanent bounce or a complaint marks a recipient's e-mail
//! address; the delivery path checks the mark before sending an e-mail to that recipient.

mod cache;
mod memory;

use async_trait::async_trait;
use rappel_core::feedback::AddressMark;
use rappel_core::message::Recipient;
use rappel_core::model::TenantId;

pub use cache::MarksCache;
pub use memory::MemoryAddressMarks;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the address marks are unavailable: {0}")]
pub struct MarksError(pub String);

#[async_trait]
pub trait AddressMarks: Send + Sync {
    /// Records the latest mark of a recipient's address (replacing an older one).
    async fn mark(
        &self,
        tenant: &TenantId,
        recipient: &Recipient,
        mark: AddressMark,
    ) -> Result<(), MarksError>;
    async fn mark_of(
        &self,
        tenant: &TenantId,
        recipient: &Recipient,
    ) -> Result<Option<AddressMark>, MarksError>;
    /// The marks of several recipients, in order: a batch of e-mails checks its recipients in
    /// one round trip where the store allows it (`BatchGetItem` on DynamoDB).
    async fn marks_of(
        &self,
        recipients: &[(TenantId, Recipient)],
    ) -> Result<Vec<Option<AddressMark>>, MarksError> {
        let mut found = Vec::with_capacity(recipients.len());
        for (tenant, recipient) in recipients {
            found.push(self.mark_of(tenant, recipient).await?);
        }
        Ok(found)
    }
}
