//! A business's webhook endpoint: where its events are posted, which types, the secrets that
//! sign them, and how far it has got — its cursor in the business's event stream, and, while
//! it fails, when it is tried next. Events go out one at a time in stream order: a failing
//! endpoint holds its own stream back (nobody else's) and catches up in order once it answers.

use super::{EventType, WebhookSecret};
use crate::model::TenantId;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long after its first failure in a row an endpoint keeps being retried before it is
/// disabled (longer than the 72 hours promised).
pub const DISABLE_AFTER: Duration = Duration::days(5);
/// How long an old secret still signs after a rotation.
pub const OLD_SECRET_VALID_FOR: Duration = Duration::hours(24);
/// At most this many endpoints per business.
pub const MAX_ENDPOINTS: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "url must be https://…, or http:// to a loopback address (127.0.0.1, localhost, [::1]) on the local stack; at most 2,000 characters"
)]
pub struct InvalidWebhookUrl;

/// Where events are posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "https://crm.example.com/hooks/rappel")]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// `https://` to a host name, or also `http://` to a loopback host and `https://` to any
    /// host when `loopback_http` (the local stack). Deployed, an address literal is refused:
    /// a business's server has a name, and a literal is how one would aim at what only the
    /// function's own network reaches.
    pub fn parse(raw: &str, loopback_http: bool) -> Result<Self, InvalidWebhookUrl> {
        if raw.len() > 2000 || raw.chars().any(char::is_whitespace) {
            return Err(InvalidWebhookUrl);
        }
        let host_of = |rest: &str| {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            match authority.strip_prefix('[') {
                Some(v6) => v6.split(']').next().unwrap_or_default().to_owned(),
                None => authority.split(':').next().unwrap_or_default().to_owned(),
            }
        };
        let ok = if let Some(rest) = raw.strip_prefix("https://") {
            let host = host_of(rest);
            let literal = host.parse::<std::net::IpAddr>().is_ok() || host == "localhost";
            if loopback_http {
                !host.is_empty() && (host.contains('.') || literal)
            } else {
                host.contains('.') && !literal
            }
        } else if let Some(rest) = raw.strip_prefix("http://") {
            loopback_http && ["127.0.0.1", "localhost", "::1"].contains(&host_of(rest).as_str())
        } else {
            false
        };
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidWebhookUrl)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for WebhookUrl {
    type Error = InvalidWebhookUrl;
    /// Read back from storage: what was accepted once (loopback included).
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw, true)
    }
}

impl From<WebhookUrl> for String {
    fn from(u: WebhookUrl) -> Self {
        u.0
    }
}

/// A secret in force, and until when (the old one after a rotation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretInForce {
    /// `whsec_…`.
    pub secret: String,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub tenant: TenantId,
    /// `we_` and 24 hex digits.
    pub id: String,
    pub url: WebhookUrl,
    /// The types posted; all when empty.
    pub event_types: Vec<EventType>,
    /// Newest first.
    pub secrets: Vec<SecretInForce>,
    pub created_at: DateTime<Utc>,
    /// The position of the last event it accepted (or skipped by type); from its creation on.
    pub cursor: Option<String>,
    /// Failures in a row, and since when.
    pub failures: u32,
    pub failing_since: Option<DateTime<Utc>>,
    /// While failing: not tried before this.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed (a status code or a transport error kind).
    pub last_error: Option<String>,
    /// Disabled after failing for [`DISABLE_AFTER`]: nothing is posted until it is enabled
    /// again.
    pub disabled_at: Option<DateTime<Utc>>,
}

/// What follows a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(DateTime<Utc>),
    Disable,
}

impl WebhookEndpoint {
    /// Whether it takes events of `event_type`.
    pub fn wants(&self, event_type: EventType) -> bool {
        self.event_types.is_empty() || self.event_types.contains(&event_type)
    }

    /// The secrets that sign at `now`, newest first (an expired old one no longer does).
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<WebhookSecret> {
        self.secrets
            .iter()
            .filter(|s| s.expires_at.is_none_or(|until| now < until))
            .filter_map(|s| WebhookSecret::parse(&s.secret).ok())
            .collect()
    }

