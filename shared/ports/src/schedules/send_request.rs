//! The input of the send handler — what a schedule carries and the send queue holds: which
//! message to deliver, never its content (rendered at send time from the current state). Either
//! one message by its key (`{"v": 2, "key": {...}}`), or the firing of a recurring digest
//! schedule (`{"v": 2, "digest": {...}, "fired_at": "<instant>"}`) whose messages are decided
//! when it fires, or the late record of a message the provider accepted and the ledger could
//! not record then (`{"v": 2, "settle": {"key": {...}, "record": {...}}}`, put on the queue by
//! the send function itself; the record is the history entry, e-mail subject included), or a
//! message the plan decided not to send, to record as suppressed before its time, with no
//! schedule (`{"v": 2, "decided": {...}}`). On AWS the recurring schedule's input carries EventBridge Scheduler's
//! `<aws.scheduler.scheduled-time>`, replaced by the instant the firing was scheduled for — the
//! same on every retry of that firing.
//!
//! The form is **versioned**: a schedule lives for up to two years,
//! across deployments that may change the key's form, so an input of another version is
//! refused with an error that names it — the queue then dead-letters it for a replay — and is
//! never misread as today's form. Version 1 (`{"key": {...}}` without `v`, keys naming an
//! appointment directly) predates message subjects.

use crate::history::CommunicationRecord;
use chrono::{DateTime, Utc};
use rappel_core::message::{DigestTrigger, Lane, MessageKey};
use rappel_core::model::{ClientId, TenantId};
use rappel_core::render::OutgoingMessage;
use serde::{Deserialize, Serialize};

/// The version this build writes and reads.
pub const SEND_REQUEST_VERSION: u32 = 2;

/// What a recurring schedule's input says in place of the firing instant.
pub const SCHEDULED_TIME_PLACEHOLDER: &str = "<aws.scheduler.scheduled-time>";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "WireRequest", try_from = "WireRequest")]
pub enum SendRequest {
    /// One message, named by its key; `bulk` when a bulk change (an import that notifies, a
    /// re-plan) queued it now: it waits in the bulk lane whatever its kind.
    Message { key: MessageKey, bulk: bool },
    /// A recurring digest schedule fired, scheduled for `fired_at`.
    Digest {
        trigger: DigestTrigger,
        fired_at: DateTime<Utc>,
    },
    /// A message its plan decided, at planning, not to send (no phone, SMS refused, no
    /// consent…): record it as suppressed now; it has no schedule.
    Decided { key: MessageKey },
    /// A message already sent: record it as `sent` with this history entry; send nothing.
    Settle {
        key: MessageKey,
        record: Box<CommunicationRecord>,
    },
    /// A template's test, composed by the API, sent as it is to the address the business gave.
    Test(Box<TestSend>),
    /// A client's one-click unsubscribe the API could not record (its store failing): the
    /// consent is withdrawn when the queue delivers it. Sends nothing.
    Unsubscribe(Unsubscribe),
}

/// Whose marketing consent to withdraw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsubscribe {
    pub tenant: TenantId,
    pub client: ClientId,
}

/// A template's test: the message the business previewed, addressed to its test recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSend {
    /// The message it stands for (its subject, kind, recipient and channel): never settled
    /// under this key — a test is not the subject's message.
    pub key: MessageKey,
    /// The composed message, to the test's address or number.
    pub message: OutgoingMessage,
    /// Tells two tests (or two answers) of the same message apart.
    pub test_id: String,
    /// Not a test: the answer to a client's SMS reply (its provider id), recorded as an
    /// automatic reply sent and counted in the month's SMS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answering: Option<String>,
}

impl TestSend {
    /// Its own key in the delivery ledger: sent once however often the queue delivers it.
    pub fn ledger_key(&self) -> String {
        format!("test/{}/{}", self.key.tenant, self.test_id)
    }
}

impl SendRequest {
    pub fn message(key: MessageKey) -> Self {
        Self::Message { key, bulk: false }
    }

    /// A message a bulk change queues now: it waits in the bulk lane.
    pub fn bulk_message(key: MessageKey) -> Self {
        Self::Message { key, bulk: true }
    }

    /// The message key, for a request that names one.
    pub fn key(&self) -> Option<&MessageKey> {
        match self {
            Self::Message { key, .. } | Self::Decided { key } | Self::Settle { key, .. } => {
                Some(key)
            }
            Self::Test(test) => Some(&test.key),
            Self::Digest { .. } | Self::Unsubscribe(_) => None,
        }
    }

