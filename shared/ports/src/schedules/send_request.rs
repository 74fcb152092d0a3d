//! The input of the send handler — what a schedule carries and the send queue holds: which
//! message to deliver, never its content (rendered at send time from the current state).
//!
//! The form is **versioned** (`{"v": 2, "key": {...}}`): a schedule lives for up to two years,
//! across deployments that may change the key's form, so an input of another version is
//! refused with an error that names it — the queue then dead-letters it for a replay — and is
//! never misread as today's form. Version 1 (`{"key": {...}}` without `v`, keys naming an
//! appointment directly) predates message subjects.

use rappel_core::message::MessageKey;
use serde::{Deserialize, Serialize};

/// The version this build writes and reads.
pub const SEND_REQUEST_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "WireRequest", try_from = "WireRequest")]
pub struct SendRequest {
    pub key: MessageKey,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnreadableRequest {
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
    key: serde_json::Value,
}

impl From<SendRequest> for WireRequest {
    fn from(request: SendRequest) -> Self {
        Self {
            v: Some(u64::from(SEND_REQUEST_VERSION)),
            // A key is plain data (strings, numbers, an RFC 3339 instant): it always encodes.
            key: serde_json::to_value(&request.key).unwrap_or(serde_json::Value::Null),
        }
    }
}

impl TryFrom<WireRequest> for SendRequest {
    type Error = UnreadableRequest;
    fn try_from(wire: WireRequest) -> Result<Self, Self::Error> {
        match wire.v {
            None => Err(UnreadableRequest::Version1),
            Some(v) if v == u64::from(SEND_REQUEST_VERSION) => serde_json::from_value(wire.key)
                .map(|key| SendRequest { key })
                .map_err(|e| UnreadableRequest::BadKey(e.to_string())),
            Some(v) => Err(UnreadableRequest::UnknownVersion(v)),
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
        SendRequest {
            key: MessageKey {
                tenant: TenantId::parse("t").unwrap(),
                subject: Subject::Client(ClientId::parse("c").unwrap()),
                kind: MessageKind::Reengagement,
                ordinal: 1,
                recipient: Recipient::Client(ClientId::parse("c").unwrap()),
                channel: Channel::Email,
                due: chrono::Utc.with_ymd_and_hms(2026, 3, 26, 9, 0, 0).unwrap(),
            },
        }
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
}
