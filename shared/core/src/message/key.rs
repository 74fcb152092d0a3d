//! The deterministic identity of one planned message.
//!
//! The same decision always yields the same key, so creating a schedule twice, deleting one that
//! is gone, or replaying a trigger is harmless: the schedule name and the delivery-ledger entry
//! are both derived from it.

use super::{Channel, MessageKind, Recipient};
use crate::model::{AppointmentId, TenantId};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MessageKey {
    pub tenant: TenantId,
    pub appointment: AppointmentId,
    pub kind: MessageKind,
    /// Rule number (1-based) for timeline messages; appointment version for change messages.
    pub ordinal: u64,
    pub recipient: Recipient,
    pub channel: Channel,
    pub due: DateTime<Utc>,
}

impl MessageKey {
    /// Canonical text form: the delivery ledger's key.
    pub fn id(&self) -> String {
        format!(
            "{}/{}/{}/{}/{}/{}/{}",
            self.tenant,
            self.appointment,
            self.kind,
            self.ordinal,
            self.recipient,
            self.channel,
            self.due.to_rfc3339_opts(SecondsFormat::Secs, true)
        )
    }

    /// The EventBridge Scheduler name of this message (≤ 64 chars of `[0-9A-Za-z-_.]`):
    /// `<appointment prefix>-<kind><ordinal>-<e|s>-<hash>`.
    pub fn schedule_name(&self) -> ScheduleName {
        let digest = hex::encode(Sha256::digest(self.id().as_bytes()));
        let channel = match self.channel {
            Channel::Email => 'e',
            Channel::Sms => 's',
        };
        ScheduleName(format!(
            "{}-{}{}-{}-{}",
            schedule_prefix(&self.tenant, &self.appointment),
            self.kind.code(),
            self.ordinal.min(9999),
            channel,
            &digest[..20]
        ))
    }
}

/// All schedule names of one appointment start with this (16 hex chars), so they can be listed
/// by prefix.
pub fn schedule_prefix(tenant: &TenantId, appointment: &AppointmentId) -> String {
    let digest = hex::encode(Sha256::digest(format!("{tenant}/{appointment}").as_bytes()));
    format!("r{}", &digest[..16])
}

/// A schedule name as EventBridge Scheduler accepts it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ScheduleName(String);

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
    use crate::model::{ClientId, StaffId};
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn key(ordinal: u64, due_minute: u32) -> MessageKey {
        MessageKey {
            tenant: TenantId::parse("salon-lea").unwrap(),
            appointment: AppointmentId::parse("ap_0123456789abcdef0123456789abcdef").unwrap(),
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
    fn schedule_names_share_the_appointment_prefix() {
        let name = key(1, 0).schedule_name();
        let prefix = schedule_prefix(&key(1, 0).tenant, &key(1, 0).appointment);
        assert!(name.as_str().starts_with(&prefix));
        assert!(name.as_str().starts_with("r"));
    }

    proptest! {
        #[test]
        fn every_schedule_name_is_valid_for_eventbridge(
            tenant in "[A-Za-z0-9_-]{1,64}",
            appointment in "[A-Za-z0-9_-]{1,64}",
            ordinal in any::<u64>(),
            kind in 0usize..18,
            minute in 0u32..60,
        ) {
            let k = MessageKey {
                tenant: TenantId::parse(&tenant).unwrap(),
                appointment: AppointmentId::parse(&appointment).unwrap(),
                kind: MessageKind::ALL[kind],
                ordinal,
                recipient: Recipient::Client(ClientId::parse("c").unwrap()),
                channel: Channel::Email,
                due: Utc.with_ymd_and_hms(2026, 1, 1, 0, minute, 0).unwrap(),
            };
            let name = k.schedule_name();
            prop_assert!(ScheduleName::parse(name.as_str()).is_ok());
            prop_assert!(name.as_str().len() <= 64);
        }
    }
}
