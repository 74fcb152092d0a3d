//! The communication history: every message decided — sent, suppressed, stale or failed, with
//! the reason — with what it was about, listed per client.

mod memory;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::message::{Channel, MessageKind, Recipient, Subject};
use rappel_core::model::{ClientId, TenantId};
use serde::{Deserialize, Serialize};

pub use memory::MemoryHistory;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommunicationStatus {
    Sent,
    Suppressed,
    Stale,
    Failed,
    /// Not a message: the client withdrew their marketing consent (one-click unsubscribe).
    Unsubscribed,
    /// Provider feedback: the address bounced for good (later e-mails are suppressed).
    Bounced,
    /// Provider feedback: the recipient complained (later e-mails are suppressed).
    Complained,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CommunicationRecord {
    pub tenant: TenantId,
    /// What the message was about (an appointment, a client).
    pub about: Subject,
    /// The client it concerns, if any (alerts to staff about a client's appointment are listed
    /// with the client, with their recipient). A message about no client has none.
    pub client: Option<ClientId>,
    pub message_key: String,
    pub kind: MessageKind,
    pub recipient: Recipient,
    pub channel: Channel,
    /// When it was due, in UTC.
    pub due: DateTime<Utc>,
    /// When its outcome was recorded, in UTC.
    pub recorded_at: DateTime<Utc>,
    pub status: CommunicationStatus,
    pub reason: Option<String>,
    pub subject: Option<String>,
    pub provider_message_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the communication history is unavailable: {0}")]
pub struct HistoryError(pub String);

#[async_trait]
pub trait CommunicationHistory: Send + Sync {
    async fn record(&self, entry: CommunicationRecord) -> Result<(), HistoryError>;
    /// Oldest first.
    async fn for_client(
        &self,
        tenant: &TenantId,
        client: &ClientId,
    ) -> Result<Vec<CommunicationRecord>, HistoryError>;
    /// Messages about no client (a staff member's or manager's digests), to `recipient`,
    /// oldest first.
    async fn for_recipient(
        &self,
        tenant: &TenantId,
        recipient: &Recipient,
    ) -> Result<Vec<CommunicationRecord>, HistoryError>;
}
