//! The address-marks port: a permanent bounce or a complaint marks a recipient's e-mail
//! address; the delivery path checks the mark before sending an e-mail to that recipient.

mod memory;

use async_trait::async_trait;
use rappel_core::feedback::AddressMark;
use rappel_core::message::Recipient;
use rappel_core::model::TenantId;

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
}
