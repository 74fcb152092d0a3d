//! How long a business keeps what it no longer needs: ended appointments, clients' requests
//! (inbound messages, waitlist entries), the history of messages, closed invoices and quotes.
//! Each record is stamped, when it is written, with the instant it may be deleted; the stores
//! delete it then (DynamoDB's TTL; the local stack's sweep as its clock moves).
//!
//! A period never goes below what a plan still needs: an ended appointment is what a
//! follow-up (at most 90 days after the end) and a re-engagement (its longest step after the
//! last visit) are computed from, so the business's periods are checked against its rules
//! ([`RetentionSettings::check`]).

use super::ReengagementSettings;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Days something is kept, 30 to 3650 (ten years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct RetentionDays(u16);

crate::schema::integer_schema!(
    RetentionDays,
    "Days something is kept once it is over (ended, received, recorded, closed).",
    MIN_RETENTION_DAYS as u64,
    MAX_RETENTION_DAYS as u64,
    365
);

pub const MIN_RETENTION_DAYS: u16 = 30;
pub const MAX_RETENTION_DAYS: u16 = 3650;
/// The latest a message about an appointment falls after its end (a follow-up's or a review
/// request's largest offset).
const LATEST_AFTER_END_DAYS: u16 = 90;
/// Beyond the latest message a period must cover: a message held by a send cap or quiet hours,
/// or retried, still finds what it is about.
const GRACE_DAYS: u16 = 31;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a retention period is {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days (got {0})")]
pub struct InvalidRetentionDays(pub u16);

impl RetentionDays {
    pub fn days(days: u16) -> Result<Self, InvalidRetentionDays> {
        if (MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(&days) {
            Ok(Self(days))
        } else {
            Err(InvalidRetentionDays(days))
        }
    }

    pub fn as_days(self) -> u16 {
        self.0
    }

    fn after(self, at: DateTime<Utc>) -> DateTime<Utc> {
        at + Duration::days(i64::from(self.0))
    }
}

impl TryFrom<u16> for RetentionDays {
    type Error = InvalidRetentionDays;
    fn try_from(days: u16) -> Result<Self, Self::Error> {
        Self::days(days)
    }
}

impl From<RetentionDays> for u16 {
    fn from(d: RetentionDays) -> u16 {
        d.0
    }
}

/// A business's retention periods (`retention` in its settings). The defaults, and why:
/// - ended appointments **1095 days** (3 years): the CNIL's guidance for customer records
///   (kept 3 years after the last contact), and longer than any re-engagement step (730);
/// - inbound messages and waitlist entries **365 days**: a season's requests to look back on;
/// - history **730 days** (2 years): the consumer's limitation period (Code de la
///   consommation, L218-2) — what was sent is the business's proof in a dispute over a missed
///   appointment's fee;
/// - closed invoices and quotes **365 days**: the year's reminders; the document itself is
///   kept 10 years by the business's accounting (Code de commerce, L123-22), not by Rappel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    /// Days an appointment is kept after its end (a cancelled one too, from the end it had).
    #[serde(default = "default_ended_appointments")]
    pub ended_appointments_days: RetentionDays,
    /// Days a message the business received is kept after it came, and a waitlist entry
    /// after its window ended.
    #[serde(default = "default_inbound_messages")]
    pub inbound_messages_days: RetentionDays,
    /// Days an entry of the history of messages (sent, suppressed, bounced…) is kept after
    /// it was recorded; the reports about a message (delivered, bounced) go with it.
    #[serde(default = "default_history")]
    pub history_days: RetentionDays,
    /// Days an invoice or a quote is kept once it is closed (paid, void, accepted, declined,
    /// expired); an open one is kept while it is.
    #[serde(default = "default_closed_documents")]
    pub closed_documents_days: RetentionDays,
}

fn default_ended_appointments() -> RetentionDays {
    RetentionDays(1095)
}
fn default_inbound_messages() -> RetentionDays {
    RetentionDays(365)
}
fn default_history() -> RetentionDays {
    RetentionDays(730)
}
fn default_closed_documents() -> RetentionDays {
    RetentionDays(365)
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            ended_appointments_days: default_ended_appointments(),
            inbound_messages_days: default_inbound_messages(),
            history_days: default_history(),
            closed_documents_days: default_closed_documents(),
        }
    }
}

/// A period shorter than a plan of the business needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "ended appointments must be kept at least {needed} days: their follow-ups and the \
     business's re-engagement ({longest} days after the last visit) are planned from them"
)]
pub struct RetentionTooShort {
    pub needed: u16,
    pub longest: u16,
}