    /// Whether it is to be tried at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.disabled_at.is_none() && self.next_attempt_at.is_none_or(|at| at <= now)
    }

    /// Its state once an attempt at `now` failed with `error`.
    pub fn failed(&mut self, error: String, now: DateTime<Utc>) -> AfterFailure {
        let since = *self.failing_since.get_or_insert(now);
        self.failures += 1;
        self.last_error = Some(error);
        if now - since >= DISABLE_AFTER {
            self.disabled_at = Some(now);
            self.next_attempt_at = None;
            return AfterFailure::Disable;
        }
        let at = now + retry_delay(self.failures);
        self.next_attempt_at = Some(at);
        AfterFailure::RetryAt(at)
    }

    /// Enabled again after it was disabled: its failures forgotten, due at once, from its
    /// cursor. Answers whether it was disabled (an active endpoint is left as it is).
    pub fn enable(&mut self) -> bool {
        if self.disabled_at.is_none() {
            return false;
        }
        self.disabled_at = None;
        self.failures = 0;
        self.failing_since = None;
        self.next_attempt_at = None;
        true
    }

    /// Its state once it accepted the event at `position`.
    pub fn accepted(&mut self, position: String) {
        self.cursor = Some(position);
        self.failures = 0;
        self.failing_since = None;
        self.next_attempt_at = None;
        self.last_error = None;
    }
}

/// The wait after the `failures`-th failure in a row: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then
/// every 12 h (the Standard Webhooks schedule, kept going until [`DISABLE_AFTER`]).
pub fn retry_delay(failures: u32) -> Duration {
    match failures {
        0 | 1 => Duration::seconds(5),
        2 => Duration::minutes(5),
        3 => Duration::minutes(30),
        4 => Duration::hours(2),
        5 => Duration::hours(5),
        6 => Duration::hours(10),
        _ => Duration::hours(12),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn endpoint() -> WebhookEndpoint {
        WebhookEndpoint {
            tenant: TenantId::parse("salon-lea").unwrap(),
            id: "we_1".into(),
            url: WebhookUrl::parse("https://crm.example.com/hooks", false).unwrap(),
            event_types: Vec::new(),
            secrets: Vec::new(),
            created_at: t0(),
            cursor: None,
            failures: 0,
            failing_since: None,
            next_attempt_at: None,
            last_error: None,
            disabled_at: None,
        }
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()
    }

    #[test]
    fn a_failing_endpoint_is_retried_with_backoff_for_more_than_72_hours_then_disabled() {
        let mut e = endpoint();
        let mut now = t0();
        let mut attempts = 0;
        while let AfterFailure::RetryAt(at) = e.failed("503".into(), now) {
            assert!(at > now);
            now = at;
            attempts += 1;
            assert!(attempts < 100);
        }
        assert!(now - t0() >= Duration::hours(72), "{}", now - t0());
        assert!(e.disabled_at.is_some());
        assert!(!e.is_due(now + Duration::days(30)));
        assert!((8..20).contains(&attempts), "{attempts}");
    }

    #[test]
    fn an_accepted_event_ends_the_failures() {
        let mut e = endpoint();
        e.failed("timeout".into(), t0());
        assert!(!e.is_due(t0()));
        assert!(e.is_due(t0() + Duration::seconds(5)));
        e.accepted("p".into());
        assert_eq!(
            (e.failures, e.failing_since, e.next_attempt_at),
            (0, None, None)
        );
    }

    #[test]
    fn an_endpoint_is_https_or_a_loopback_address_on_the_local_stack() {
        assert!(WebhookUrl::parse("https://crm.example.com/h?x=1", false).is_ok());
        assert!(WebhookUrl::parse("http://127.0.0.1:8080/h", true).is_ok());
        assert!(WebhookUrl::parse("http://[::1]:8080/h", true).is_ok());
        for bad in [
            ("http://127.0.0.1:8080/h", false),
            ("http://crm.example.com/h", true),
            ("ftp://crm.example.com", false),
            ("https:///nohost", false),
            ("https://exa mple.com", false),
            // Deployed, a name only: an address literal could reach what the function's
            // network reaches rather than the business's server.
            ("https://169.254.169.254/latest", false),
            ("https://10.0.0.7/h", false),
            ("https://[fd00::1]/h", false),
            ("https://localhost/h", false),
        ] {
            assert!(WebhookUrl::parse(bad.0, bad.1).is_err(), "{bad:?}");
        }
    }
}
