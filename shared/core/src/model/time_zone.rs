//! IANA time zone, parsed with `chrono-tz` ("Europe/Paris", "America/New_York").

use chrono::{
    DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone as _, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {0:?}: use an IANA name such as \"Europe/Paris\"")]
pub struct UnknownTimeZone(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZone(Tz);

crate::schema::string_schema!(TimeZone, "An IANA time zone name.", "Europe/Paris");

impl TimeZone {
    pub fn parse(raw: &str) -> Result<Self, UnknownTimeZone> {
        raw.trim()
            .parse::<Tz>()
            .map(TimeZone)
            .map_err(|_| UnknownTimeZone(raw.to_owned()))
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The instant a wall-clock time names here (see [`resolve_local`]).
    pub fn instant_at(self, local: NaiveDateTime) -> DateTime<Utc> {
        resolve_local(self.0, local)
    }

    /// The first instant of a calendar day here (a day whose midnight is skipped starts at the
    /// first valid minute).
    pub fn start_of_day(self, date: NaiveDate) -> DateTime<Utc> {
        self.instant_at(date.and_time(NaiveTime::MIN))
    }
}

/// A wall-clock time read in `zone`: in a DST gap, the first valid minute after it; in a
/// repeated hour, its first occurrence.
pub fn resolve_local(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut candidate = local;
    // DST gaps are at most a few hours; walk forward minute by minute out of it.
    for _ in 0..=(4 * 60) {
        match zone.from_local_datetime(&candidate) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(earlier, _) => return earlier.with_timezone(&Utc),
            LocalResult::None => candidate += Duration::minutes(1),
        }
    }
    // Unreachable with real zone data; fall back to reading the wall clock as UTC.
    local.and_utc()
}

impl From<Tz> for TimeZone {
    fn from(tz: Tz) -> Self {
        TimeZone(tz)
    }
}

impl TryFrom<String> for TimeZone {
    type Error = UnknownTimeZone;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<TimeZone> for String {
    fn from(t: TimeZone) -> String {
        t.name().to_owned()
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_names_parse_and_abbreviations_do_not() {
        assert_eq!(
            TimeZone::parse("Europe/Paris").unwrap().name(),
            "Europe/Paris"
        );
        assert!(TimeZone::parse("CEST").is_err());
        assert!(TimeZone::parse("Mars/Olympus").is_err());
    }
}

#[cfg(test)]
mod day_start_tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn a_paris_day_starts_at_its_local_midnight_on_both_sides_of_dst() {
        let paris = TimeZone::parse("Europe/Paris").unwrap();
        let winter = NaiveDate::from_ymd_opt(2026, 3, 28).unwrap();
        let summer = NaiveDate::from_ymd_opt(2026, 3, 30).unwrap();
        assert_eq!(
            paris.start_of_day(winter).to_rfc3339(),
            "2026-03-27T23:00:00+00:00"
        );
        assert_eq!(
            paris.start_of_day(summer).to_rfc3339(),
            "2026-03-29T22:00:00+00:00"
        );
    }

    #[test]
    fn a_day_whose_midnight_does_not_exist_starts_at_the_first_valid_hour() {
        // Santiago skipped 00:00–01:00 on 6 September 2026 (clocks forward at midnight).
        let santiago = TimeZone::parse("America/Santiago").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        assert_eq!(
            santiago.start_of_day(day).to_rfc3339(),
            "2026-09-06T04:00:00+00:00"
        );
    }

    #[test]
    fn a_tokyo_day_starts_the_evening_before_in_utc() {
        let tokyo = TimeZone::parse("Asia/Tokyo").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 27).unwrap();
        assert_eq!(
            tokyo.start_of_day(day).to_rfc3339(),
            "2026-03-26T15:00:00+00:00"
        );
    }
}
