//! The events port: each business's stream of delivery events, in the order they occurred,
//! read a page at a time from a position (`GET /v1/events?after=`). The history publishes the
//! event of each entry it records (in the same write where the store allows it); a reaction
//! appends the planning events of the messages it planned, moved or withdrew.

mod buffered;
mod bus;
mod memory;

use crate::history::{CommunicationRecord, CommunicationStatus};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::events::{DeliveryEvent, EventMessage, EventType};
use rappel_core::model::TenantId;

pub use buffered::BufferedEvents;
pub use bus::{EventBus, MemoryEventBus};
pub use memory::MemoryEventLog;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the event log is unavailable: {0}")]
pub struct EventError(pub String);

/// An event and its position in its business's stream: what a reader resumes after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Positioned {
    pub position: String,
    pub event: DeliveryEvent,
}

/// A page of a business's events, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventPage {
    pub events: Vec<Positioned>,
    /// The position to ask the next page from, when there may be more.
    pub next: Option<String>,
}

#[async_trait]
pub trait EventLog: Send + Sync {
    /// Appends `events` (an event already there, by its id, is kept once).
    async fn append(&self, events: &[DeliveryEvent]) -> Result<(), EventError>;

    /// A position every event of `tenant` appended from `now` on comes after: where a reader
    /// that wants only what happens from now on starts (`None`: from the start).
    async fn position_now(
        &self,
        tenant: &TenantId,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, EventError>;

    /// At most `limit` events of `tenant` after `after` (from the start without one) that
    /// occurred no later than `until`.
    async fn page(
        &self,
        tenant: &TenantId,
        after: Option<&str>,
        limit: usize,
        until: DateTime<Utc>,
    ) -> Result<EventPage, EventError>;
}

/// The event of a history entry: each status is a transition of its message (a template's
/// test is not one: none).
pub fn event_of_record(record: &CommunicationRecord) -> Option<DeliveryEvent> {
    let event_type = match record.status {
        CommunicationStatus::Sent => EventType::MessageSent,
        CommunicationStatus::Suppressed => EventType::MessageSuppressed,
        CommunicationStatus::Stale => EventType::MessageStale,
        CommunicationStatus::Failed => EventType::MessageFailed,
        CommunicationStatus::Bounced => EventType::MessageBounced,
        CommunicationStatus::Complained => EventType::MessageComplained,
        CommunicationStatus::Delivered => EventType::MessageDelivered,
        CommunicationStatus::DeliveryDelayed => EventType::MessageDeliveryDelayed,
        CommunicationStatus::Unsubscribed => EventType::ClientUnsubscribed,
        CommunicationStatus::CancelledByClient => EventType::ClientCancelledAppointment,
        CommunicationStatus::Replied => EventType::ClientReplied,
        CommunicationStatus::TestSent => return None,
    };
    // A client's own action is no message's transition.
    let own_action = matches!(
        event_type,
        EventType::ClientUnsubscribed
            | EventType::ClientCancelledAppointment
            | EventType::ClientReplied
    );
    let message = (!own_action).then(|| EventMessage {
        key: record.message_key.clone(),
        kind: record.kind,
        channel: record.channel,
        recipient: record.recipient.clone(),
        due: record.due,
        previous_due: None,
        provider_message_id: record.provider_message_id.clone(),
    });
    Some(DeliveryEvent::new(
        event_type,
        record.recorded_at,
        record.tenant.clone(),
        Some(record.about.clone()),
        record.client.clone(),
        message,
        record.reason.clone(),
    ))
}

/// Whether `raw` is a position as one of the logs writes it (what `after=` may name): on
/// DynamoDB `<RFC 3339 instant, ms>#ev_<32 hex>` (or the `<instant>#` a new endpoint starts
/// at), on the local stack a sequence number.
pub fn is_position(raw: &str) -> bool {
    if !raw.is_empty() && raw.len() <= 20 && raw.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let Some((instant, id)) = raw.split_once('#') else {
        return false;
    };
    DateTime::parse_from_rfc3339(instant).is_ok()
        && (id.is_empty()
            || (id.len() == 35
                && id.starts_with("ev_")
                && id[3..].bytes().all(|b| b.is_ascii_hexdigit())))
}
