//! The communication history: every message decided — sent, suppressed, stale or failed, with
//! the reason — with what it was about, listed per client.

mod memory;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::budget::Cost;
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
    /// Not a message: the client cancelled their appointment, with the link in a message or
    /// by replying to an SMS (`reason`: `cancel_link`, `sms_reply`).
    CancelledByClient,
    /// Not a message: the client texted back; `reason` says what the reply did.
    Replied,
    /// Provider feedback: the address bounced for good (later e-mails are suppressed).
    Bounced,
    /// Provider feedback: the recipient complained (later e-mails are suppressed).
    Complained,
    /// Provider feedback: the recipient's mail server accepted the e-mail.
    Delivered,
    /// Provider feedback: not delivered yet, the provider keeps trying (`reason` says why).
    DeliveryDelayed,
    /// A test of a template, sent on the business's request to the address it gave: not the
    /// subject's message.
    TestSent,
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
    /// A sent SMS: its parts and what they cost the business (its monthly usage counts it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms: Option<SmsCharge>,
    /// When the entry is deleted: its business's history retention from when its message's
    /// outcome was first recorded (the reports about a message — delivered, bounced — go
    /// with it). Unset: the default retention (730 days) from `recorded_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept_until: Option<DateTime<Utc>>,
}

impl CommunicationRecord {
    /// When the stores delete it (DynamoDB's TTL; the local stack's sweep).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.kept_until.unwrap_or_else(|| {
            rappel_core::settings::RetentionSettings::default().history_kept_until(self.recorded_at)
        })
    }
}

/// What one SMS sent cost: its parts, the destination country and the price of its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SmsCharge {
    pub parts: u32,
    /// ISO 3166 alpha-2 of the number (`FR`), when its numbering plan names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// In ten-thousandths of a euro (`2190` is 0.219 €).
    #[schema(value_type = u64)]
    pub cost: Cost,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the communication history is unavailable: {0}")]
pub struct HistoryError(pub String);

impl CommunicationRecord {
    /// Where the entry sits in its history: when it was recorded (to the microsecond), its
    /// message key and status — two outcomes of one message apart. Histories are ordered by it,
    /// and a page ends at the position of its last entry.
    pub fn position(&self) -> String {
        format!(
            "{}#{}#{:?}",
            self.recorded_at.format("%Y-%m-%dT%H:%M:%S%.6fZ"),
            self.message_key,
            self.status
        )
    }
}

/// One page of a history, oldest first, and the position to read on from when more may follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPage {
    pub entries: Vec<CommunicationRecord>,
    pub next: Option<String>,
}

#[async_trait]
pub trait CommunicationHistory: Send + Sync {
    async fn record(&self, entry: CommunicationRecord) -> Result<(), HistoryError>;
    /// Oldest first.
    async fn for_client(
        &self,
        tenant: &TenantId,
        client: &ClientId,
    ) -> Result<Vec<CommunicationRecord>, HistoryError>;
    /// At most `limit` entries of [`for_client`](Self::for_client), in position order, after
    /// `after` (the position a previous page ended at). This default reads the whole history;
    /// a store that can read one page of it (DynamoDB) does so instead.
    async fn client_page(
        &self,
        tenant: &TenantId,
        client: &ClientId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<HistoryPage, HistoryError> {
        let mut entries = self.for_client(tenant, client).await?;
        entries.sort_by_cached_key(CommunicationRecord::position);
        let rest: Vec<_> = entries
            .into_iter()
            .filter(|e| after.is_none_or(|after| e.position().as_str() > after))
            .collect();
        let more = rest.len() > limit;
        let entries: Vec<_> = rest.into_iter().take(limit).collect();
        let next = more
            .then(|| entries.last().map(CommunicationRecord::position))
            .flatten();
        Ok(HistoryPage { entries, next })
    }
    /// Deletes these entries (a page of a client's history, their erasure). An entry already
    /// gone is no error.
    async fn forget(&self, entries: &[CommunicationRecord]) -> Result<(), HistoryError>;
    /// Writes these entries again with the `kept_until` they now carry (their business changed
    /// its history retention) and nothing else: no event is published again. An entry gone
    /// meanwhile is not written back.
    async fn restamp(&self, entries: &[CommunicationRecord]) -> Result<(), HistoryError>;
    /// Messages about no client (a staff member's or manager's digests), to `recipient`,
    /// oldest first.
    async fn for_recipient(
        &self,
        tenant: &TenantId,
        recipient: &Recipient,
    ) -> Result<Vec<CommunicationRecord>, HistoryError>;
}
