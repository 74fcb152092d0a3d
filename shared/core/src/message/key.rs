//! The deterministic identity of one planned message.
//!
//! The same decision always yields the same key, so creating a schedule twice, deleting one that
//! is gone, or replaying a trigger is harmless: the schedule name and the delivery-ledger entry
//! are both derived from it.

use super::{Channel, MessageKind, Recipient, Subject};
use crate::model::TenantId;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageKey {
    pub tenant: TenantId,
    /// What the message is about: its planner decides at send time whether it still holds.
    pub subject: Subject,
    pub kind: MessageKind,
    /// Rule number (1-based) for timeline messages; the subject's version for change messages.
    pub ordinal: u64,
    pub recipient: Recipient,
    pub channel: Channel,
    pub due: DateTime<Utc>,
}

impl MessageKey {
    /// Canonical text form: the delivery ledger's key.
    pub fn id(&self) -> String {
        let identity = format!(
            "{}/{}/{}/{}/{}/{}",
            self.tenant, self.subject, self.kind, self.ordinal, self.recipient, self.channel,
        );
        if self.subject.due_is_identity() {
            format!(
                "{identity}/{}",
                self.due.to_rfc3339_opts(SecondsFormat::Secs, true)
            )
        } else {
            identity
        }
    }

    /// The EventBridge Scheduler name of this message (≤ 64 chars of `[0-9A-Za-z-_.]`):
    /// `<subject prefix>-<kind><ordinal>-<e|s>-<hash>`.
    pub fn schedule_name(&self) -> ScheduleName {
        let digest = hex::encode(Sha256::digest(self.id().as_bytes()));
        let channel = match self.channel {
            Channel::Email => 'e',
            Channel::Sms => 's',
        };
        ScheduleName(format!(
            "{}-{}{}-{}-{}",
            self.subject.schedule_prefix(&self.tenant),
            self.kind.code(),
            self.ordinal.min(9999),
            channel,
            &digest[..20]
        ))
    }
}

impl MessageKey {
    /// The name of the schedule that tries the message again at `slot`, when its business's
    /// send cap held it back: its own schedule's name and the slot (at most 59 characters).
    pub fn held_schedule_name(&self, slot: DateTime<Utc>) -> ScheduleName {
        ScheduleName(format!(
            "{}.h{}",
            self.schedule_name().as_str(),
            slot.timestamp()
        ))
    }
}

/// A schedule name as EventBridge Scheduler accepts it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ScheduleName(String);

crate::schema::string_schema!(
    ScheduleName,
    "The EventBridge-safe name of a message's schedule, derived from its key.",
    "r-3f9a1c0e5b7d",
    None,
    Some(64)
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("schedule names are 1 to 64 characters of [0-9A-Za-z-_.]")]
pub struct InvalidScheduleName;

impl ScheduleName {
    pub fn parse(raw: &str) -> Result<Self, InvalidScheduleName> {
        let ok = !raw.is_empty()
            && raw.len() <= 64
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidScheduleName)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ScheduleName {
    type Error = InvalidScheduleName;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<ScheduleName> for String {
    fn from(n: ScheduleName) -> String {
        n.0
    }
}

impl fmt::Display for ScheduleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AppointmentId, ClientId, StaffId};
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn key(ordinal: u64, due_minute: u32) -> MessageKey {
        MessageKey {
            tenant: TenantId::parse("salon-lea").unwrap(),
            subject: Subject::Appointment(
                AppointmentId::parse("ap_0123456789abcdef0123456789abcdef").unwrap(),
            ),
            kind: MessageKind::Reminder,
            ordinal,
            recipient: Recipient::Client(ClientId::parse("cl_1").unwrap()),
            channel: Channel::Sms,
            due: Utc.with_ymd_and_hms(2026, 3, 29, 8, due_minute, 0).unwrap(),
        }
    }

    #[test]
    fn the_same_message_always_gets_the_same_schedule_name() {
        assert_eq!(key(1, 0).schedule_name(), key(1, 0).schedule_name());
        assert_ne!(key(1, 0).schedule_name(), key(1, 1).schedule_name());
        assert_ne!(key(1, 0).schedule_name(), key(2, 0).schedule_name());
        let staff = MessageKey {
            recipient: Recipient::Staff(StaffId::parse("cl_1").unwrap()),
            ..key(1, 0)
        };
        assert_ne!(staff.schedule_name(), key(1, 0).schedule_name());
    }

    #[test]
    fn schedule_names_share_their_subjects_prefix_and_subjects_do_not_share_one() {
        let name = key(1, 0).schedule_name();
        let prefix = key(1, 0).subject.schedule_prefix(&key(1, 0).tenant);
        assert!(name.as_str().starts_with(&prefix));
        assert!(name.as_str().starts_with('a'));
        let client = MessageKey {
            subject: Subject::Client(ClientId::parse("cl_1").unwrap()),
            kind: MessageKind::Reengagement,
            ..key(1, 0)
        };
        let client_prefix = client.subject.schedule_prefix(&client.tenant);
        assert!(client.schedule_name().as_str().starts_with(&client_prefix));
        assert!(client_prefix.starts_with('c'));
        assert!(!name.as_str().starts_with(&client_prefix));
    }

    #[test]
    fn the_same_id_as_appointment_and_as_client_makes_two_messages() {
        let as_client = MessageKey {
            subject: Subject::Client(
                ClientId::parse("ap_0123456789abcdef0123456789abcdef").unwrap(),
            ),
            ..key(1, 0)
        };
        assert_ne!(as_client.id(), key(1, 0).id());
        assert_ne!(as_client.schedule_name(), key(1, 0).schedule_name());
    }

    proptest! {
        #[test]
        fn every_schedule_name_is_valid_for_eventbridge(
            tenant in "[A-Za-z0-9_-]{1,64}",
            id in "[A-Za-z0-9_-]{1,64}",
            of_client in any::<bool>(),
            ordinal in any::<u64>(),
            kind in 0usize..MessageKind::ALL.len(),
            minute in 0u32..60,
        ) {
            let subject = if of_client {
                Subject::Client(ClientId::parse(&id).unwrap())
            } else {
                Subject::Appointment(AppointmentId::parse(&id).unwrap())
            };
            let k = MessageKey {
                tenant: TenantId::parse(&tenant).unwrap(),
                subject,
                kind: MessageKind::ALL[kind],
                ordinal,
                recipient: Recipient::Client(ClientId::parse("c").unwrap()),
                channel: Channel::Email,
                due: Utc.with_ymd_and_hms(2026, 1, 1, 0, minute, 0).unwrap(),
            };
            let name = k.schedule_name();
            prop_assert!(ScheduleName::parse(name.as_str()).is_ok());
            prop_assert!(name.as_str().len() <= 64);
            let held = k.held_schedule_name(Utc.with_ymd_and_hms(2286, 11, 20, 17, 46, 39).unwrap());
            prop_assert!(ScheduleName::parse(held.as_str()).is_ok(), "{}", held);
            prop_assert!(held.as_str().starts_with(name.as_str()));
        }
    }
}
