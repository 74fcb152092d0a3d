//! The delivery ports: an e-mail sender and an SMS sender. Errors say whether trying again may
//! help (throttling, outage) or not (rejected address), because the two are handled apart.

mod opt_outs_cache;
mod outbox;
mod pace;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::PhoneNumber;
use rappel_core::render::{OutgoingEmail, OutgoingSms};

pub use opt_outs_cache::OptOutsCache;
pub use outbox::{Outbox, OutboxEntry, OutboxFault};
pub use pace::{ProviderPace, SendPace, Unpaced, VirtualPace};

/// The provider's id for an accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderReceipt {
    pub message_id: String,
}

/// A provider's refusal. Its `code` (the service's error code, or a short name of ours) is
/// what logs, function errors and dead-letter queues see; the `detail` — the provider's text,
/// which can quote the recipient's address or number — goes only into the client's
/// communication history, which is where personal data lives anyway.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later.
    #[error("temporary delivery failure ({code})")]
    Transient { code: String, detail: String },
    /// The provider says "too fast": worth retrying later, and not sending anything else now.
    #[error("throttled by the provider ({code})")]
    Throttled { code: String, detail: String },
    /// Will never succeed as is; recorded as failed.
    #[error("delivery rejected ({code})")]
    Permanent { code: String, detail: String },
}

impl SendError {
    pub fn transient(code: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::Transient {
            code: code.into(),
            detail: detail.into(),
        }
    }

    pub fn throttled(code: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::Throttled {
            code: code.into(),
            detail: detail.into(),
        }
    }

    pub fn permanent(code: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::Permanent {
            code: code.into(),
            detail: detail.into(),
        }
    }

    /// Safe to log: never personal data.
    pub fn code(&self) -> &str {
        match self {
            Self::Transient { code, .. }
            | Self::Throttled { code, .. }
            | Self::Permanent { code, .. } => code,
        }
    }

    /// The provider's full text, for the communication history only.
    pub fn detail(&self) -> &str {
        match self {
            Self::Transient { detail, .. }
            | Self::Throttled { detail, .. }
            | Self::Permanent { detail, .. } => detail,
        }
    }
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
