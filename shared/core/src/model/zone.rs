//! A [`TimeZone`]'s rules as a `chrono` time zone: `instant.with_timezone(&zone.tz())` and
//! `zone.tz().from_local_datetime(..)` answer from the IANA database through `jiff`, so the
//! rest of the core keeps writing dates with `chrono`.

use super::time_zone::TimeZone;
use chrono::{
    Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, Timelike,
};
use jiff::tz::AmbiguousOffset;
use std::fmt;

/// A zone as `chrono` wants it. Copy, like the [`TimeZone`] it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(TimeZone);

/// The offset from UTC in force at one instant of a zone (chrono's `Offset`), with the zone
/// it came from so that a `DateTime<Zone>` can be converted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoneOffset {
    zone: TimeZone,
    fixed: FixedOffset,
}

impl Zone {
    pub(crate) fn new(zone: TimeZone) -> Self {
        Zone(zone)
    }

    fn offset(self, jiff_offset: jiff::tz::Offset) -> ZoneOffset {
        // A zone's offset is within ±26 h (jiff's own bound); chrono takes ±24 h, which every
        // offset of the database is within (the widest, Kiribati, is +14 h).
        let fixed =
            FixedOffset::east_opt(jiff_offset.seconds()).unwrap_or_else(|| chrono::Utc.fix());
        ZoneOffset {
            zone: self.0,
            fixed,
        }
    }
}

impl Offset for ZoneOffset {
    fn fix(&self) -> FixedOffset {
        self.fixed
    }
}

/// Written as the offset (`+01:00`), which is what `%z`-less formats and `Display` show.
impl fmt::Display for ZoneOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.fixed, f)
    }
}

impl chrono::TimeZone for Zone {
    type Offset = ZoneOffset;

    fn from_offset(offset: &ZoneOffset) -> Self {
        Zone(offset.zone)
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> LocalResult<ZoneOffset> {
        self.offset_from_local_datetime(&local.and_time(NaiveTime::MIN))
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> LocalResult<ZoneOffset> {
        let rules = self.0.rules();
        match rules.to_ambiguous_timestamp(civil(local)).offset() {
            AmbiguousOffset::Unambiguous { offset } => LocalResult::Single(self.offset(offset)),
            AmbiguousOffset::Gap { .. } => LocalResult::None,
            // The first occurrence keeps the offset in force before the clocks went back.
            AmbiguousOffset::Fold { before, after } => {
                LocalResult::Ambiguous(self.offset(before), self.offset(after))
            }
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> ZoneOffset {
        self.offset_from_utc_datetime(&utc.and_time(NaiveTime::MIN))
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> ZoneOffset {
        self.offset(self.0.rules().to_offset(timestamp(utc)))
    }
}

/// chrono's wall-clock time as jiff's, clamped to jiff's years (-9999 to 9999): dates beyond
/// them take the rules of the range's end, which for every zone is its last rule.
fn civil(local: &NaiveDateTime) -> jiff::civil::DateTime {
    let clamped = local.year().clamp(-9999, 9999);
    if clamped != local.year() {
        return if clamped > 0 {
            jiff::civil::DateTime::MAX
        } else {
            jiff::civil::DateTime::MIN
        };
    }
    // In range by construction: chrono's fields are a valid date and time.
    let small = |n: u32| i8::try_from(n).unwrap_or(i8::MAX);
    jiff::civil::DateTime::new(
        i16::try_from(local.year()).unwrap_or(i16::MAX),
        small(local.month()),
        small(local.day()),
        small(local.hour()),
        small(local.minute()),
        // A leap second (chrono's 60) reads as the second before it.
        small(local.second().min(59)),
        0,
    )
    .unwrap_or(jiff::civil::DateTime::MAX)
}

/// chrono's UTC time as a jiff instant, clamped to jiff's range (whole seconds: no zone has
/// changed its offset within a second).
fn timestamp(utc: &NaiveDateTime) -> jiff::Timestamp {
    let seconds = utc.and_utc().timestamp().clamp(
        jiff::Timestamp::MIN.as_second(),
        jiff::Timestamp::MAX.as_second(),
    );
    jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone as _, Utc as ChronoUtc};

    fn zone(name: &str) -> Zone {
        TimeZone::parse(name).unwrap().tz()
    }

    #[test]
    fn paris_is_one_hour_ahead_in_winter_and_two_in_summer() {
        let paris = zone("Europe/Paris");
        let winter = ChronoUtc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap();
        let summer = ChronoUtc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap();
        assert_eq!(
            winter.with_timezone(&paris).to_rfc3339(),
            "2026-01-15T13:00:00+01:00"
        );
        assert_eq!(
            summer.with_timezone(&paris).to_rfc3339(),
            "2026-07-15T14:00:00+02:00"
        );
    }

    #[test]
    fn a_wall_clock_time_skipped_in_spring_does_not_exist() {
        let paris = zone("Europe/Paris");
        let skipped = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(paris.from_local_datetime(&skipped), LocalResult::None);
    }

    #[test]
    fn a_wall_clock_time_repeated_in_autumn_has_two_instants_earlier_first() {
        let new_york = zone("America/New_York");
        let repeated = NaiveDate::from_ymd_opt(2026, 11, 1)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        let LocalResult::Ambiguous(first, second) = new_york.from_local_datetime(&repeated) else {
            panic!("1:30 happens twice in New York on 1 November 2026");
        };
        assert_eq!(first.to_rfc3339(), "2026-11-01T01:30:00-04:00");
        assert_eq!(second.to_rfc3339(), "2026-11-01T01:30:00-05:00");
        assert!(first < second);
    }

    #[test]
    fn southern_and_eastern_zones_change_the_other_way_round() {
        // Sydney leaves summer time on 5 April 2026 (+11 → +10); Auckland on the same day
        // (+13 → +12); Kiritimati is +14 all year.
        let before = ChronoUtc.with_ymd_and_hms(2026, 4, 4, 12, 0, 0).unwrap();
        let after = ChronoUtc.with_ymd_and_hms(2026, 4, 6, 12, 0, 0).unwrap();
        let hours = |at: chrono::DateTime<ChronoUtc>, name: &str| {
            at.with_timezone(&zone(name))
                .offset()
                .fix()
                .local_minus_utc()
                / 3600
        };
        assert_eq!(
            (
                hours(before, "Australia/Sydney"),
                hours(after, "Australia/Sydney")
            ),
            (11, 10)
        );
        assert_eq!(
            (
                hours(before, "Pacific/Auckland"),
                hours(after, "Pacific/Auckland")
            ),
            (13, 12)
        );
        assert_eq!(hours(after, "Pacific/Kiritimati"), 14);
        assert_eq!(hours(after, "America/Los_Angeles"), -7);
    }

    #[test]
    fn dates_at_the_ends_of_chrono_s_range_convert_without_panicking() {
        let paris = zone("Europe/Paris");
        for at in [
            chrono::DateTime::<ChronoUtc>::MIN_UTC,
            chrono::DateTime::<ChronoUtc>::MAX_UTC,
        ] {
            let _ = at.with_timezone(&paris).offset().fix();
            let _ = paris.from_local_datetime(&at.naive_utc());
        }
    }

    #[test]
    fn a_converted_date_converts_on_to_another_zone() {
        let at = ChronoUtc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap();
        let tokyo = at.with_timezone(&zone("Asia/Tokyo"));
        let paris = tokyo.with_timezone(&zone("Europe/Paris"));
        assert_eq!(paris.to_rfc3339(), "2026-06-01T10:00:00+02:00");
        assert_eq!(tokyo, paris);
    }
}
