//! Re-engagement ("relance"): up to three steps, each so many days after the client's last
//! visit, to a client who has not booked again. A marketing message: it needs the client's
//! consent, goes out as promotional SMS and carries one-click unsubscribe headers.

use super::ChannelChoice;
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MAX_REENGAGEMENT_STEPS: usize = 3;
/// Two years: a step later than that would greet a stranger.
pub const MAX_REENGAGEMENT_DAYS: u16 = 730;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReengagementStep {
    /// Calendar days after the end of the last visit, at the same local time.
    pub days_after_last_visit: u16,
    #[serde(default)]
    pub email: bool,
    #[serde(default)]
    pub sms: bool,
}

impl ReengagementStep {
    pub fn channels(&self) -> ChannelChoice {
        ChannelChoice {
            email: self.email,
            sms: self.sms,
        }
    }
}

/// The steps, checked: at most three, each 1 to 730 days, no two on the same day.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "Vec<ReengagementStep>", into = "Vec<ReengagementStep>")]
pub struct ReengagementSteps(Vec<ReengagementStep>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidReengagement {
    #[error("at most {MAX_REENGAGEMENT_STEPS} re-engagement steps are allowed (got {0})")]
    TooManySteps(usize),
    #[error("step {step}: days_after_last_visit must be 1 to {MAX_REENGAGEMENT_DAYS} (got {days})")]
    DaysOutOfRange { step: usize, days: u16 },
    #[error("steps {first} and {second} are on the same day ({days} days): remove one")]
    SameDay {
        first: usize,
        second: usize,
        days: u16,
    },
    #[error("booking_url must be an http(s) URL of at most 2048 characters without spaces")]
    BadBookingUrl,
}

impl ReengagementSteps {
    pub fn new(steps: Vec<ReengagementStep>) -> Result<Self, InvalidReengagement> {
        if steps.len() > MAX_REENGAGEMENT_STEPS {
            return Err(InvalidReengagement::TooManySteps(steps.len()));
        }
        for (i, step) in steps.iter().enumerate() {
            let days = step.days_after_last_visit;
            if days == 0 || days > MAX_REENGAGEMENT_DAYS {
                return Err(InvalidReengagement::DaysOutOfRange { step: i + 1, days });
            }
            if let Some(j) = steps[i + 1..]
                .iter()
                .position(|other| other.days_after_last_visit == days)
            {
                return Err(InvalidReengagement::SameDay {
                    first: i + 1,
                    second: i + j + 2,
                    days,
                });
            }
        }
        Ok(Self(steps))
    }

    pub fn steps(&self) -> &[ReengagementStep] {
        &self.0
    }

    /// The latest step, in days (0 without steps): how far back a visit can still matter.
    pub fn longest_days(&self) -> u16 {
        self.0
            .iter()
            .map(|s| s.days_after_last_visit)
            .max()
            .unwrap_or(0)
    }
}

impl TryFrom<Vec<ReengagementStep>> for ReengagementSteps {
    type Error = InvalidReengagement;
    fn try_from(v: Vec<ReengagementStep>) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<ReengagementSteps> for Vec<ReengagementStep> {
    fn from(s: ReengagementSteps) -> Self {
        s.0
    }
}

/// Where a client books again (the business's own booking page), offered in the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BookingUrl(String);

crate::schema::string_schema!(
    BookingUrl,
    "The business's booking page: an http(s) URL.",
    "https://book.example.com/",
    None,
    None
);

/// An absolute http(s) URL with a host, at most 2048 characters, no spaces or controls.
pub(crate) fn is_http_url(raw: &str) -> bool {
    let lower = raw.to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let host_ok = raw
        .split_once("://")
        .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
    let chars_ok = !raw.chars().any(|c| c.is_whitespace() || c.is_control());
    scheme_ok && host_ok && chars_ok && raw.len() <= 2048
}

impl BookingUrl {
    pub fn parse(raw: &str) -> Result<Self, InvalidReengagement> {
        if is_http_url(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidReengagement::BadBookingUrl)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BookingUrl {
    type Error = InvalidReengagement;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<BookingUrl> for String {
    fn from(u: BookingUrl) -> Self {
        u.0
    }
}

impl fmt::Display for BookingUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The re-engagement row of the settings. No steps (the default) means off.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReengagementSettings {
    pub steps: ReengagementSteps,
    pub booking_url: Option<BookingUrl>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_steps_a_zero_day_or_two_steps_on_one_day_are_refused() {
        let parse = |json: &str| serde_json::from_str::<ReengagementSettings>(json);
        let four = r#"{"steps":[{"days_after_last_visit":30},{"days_after_last_visit":60},{"days_after_last_visit":90},{"days_after_last_visit":120}]}"#;
        assert!(parse(four).unwrap_err().to_string().contains("at most 3"));
        assert!(parse(r#"{"steps":[{"days_after_last_visit":0}]}"#).is_err());
        assert!(parse(r#"{"steps":[{"days_after_last_visit":731}]}"#).is_err());
        let same = r#"{"steps":[{"days_after_last_visit":30},{"days_after_last_visit":30}]}"#;
        assert!(parse(same).unwrap_err().to_string().contains("same day"));
        let ok = r#"{"steps":[{"days_after_last_visit":30,"email":true},{"days_after_last_visit":90,"sms":true}],"booking_url":"https://salon.example/book"}"#;
        let parsed = parse(ok).unwrap();
        assert_eq!(parsed.steps.steps().len(), 2);
        assert_eq!(parsed.steps.longest_days(), 90);
    }

    #[test]
    fn a_booking_url_is_an_http_address_without_spaces() {
        assert!(BookingUrl::parse("https://salon.example/book?x=1").is_ok());
        assert!(BookingUrl::parse("javascript:alert(1)").is_err());
        assert!(BookingUrl::parse("https://").is_err());
        assert!(BookingUrl::parse("https://a b").is_err());
        assert!(BookingUrl::parse("https://a\r\nX-Header: 1").is_err());
    }
}
