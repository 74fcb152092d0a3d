//! The daily digest ("récapitulatif de l'activité"): each staff member gets their appointments
//! of the day, each manager the whole business's day — the day before or the same day, at a
//! local time, in the recipient's own zone and language.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which day a digest covers, seen from the day it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DigestDay {
    /// Sent on the eve: tomorrow's appointments.
    DayBefore,
    /// Sent in the morning: today's appointments.
    #[default]
    SameDay,
}

/// A time of day, `HH:MM` on a 24-hour clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalTime {
    hour: u8,
    minute: u8,
}

crate::schema::string_schema!(
    LocalTime,
    "A wall-clock time, HH:MM on 24 hours.",
    "07:30",
    None,
    Some(5)
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid time of day {0:?}: use HH:MM on a 24-hour clock, e.g. \"07:30\"")]
pub struct InvalidLocalTime(pub String);

impl LocalTime {
    /// A valid time of day (hour and minute clamped to 23:59).
    pub const fn new(hour: u8, minute: u8) -> Self {
        Self {
            hour: if hour > 23 { 23 } else { hour },
            minute: if minute > 59 { 59 } else { minute },
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidLocalTime> {
        let err = || InvalidLocalTime(raw.to_owned());
        let (h, m) = raw.split_once(':').ok_or_else(err)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(err());
        }
        let hour: u8 = h.parse().map_err(|_| err())?;
        let minute: u8 = m.parse().map_err(|_| err())?;
        if hour > 23 || minute > 59 {
            return Err(err());
        }
        Ok(Self { hour, minute })
    }

    pub fn hour(self) -> u32 {
        u32::from(self.hour)
    }

    pub fn minute(self) -> u32 {
        u32::from(self.minute)
    }

    pub fn naive(self) -> chrono::NaiveTime {
        chrono::NaiveTime::from_hms_opt(self.hour(), self.minute(), 0).unwrap_or_default()
    }
}

impl TryFrom<String> for LocalTime {
    type Error = InvalidLocalTime;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<LocalTime> for String {
    fn from(t: LocalTime) -> Self {
        t.to_string()
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

/// The business's agenda page (its booking software's view of a day), linked from a digest
/// too long to list whole: an http(s) URL, where `{date}` stands for the day (`2026-03-30`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgendaUrl(String);

crate::schema::string_schema!(
    AgendaUrl,
    "The business's agenda page for a day: an http(s) URL; `{date}` stands for the day (YYYY-MM-DD).",
    "https://app.example.com/agenda?day={date}",
    None,
    None
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid agenda URL: use an http(s) URL, `{{date}}` standing for the day")]
pub struct InvalidAgendaUrl;

impl AgendaUrl {
    pub fn parse(raw: &str) -> Result<Self, InvalidAgendaUrl> {
        if super::reengagement::is_http_url(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidAgendaUrl)
        }
    }

    /// The page of `date`.
    pub fn for_date(&self, date: chrono::NaiveDate) -> String {
        self.0
            .replace("{date}", &date.format("%Y-%m-%d").to_string())
    }
}

impl TryFrom<String> for AgendaUrl {
    type Error = InvalidAgendaUrl;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<AgendaUrl> for String {
    fn from(u: AgendaUrl) -> Self {
        u.0
    }
}

/// The digest row of the settings. Off for everyone by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DigestSettings {
    /// Each staff member gets their own day.
    pub staff: bool,
    /// Each manager gets the whole business's day.
    pub managers: bool,
    pub when: DigestDay,
    /// Local time of sending, in each recipient's own zone.
    pub at: LocalTime,
    pub email: bool,
    pub sms: bool,
    /// Linked from a digest whose day is too long to list whole ("and 1,950 more").
    pub agenda_url: Option<AgendaUrl>,
}

impl Default for DigestSettings {
    fn default() -> Self {
        Self {
            staff: false,
            managers: false,
            when: DigestDay::SameDay,
            at: LocalTime { hour: 7, minute: 0 },
            email: true,
            sms: false,
            agenda_url: None,
        }
    }
}

impl DigestSettings {
    pub fn channels(&self) -> super::ChannelChoice {
        super::ChannelChoice {
            email: self.email,
            sms: self.sms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_of_day_is_two_digits_colon_two_digits() {
        assert_eq!(LocalTime::parse("07:30").unwrap().to_string(), "07:30");
        assert_eq!(LocalTime::parse("23:59").unwrap().minute(), 59);
        for bad in ["7:30", "24:00", "12:60", "12h30", "", "1é:00", "12:3"] {
            assert!(LocalTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn digest_settings_default_to_off_at_seven_by_email() {
        let parsed: DigestSettings = serde_json::from_str(r#"{"staff": true}"#).unwrap();
        assert!(parsed.staff && !parsed.managers);
        assert_eq!(parsed.at.to_string(), "07:00");
        assert_eq!(parsed.when, DigestDay::SameDay);
        assert!(serde_json::from_str::<DigestSettings>(r#"{"at": "25:00"}"#).is_err());
        assert!(serde_json::from_str::<DigestSettings>(r#"{"when": "weekly"}"#).is_err());
    }
}
