//! Where a client's "reschedule" link leads: the business's own booking page, as a URL template
//! holding `{token}` (a signed reschedule token its booking tool checks) and optionally
//! `{appointment_id}`.

use super::reengagement::is_http_url;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RescheduleUrl(String);

crate::schema::string_schema!(
    RescheduleUrl,
    "The booking tool's reschedule page: an http(s) URL holding {token} (and optionally {appointment_id}).",
    "https://book.example.com/reschedule/{appointment_id}?token={token}",
    None,
    None
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "reschedule_url must be an http(s) URL of at most 2048 characters holding {{token}} (and optionally {{appointment_id}}), e.g. https://salon.example/book?change={{token}}"
)]
pub struct InvalidRescheduleUrl;

impl RescheduleUrl {
    pub fn parse(raw: &str) -> Result<Self, InvalidRescheduleUrl> {
        if is_http_url(raw) && raw.contains("{token}") {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidRescheduleUrl)
        }
    }

    /// The URL for one appointment: placeholders replaced by their URL-safe values (ids are
    /// `[A-Za-z0-9_-]`, tokens add `.` and hex digits: nothing to escape).
    pub fn fill(&self, appointment_id: &str, token: &str) -> String {
        self.0
            .replace("{appointment_id}", appointment_id)
            .replace("{token}", token)
    }
}

impl TryFrom<String> for RescheduleUrl {
    type Error = InvalidRescheduleUrl;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<RescheduleUrl> for String {
    fn from(u: RescheduleUrl) -> Self {
        u.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reschedule_url_needs_a_token_placeholder_and_fills_it() {
        let url = RescheduleUrl::parse("https://salon.example/book?id={appointment_id}&t={token}")
            .unwrap();
        assert_eq!(
            url.fill("ap_1", "ap_1.123.abc"),
            "https://salon.example/book?id=ap_1&t=ap_1.123.abc"
        );
        assert!(RescheduleUrl::parse("https://salon.example/book").is_err());
        assert!(RescheduleUrl::parse("javascript:{token}").is_err());
    }
}