    /// The business it is for: its message group, for a fair share of its lane.
    pub fn tenant(&self) -> &TenantId {
        match self {
            Self::Message { key, .. } | Self::Decided { key } | Self::Settle { key, .. } => {
                &key.tenant
            }
            Self::Test(test) => &test.key.tenant,
            Self::Digest { trigger, .. } => &trigger.tenant,
            Self::Unsubscribe(unsubscribe) => &unsubscribe.tenant,
        }
    }

    /// The lane it waits in: its kind's, a digest firing's and a bulk change's message being
    /// the bulk lane. A test of a template is urgent (someone is watching for it); a settle or
    /// a decided record calls no provider and waits in its message's lane.
    pub fn lane(&self) -> Lane {
        match self {
            Self::Message { bulk: true, .. } => Lane::Bulk,
            Self::Message { key, .. } | Self::Decided { key } | Self::Settle { key, .. } => {
                Lane::of(key.kind)
            }
            Self::Test(_) | Self::Unsubscribe(_) => Lane::Urgent,
            Self::Digest { .. } => Lane::Bulk,
        }
    }

    /// For logs: what kind of request this is, never who it is for.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Message { key, .. } => key.kind.as_str(),
            Self::Digest { .. } => "digest_firing",
            Self::Settle { .. } => "settle",
            Self::Decided { .. } => "decided",
            Self::Test(test) if test.answering.is_some() => "reply_answer",
            Self::Test(_) => "template_test",
            Self::Unsubscribe(_) => "unsubscribe",
        }
    }

    /// The input of a recurring schedule for `trigger`: the scheduler fills in the instant.
    pub fn recurring_input(trigger: &DigestTrigger) -> String {
        serde_json::json!({
            "v": SEND_REQUEST_VERSION,
            "digest": trigger,
            "fired_at": SCHEDULED_TIME_PLACEHOLDER,
        })
        .to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnreadableRequest {
    #[error(
        "send request of version {SEND_REQUEST_VERSION} with none of a key, a digest, a settle or a decided message"
    )]
    Empty,
    #[error("send request of version {SEND_REQUEST_VERSION} with an invalid settle: {0}")]
    BadSettle(String),
    #[error("send request of version {SEND_REQUEST_VERSION} with an invalid digest trigger: {0}")]
    BadDigest(String),
    #[error(
        "send request of version 1 (before message subjects, no \"v\"): its schedule was created by an older release; re-plan with `infra/replay-dead-letters.sh replan`"
    )]
    Version1,
    #[error("send request of version {0}, this release reads version {SEND_REQUEST_VERSION}")]
    UnknownVersion(u64),
    #[error("send request of version {SEND_REQUEST_VERSION} with an invalid key: {0}")]
    BadKey(String),
}

/// The wire form, before its version is checked.
#[derive(Serialize, Deserialize)]
struct WireRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    v: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<serde_json::Value>,
    /// With `key`: queued by a bulk change (absent: false; a release that does not know it
    /// reads the message as its kind's).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    bulk: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    digest: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fired_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    settle: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    decided: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    test: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unsubscribe: Option<serde_json::Value>,
}

/// What a settle request carries.
#[derive(Serialize, Deserialize)]
struct WireSettle {
    key: MessageKey,
    record: Box<CommunicationRecord>,
}

impl From<SendRequest> for WireRequest {
    fn from(request: SendRequest) -> Self {
        let v = Some(u64::from(SEND_REQUEST_VERSION));
        // Keys and triggers are plain data (strings, numbers, instants): they always encode.
        match request {
            SendRequest::Message { key, bulk } => Self {
                v,
                key: serde_json::to_value(&key).ok(),
                bulk,
                digest: None,
                fired_at: None,
                settle: None,
                decided: None,
                test: None,
                unsubscribe: None,
            },
            SendRequest::Digest { trigger, fired_at } => Self {
                v,
                key: None,
                bulk: false,
                digest: serde_json::to_value(&trigger).ok(),
                fired_at: Some(fired_at),
                settle: None,
                decided: None,
                test: None,
                unsubscribe: None,
            },
            SendRequest::Settle { key, record } => Self {
                v,
                key: None,
                bulk: false,
                digest: None,
                fired_at: None,
                settle: serde_json::to_value(WireSettle { key, record }).ok(),
                decided: None,
                test: None,
                unsubscribe: None,
            },
            SendRequest::Decided { key } => Self {
                v,
                key: None,
                bulk: false,
                digest: None,
                fired_at: None,
                settle: None,
                decided: serde_json::to_value(&key).ok(),
                test: None,
                unsubscribe: None,
            },
            SendRequest::Unsubscribe(unsubscribe) => Self {
                v,
                key: None,
                bulk: false,
                digest: None,
                fired_at: None,
                settle: None,
                decided: None,
                test: None,
                unsubscribe: serde_json::to_value(&unsubscribe).ok(),
            },
            SendRequest::Test(test) => Self {
                v,
                key: None,
                bulk: false,
                digest: None,
                fired_at: None,
                settle: None,
                decided: None,
                test: serde_json::to_value(&test).ok(),
                unsubscribe: None,
            },
        }
    }
}

