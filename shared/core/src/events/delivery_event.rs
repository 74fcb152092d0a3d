//! One delivery event, as published: its id is derived from what it records, so the same
//! transition written twice (a replayed trigger, a retried write) is one event.

use super::EventType;
use crate::message::{Channel, MessageKey, MessageKind, Recipient, Subject};
use crate::model::{ClientId, TenantId};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The form this build publishes; a consumer refuses a version it does not know.
pub const EVENT_VERSION: u32 = 1;

/// The message an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventMessage {
    /// The message key: the same for every event of one message.
    pub key: String,
    pub kind: MessageKind,
    pub channel: Channel,
    pub recipient: Recipient,
    /// When it is (or was) due.
    pub due: DateTime<Utc>,
    /// A re-planned message: when it was due before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_due: Option<DateTime<Utc>>,
    /// A sent message: the provider's id for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_message_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeliveryEvent {
    /// `ev_` and 32 hex digits; the same transition always has the same id.
    #[schema(example = "ev_3f9a1c0e5b7d2a4c6e8f0a1b2c3d4e5f")]
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// The event's form ([`EVENT_VERSION`]).
    pub version: u32,
    pub occurred_at: DateTime<Utc>,
    pub business: TenantId,
    /// What the message is about (an appointment, a client, an invoice…); none for an event
    /// about a webhook endpoint.
    pub subject: Option<Subject>,
    /// The client concerned, when there is one.
    pub client_id: Option<ClientId>,
    /// The message, for a message's event.
    pub message: Option<EventMessage>,
    /// Why it was suppressed, stale or failed (a stable code, e.g. `no_consent`).
    pub reason: Option<String>,
    /// The endpoint of a `webhook.disabled` event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<EventWebhook>,
}

/// The webhook endpoint an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventWebhook {
    /// `we_…`.
    pub id: String,
    pub url: String,
    /// Since when it had been failing.
    pub failing_since: Option<DateTime<Utc>>,
    /// Its last failure (a status code or a transport error kind).
    pub last_error: Option<String>,
}

impl DeliveryEvent {
    /// An event about the message `key`.
    pub fn of_message(event_type: EventType, key: &MessageKey, occurred_at: DateTime<Utc>) -> Self {
        let message = EventMessage {
            key: key.id(),
            kind: key.kind,
            channel: key.channel,
            recipient: key.recipient.clone(),
            due: key.due,
            previous_due: None,
            provider_message_id: None,
        };
        Self::new(
            event_type,
            occurred_at,
            key.tenant.clone(),
            Some(key.subject.clone()),
            client_of(&key.recipient, &key.subject),
            Some(message),
            None,
        )
    }

    /// `key` planned; `previous_due` when it moved from another time.
    pub fn planned(
        key: &MessageKey,
        previous_due: Option<DateTime<Utc>>,
        occurred_at: DateTime<Utc>,
    ) -> Self {
        let event_type = match previous_due {
            Some(_) => EventType::MessageReplanned,
            None => EventType::MessagePlanned,
        };
        let mut event = Self::of_message(event_type, key, occurred_at);
        if let Some(message) = &mut event.message {
            message.previous_due = previous_due;
        }
        event.id = event.derived_id();
        event
    }

    /// Builds an event and derives its id.
    pub fn new(
        event_type: EventType,
        occurred_at: DateTime<Utc>,
        business: TenantId,
        subject: Option<Subject>,
        client_id: Option<ClientId>,
        message: Option<EventMessage>,
        reason: Option<String>,
    ) -> Self {
        let mut event = Self {
            id: String::new(),
            event_type,
            version: EVENT_VERSION,
            occurred_at,
            business,
            subject,
            client_id,
            message,
            reason,
            webhook: None,
        };
        event.id = event.derived_id();
        event
    }

    /// `endpoint` disabled at `at`; the same failing streak is the same event.
    pub fn webhook_disabled(endpoint: EventWebhook, business: TenantId, at: DateTime<Utc>) -> Self {
        let mut event = Self::new(
            EventType::WebhookDisabled,
            at,
            business,
            None,
            None,
            None,
            Some("failing_for_days".into()),
        );
        event.id = format!(
            "ev_{}",
            &hex::encode(Sha256::digest(format!(
                "{}|webhook.disabled|{}|{:?}",
                event.business, endpoint.id, endpoint.failing_since
            )))[..32]
        );
        event.webhook = Some(endpoint);
        event
    }

    /// Its position in its business's stream: by time, then id (what `after=` names).
    pub fn position(&self) -> String {
        format!(
            "{}#{}",
            self.occurred_at
                .to_rfc3339_opts(SecondsFormat::Millis, true),
            self.id
        )
    }

    fn derived_id(&self) -> String {
        let message = self.message.as_ref();
        let identity = format!(
            "{}|{}|{}|{}|{}|{}",
            self.business,
            self.event_type,
            self.subject
                .as_ref()
                .map_or(String::new(), ToString::to_string),
            message.map_or(String::new(), |m| m.key.clone()),
            message.map_or(String::new(), |m| m.due.to_rfc3339()),
            self.occurred_at.to_rfc3339(),
        );
        format!("ev_{}", &hex::encode(Sha256::digest(identity))[..32])
    }
}

/// The client a message concerns: its recipient when a client, else its subject's when the
/// subject is a client.
fn client_of(recipient: &Recipient, subject: &Subject) -> Option<ClientId> {
    match (recipient, subject) {
        (Recipient::Client(id), _) | (_, Subject::Client(id)) => Some(id.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppointmentId;
    use chrono::TimeZone;

    fn key(due_hour: u32) -> MessageKey {
        MessageKey {
            tenant: TenantId::parse("salon-lea").unwrap(),
            subject: Subject::Appointment(AppointmentId::parse("ap_1").unwrap()),
            kind: MessageKind::Reminder,
            ordinal: 1,
            recipient: Recipient::Client(ClientId::parse("cl_1").unwrap()),
            channel: Channel::Sms,
            due: Utc.with_ymd_and_hms(2026, 3, 26, due_hour, 0, 0).unwrap(),
        }
    }

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()
    }

    #[test]
    fn the_same_transition_is_the_same_event_and_another_is_another() {
        let once = DeliveryEvent::planned(&key(9), None, at());
        assert_eq!(once, DeliveryEvent::planned(&key(9), None, at()));
        assert!(
            once.id.starts_with("ev_") && once.id.len() == 35,
            "{}",
            once.id
        );
        let moved = DeliveryEvent::planned(&key(10), Some(key(9).due), at());
        assert_eq!(moved.event_type, EventType::MessageReplanned);
        assert_ne!(moved.id, once.id);
        let sent = DeliveryEvent::of_message(EventType::MessageSent, &key(9), at());
        assert_ne!(sent.id, once.id);
    }

    #[test]
    fn an_event_carries_ids_and_no_contact_details() {
        let event = DeliveryEvent::planned(&key(9), None, at());
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["type"], "message.planned");
        assert_eq!(json["version"], 1);
        assert_eq!(json["business"], "salon-lea");
        assert_eq!(json["client_id"], "cl_1");
        assert_eq!(json["message"]["kind"], "reminder");
        assert_eq!(json["message"]["channel"], "sms");
        let text = json.to_string();
        assert!(!text.contains('@') && !text.contains("+33"), "{text}");
    }
}
