//! The delivery ports: an e-mail sender and an SMS sender. Errors say whether trying again may
//! help (throttling, outage) or not (rejected address), because the two are handled apart.

mod outbox;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::PhoneNumber;
use rappel_core::render::{OutgoingEmail, OutgoingSms};

pub use outbox::{Outbox, OutboxEntry, OutboxFault};

/// The provider's id for an accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderReceipt {
    pub message_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later.
    #[error("temporary delivery failure: {0}")]
    Transient(String),
    /// Will never succeed as is; recorded as failed.
    #[error("delivery rejected: {0}")]
    Permanent(String),
}

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send_email(
        &self,
        email: &OutgoingEmail,
        now: DateTime<Utc>,
    ) -> Result<ProviderReceipt, SendError>;
}

#[async_trait]
pub trait SmsSender: Send + Sync {
    /// Whether the number is on the provider's opt-out list (answered STOP).
    async fn is_opted_out(&self, phone: &PhoneNumber) -> Result<bool, SendError>;
    async fn send_sms(
        &self,
        sms: &OutgoingSms,
        now: DateTime<Utc>,
    ) -> Result<ProviderReceipt, SendError>;
}