impl RetentionSettings {
    /// Refuses an ended appointments' period that could delete a visit a message is still to
    /// be planned or sent from.
    pub fn check(&self, reengagement: &ReengagementSettings) -> Result<(), RetentionTooShort> {
        let longest = reengagement.steps.longest_days();
        let needed = longest.max(LATEST_AFTER_END_DAYS) + GRACE_DAYS;
        if self.ended_appointments_days.0 < needed {
            return Err(RetentionTooShort { needed, longest });
        }
        Ok(())
    }

    /// An appointment ending at `end`.
    pub fn appointment_kept_until(&self, end: DateTime<Utc>) -> DateTime<Utc> {
        self.ended_appointments_days.after(end)
    }

    /// A waitlist entry whose window ends at `until`.
    pub fn waitlist_kept_until(&self, until: DateTime<Utc>) -> DateTime<Utc> {
        self.inbound_messages_days.after(until)
    }

    /// A message received at `received_at`.
    pub fn inbound_kept_until(&self, received_at: DateTime<Utc>) -> DateTime<Utc> {
        self.inbound_messages_days.after(received_at)
    }

    /// A history entry recorded at `recorded_at`.
    pub fn history_kept_until(&self, recorded_at: DateTime<Utc>) -> DateTime<Utc> {
        self.history_days.after(recorded_at)
    }

    /// An invoice or quote written at `now`: kept while open (`None`), then for the period
    /// from its closing write.
    pub fn document_kept_until(&self, closed: bool, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        closed.then(|| self.closed_documents_days.after(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn reengagement(days: &[u16]) -> ReengagementSettings {
        let steps: Vec<String> = days
            .iter()
            .map(|d| format!(r#"{{"days_after_last_visit":{d},"email":true}}"#))
            .collect();
        serde_json::from_str(&format!(r#"{{"steps":[{}]}}"#, steps.join(","))).unwrap()
    }

    #[test]
    fn the_defaults_are_three_years_a_year_two_years_and_a_year() {
        let parsed: RetentionSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(parsed, RetentionSettings::default());
        assert_eq!(parsed.ended_appointments_days.as_days(), 1095);
        assert_eq!(parsed.inbound_messages_days.as_days(), 365);
        assert_eq!(parsed.history_days.as_days(), 730);
        assert_eq!(parsed.closed_documents_days.as_days(), 365);
        assert!(parsed.check(&reengagement(&[730])).is_ok());
    }

    #[test]
    fn a_period_is_a_month_to_ten_years() {
        let parse = |json: &str| serde_json::from_str::<RetentionSettings>(json);
        assert!(parse(r#"{"history_days":29}"#).is_err());
        assert!(parse(r#"{"history_days":3651}"#).is_err());
        assert!(parse(r#"{"history_days":30}"#).is_ok());
        assert!(parse(r#"{"keep_forever":true}"#).is_err());
    }

    #[test]
    fn ended_appointments_outlive_the_follow_ups_and_the_longest_re_engagement_step() {
        let short: RetentionSettings =
            serde_json::from_str(r#"{"ended_appointments_days":120}"#).unwrap();
        let refused = short.check(&reengagement(&[])).unwrap_err();
        assert_eq!(refused.needed, 121);
        assert!(short.check(&reengagement(&[30, 60])).is_err());
        let year: RetentionSettings =
            serde_json::from_str(r#"{"ended_appointments_days":365}"#).unwrap();
        assert!(year.check(&reengagement(&[30, 180])).is_ok());
        let refused = year.check(&reengagement(&[30, 365])).unwrap_err();
        assert_eq!((refused.needed, refused.longest), (396, 365));
    }

    #[test]
    fn each_period_counts_from_its_own_instant_and_an_open_document_is_kept() {
        let r = RetentionSettings::default();
        let at = Utc.with_ymd_and_hms(2026, 3, 29, 0, 30, 0).unwrap();
        assert_eq!(
            r.appointment_kept_until(at),
            Utc.with_ymd_and_hms(2029, 3, 28, 0, 30, 0).unwrap()
        );
        assert_eq!(
            r.history_kept_until(at),
            Utc.with_ymd_and_hms(2028, 3, 28, 0, 30, 0).unwrap()
        );
        assert_eq!(
            r.inbound_kept_until(at),
            Utc.with_ymd_and_hms(2027, 3, 29, 0, 30, 0).unwrap()
        );
        assert_eq!(r.waitlist_kept_until(at), r.inbound_kept_until(at));
        assert_eq!(r.document_kept_until(false, at), None);
        assert_eq!(
            r.document_kept_until(true, at),
            Some(Utc.with_ymd_and_hms(2027, 3, 29, 0, 30, 0).unwrap())
        );
    }
}
