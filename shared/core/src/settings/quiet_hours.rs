//! Quiet hours: a local-time window (e.g. 21:00–08:00) in which a business does not want its
//! clients' and staff's phones to buzz. Evaluated in each **recipient's** zone; which messages
//! it covers is part of the setting. The placement itself is in
//! [`crate::planning::quiet_hours`].

use super::LocalTime;
use crate::message::{Channel, MessageKind, Trigger};
use chrono::Duration;
use serde::{Deserialize, Serialize};

/// Messages due this long or less before their appointment are not held back by default:
/// the usual 2-hour reminder moved to the evening before would be useless.
pub const DEFAULT_URGENT_WITHIN_HOURS: u8 = 2;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidQuietHours {
    #[error("quiet hours need a window: \"from\" and \"until\" must differ")]
    EmptyWindow,
    #[error("quiet hours must cover SMS, e-mail or both")]
    NoChannel,
    #[error(
        "{0} is sent by a daily schedule at a time the business chose: quiet hours cannot move it"
    )]
    Recurring(MessageKind),
}

/// The `notifications.quiet_hours` row. Absent (or `null`) means no quiet hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "QuietHoursInput")]
pub struct QuietHours {
    /// The window starts at this local time…
    pub from: LocalTime,
    /// …and ends at this one (the next day when earlier than `from`).
    pub until: LocalTime,
    /// Hold SMS back (default true).
    #[schema(required = false, default = true)]
    pub sms: bool,
    /// Hold e-mails back (default false).
    #[schema(required = false, default = false)]
    pub email: bool,
    /// The kinds held back; `None`: every kind except cancellation notices (and the digests,
    /// whose time the business already chose).
    pub kinds: Option<Vec<MessageKind>>,
    /// A message due this many hours or less before its appointment goes out anyway.
    #[schema(required = false)]
    pub urgent_within_hours: u8,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuietHoursInput {
    from: LocalTime,
    until: LocalTime,
    #[serde(default = "yes")]
    sms: bool,
    #[serde(default)]
    email: bool,
    #[serde(default)]
    kinds: Option<Vec<MessageKind>>,
    #[serde(default = "default_urgent")]
    urgent_within_hours: u8,
}

fn yes() -> bool {
    true
}

fn default_urgent() -> u8 {
    DEFAULT_URGENT_WITHIN_HOURS
}

impl TryFrom<QuietHoursInput> for QuietHours {
    type Error = InvalidQuietHours;
    fn try_from(i: QuietHoursInput) -> Result<Self, Self::Error> {
        if i.from == i.until {
            return Err(InvalidQuietHours::EmptyWindow);
        }
        if !i.sms && !i.email {
            return Err(InvalidQuietHours::NoChannel);
        }
        if let Some(kind) = i
            .kinds
            .iter()
            .flatten()
            .find(|k| k.facts().trigger == Trigger::Recurring)
        {
            return Err(InvalidQuietHours::Recurring(*kind));
        }
        Ok(Self {
            from: i.from,
            until: i.until,
            sms: i.sms,
            email: i.email,
            kinds: i.kinds,
            urgent_within_hours: i.urgent_within_hours,
        })
    }
}

impl QuietHours {
    /// Whether a message of `kind` on `channel` is held back by the window. The urgency rule
    /// (close to its appointment) is applied by the placement, which knows the anchor.
    pub fn covers(&self, kind: MessageKind, channel: Channel) -> bool {
        let channel_covered = match channel {
            Channel::Sms => self.sms,
            Channel::Email => self.email,
        };
        if !channel_covered || kind.facts().trigger == Trigger::Recurring {
            return false;
        }
        match &self.kinds {
            Some(kinds) => kinds.contains(&kind),
            None => !matches!(kind, MessageKind::Cancelled | MessageKind::CancelledAlert),
        }
    }

    pub fn urgent_within(&self) -> Duration {
        Duration::hours(i64::from(self.urgent_within_hours))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<QuietHours, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn sms_is_quiet_by_default_and_e_mail_only_when_asked() {
        let q = parse(r#"{"from":"21:00","until":"08:00"}"#).unwrap();
        assert!(q.covers(MessageKind::Reminder, Channel::Sms));
        assert!(!q.covers(MessageKind::Reminder, Channel::Email));
        assert_eq!(q.urgent_within(), Duration::hours(2));
        let both = parse(r#"{"from":"21:00","until":"08:00","email":true}"#).unwrap();
        assert!(both.covers(MessageKind::Reminder, Channel::Email));
    }

    #[test]
    fn cancellation_notices_and_digests_are_not_held_back_by_default() {
        let q = parse(r#"{"from":"21:00","until":"08:00"}"#).unwrap();
        assert!(!q.covers(MessageKind::Cancelled, Channel::Sms));
        assert!(!q.covers(MessageKind::CancelledAlert, Channel::Sms));
        assert!(!q.covers(MessageKind::StaffDigest, Channel::Sms));
        assert!(q.covers(MessageKind::Confirmation, Channel::Sms));
        let only = parse(r#"{"from":"21:00","until":"08:00","kinds":["reminder"]}"#).unwrap();
        assert!(only.covers(MessageKind::Reminder, Channel::Sms));
        assert!(!only.covers(MessageKind::Confirmation, Channel::Sms));
    }

    #[test]
    fn an_empty_window_no_channel_or_a_digest_kind_is_refused() {
        assert!(parse(r#"{"from":"21:00","until":"21:00"}"#).is_err());
        assert!(parse(r#"{"from":"21:00","until":"08:00","sms":false}"#).is_err());
        assert!(parse(r#"{"from":"21:00","until":"08:00","kinds":["staff_digest"]}"#).is_err());
        assert!(parse(r#"{"from":"21:00","until":"25:00"}"#).is_err());
    }
}