impl TryFrom<WireRequest> for SendRequest {
    type Error = UnreadableRequest;
    fn try_from(wire: WireRequest) -> Result<Self, Self::Error> {
        match wire.v {
            None => return Err(UnreadableRequest::Version1),
            Some(v) if v == u64::from(SEND_REQUEST_VERSION) => {}
            Some(v) => return Err(UnreadableRequest::UnknownVersion(v)),
        }
        if let Some(unsubscribe) = wire.unsubscribe {
            return serde_json::from_value(unsubscribe)
                .map(SendRequest::Unsubscribe)
                .map_err(|e| UnreadableRequest::BadKey(e.to_string()));
        }
        if let Some(test) = wire.test {
            return serde_json::from_value(test)
                .map(|test| SendRequest::Test(Box::new(test)))
                .map_err(|e| UnreadableRequest::BadKey(e.to_string()));
        }
        match (
            wire.key,
            wire.digest,
            wire.fired_at,
            wire.settle,
            wire.decided,
        ) {
            (Some(key), None, _, None, None) => serde_json::from_value(key)
                .map(|key| SendRequest::Message {
                    key,
                    bulk: wire.bulk,
                })
                .map_err(|e| UnreadableRequest::BadKey(e.to_string())),
            (None, Some(digest), Some(fired_at), None, None) => serde_json::from_value(digest)
                .map(|trigger| SendRequest::Digest { trigger, fired_at })
                .map_err(|e| UnreadableRequest::BadDigest(e.to_string())),
            (None, Some(_), None, None, None) => {
                Err(UnreadableRequest::BadDigest("no fired_at instant".into()))
            }
            (None, None, _, Some(settle), None) => serde_json::from_value::<WireSettle>(settle)
                .map(|s| SendRequest::Settle {
                    key: s.key,
                    record: s.record,
                })
                .map_err(|e| UnreadableRequest::BadSettle(e.to_string())),
            (None, None, _, None, Some(key)) => serde_json::from_value(key)
                .map(|key| SendRequest::Decided { key })
                .map_err(|e| UnreadableRequest::BadKey(e.to_string())),
            _ => Err(UnreadableRequest::Empty),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rappel_core::message::{Channel, MessageKind, Recipient, Subject};
    use rappel_core::model::{ClientId, TenantId};

    fn request() -> SendRequest {
        SendRequest::Message {
            key: MessageKey {
                tenant: TenantId::parse("t").unwrap(),
                subject: Subject::Client(ClientId::parse("c").unwrap()),
                kind: MessageKind::Reengagement,
                ordinal: 1,
                recipient: Recipient::Client(ClientId::parse("c").unwrap()),
                channel: Channel::Email,
                due: Utc.with_ymd_and_hms(2026, 3, 26, 9, 0, 0).unwrap(),
            },
            bulk: false,
        }
    }

    #[test]
    fn a_queued_unsubscribe_is_written_with_its_version_and_read_back() {
        let request = SendRequest::Unsubscribe(Unsubscribe {
            tenant: TenantId::parse("t").unwrap(),
            client: ClientId::parse("c").unwrap(),
        });
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(json, r#"{"v":2,"unsubscribe":{"client":"c","tenant":"t"}}"#);
        assert_eq!(serde_json::from_str::<SendRequest>(&json).unwrap(), request);
        assert_eq!(request.lane(), Lane::Urgent);
        assert!(request.key().is_none());
    }

    #[test]
    fn a_request_is_written_with_its_version_and_read_back() {
        let json = serde_json::to_string(&request()).unwrap();
        assert!(json.starts_with(r#"{"v":2,"key":{"#), "{json}");
        assert!(
            json.contains(r#""subject":{"id":"c","type":"client"}"#),
            "{json}"
        );
        let back: SendRequest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, request());
    }

    #[test]
    fn a_bulk_change_s_message_waits_in_the_bulk_lane_and_says_so_on_the_wire() {
        let Some(key) = request().key().cloned() else {
            panic!("a message names its key")
        };
        let reminder = MessageKey {
            kind: MessageKind::Reminder,
            ..key
        };
        assert_eq!(SendRequest::message(reminder.clone()).lane(), Lane::Urgent);
        let bulk = SendRequest::bulk_message(reminder);
        assert_eq!(bulk.lane(), Lane::Bulk);
        let json = serde_json::to_string(&bulk).unwrap();
        assert!(json.contains(r#""bulk":true"#), "{json}");
        assert_eq!(serde_json::from_str::<SendRequest>(&json).unwrap(), bulk);
        let plain = serde_json::to_string(&request()).unwrap();
        assert!(!plain.contains("bulk"), "absent when false: {plain}");
    }

    #[test]
    fn a_schedule_input_from_before_subjects_is_refused_by_name_not_misread() {
        let v1 = r#"{"key":{"tenant":"t","appointment":"a","kind":"reminder","ordinal":1,"recipient":{"type":"client","id":"c"},"channel":"sms","due":"2026-03-26T09:00:00Z"}}"#;
        let error = serde_json::from_str::<SendRequest>(v1)
            .unwrap_err()
            .to_string();
        assert!(error.contains("version 1"), "{error}");
        let v3 = r#"{"v":3,"key":{}}"#;
        let error = serde_json::from_str::<SendRequest>(v3)
            .unwrap_err()
            .to_string();
        assert!(error.contains("version 3"), "{error}");
        let bad = r#"{"v":2,"key":{"tenant":"t"}}"#;
        let error = serde_json::from_str::<SendRequest>(bad)
            .unwrap_err()
            .to_string();
        assert!(error.contains("invalid key"), "{error}");
    }

    #[test]
    fn a_recurring_input_becomes_a_digest_firing_once_the_scheduler_fills_in_the_instant() {
        let trigger = DigestTrigger {
            tenant: TenantId::parse("t").unwrap(),
            recipient: Recipient::Staff(rappel_core::model::StaffId::parse("sam").unwrap()),
        };
        let input = SendRequest::recurring_input(&trigger);
        assert!(input.contains(SCHEDULED_TIME_PLACEHOLDER), "{input}");
        assert!(
            serde_json::from_str::<SendRequest>(&input).is_err(),
            "not before"
        );
        let fired = input.replace(SCHEDULED_TIME_PLACEHOLDER, "2026-03-29T05:00:00Z");
        let request: SendRequest = serde_json::from_str(&fired).unwrap();
        assert_eq!(
            request,
            SendRequest::Digest {
                trigger,
                fired_at: Utc.with_ymd_and_hms(2026, 3, 29, 5, 0, 0).unwrap(),
            }
        );
        assert_eq!(
            serde_json::from_str::<SendRequest>(&serde_json::to_string(&request).unwrap()).unwrap(),
            request
        );
    }

    #[test]
    fn a_settle_request_carries_the_key_and_its_history_entry_and_reads_back() {
        use crate::history::{CommunicationRecord, CommunicationStatus};
        let key = request().key().cloned().unwrap();
        let record = CommunicationRecord {
            tenant: key.tenant.clone(),
            about: key.subject.clone(),
            client: None,
            message_key: key.id(),
            kind: key.kind,
            recipient: key.recipient.clone(),
            channel: key.channel,
            due: key.due,
            recorded_at: key.due,
            status: CommunicationStatus::Sent,
            reason: None,
            subject: Some("Bonjour".into()),
            provider_message_id: Some("ses-1".into()),
            sms: None,
            kept_until: None,
        };
        let settle = SendRequest::Settle {
            key,
            record: Box::new(record),
        };
        let json = serde_json::to_string(&settle).unwrap();
        assert!(json.starts_with(r#"{"v":2,"settle":{"key":"#), "{json}");
        assert_eq!(serde_json::from_str::<SendRequest>(&json).unwrap(), settle);
        let error = serde_json::from_str::<SendRequest>(r#"{"v":2,"settle":{"key":{}}}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("invalid settle"), "{error}");
    }
}
