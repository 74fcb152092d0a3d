//! A delay before the start or after the end of an appointment.
//!
//! Minutes and hours are exact durations ("2h" before is always 7200 s before). Days are calendar
//! days at the same local wall-clock time in the appointment's time zone ("1d" before a 10:00
//! appointment is 10:00 the day before, even across a DST change, when that day is 23 or 25 h).

use crate::model::Zone;
use crate::model::time_zone::resolve_local;
use chrono::{DateTime, Days, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid offset {0:?}: use a positive whole number followed by m, h or d (\"30m\", \"24h\", \"2d\"), at most 90 days"
)]
pub struct InvalidOffset(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Offset {
    Minutes(u32),
    Hours(u32),
    Days(u32),
}

crate::schema::string_schema!(
    Offset,
    "A delay: a positive whole number and m (minutes), h (hours) or d (calendar days at the same local time), at most 90 days.",
    "24h"
);

const MAX_MINUTES: u64 = 90 * 24 * 60;

impl Offset {
    pub fn parse(raw: &str) -> Result<Self, InvalidOffset> {
        let err = || InvalidOffset(raw.to_owned());
        let trimmed = raw.trim();
        // The unit is the last character, which may be any UTF-8 character in bad input.
        let mut chars = trimmed.chars();
        let unit = chars.next_back().ok_or_else(err)?;
        let n: u32 = chars.as_str().parse().map_err(|_| err())?;
        let offset = match unit {
            'm' => Offset::Minutes(n),
            'h' => Offset::Hours(n),
            'd' => Offset::Days(n),
            _ => return Err(err()),
        };
        if n == 0 || offset.approx_minutes() > MAX_MINUTES {
            return Err(err());
        }
        Ok(offset)
    }

    /// The same delay written in another unit: "2h" and "120m". Calendar days are another
    /// kind of delay ("1d" keeps the wall clock, "24h" does not across a DST change), so "1d"
    /// and "24h" are not the same.
    pub fn same_delay(self, other: Offset) -> bool {
        let is_days = |o: Offset| matches!(o, Offset::Days(_));
        is_days(self) == is_days(other) && self.approx_minutes() == other.approx_minutes()
    }

    fn approx_minutes(self) -> u64 {
        match self {
            Offset::Minutes(n) => u64::from(n),
            Offset::Hours(n) => u64::from(n) * 60,
            Offset::Days(n) => u64::from(n) * 24 * 60,
        }
    }

    /// The instant this offset before `instant`, days counted on the wall clock of `zone`.
    pub fn before(self, instant: DateTime<Utc>, zone: Zone) -> DateTime<Utc> {
        match self {
            Offset::Minutes(n) => instant - Duration::minutes(i64::from(n)),
            Offset::Hours(n) => instant - Duration::hours(i64::from(n)),
            Offset::Days(n) => shift_days(instant, zone, n, false),
        }
    }

    /// The instant this offset after `instant`, days counted on the wall clock of `zone`.
    pub fn after(self, instant: DateTime<Utc>, zone: Zone) -> DateTime<Utc> {
        match self {
            Offset::Minutes(n) => instant + Duration::minutes(i64::from(n)),
            Offset::Hours(n) => instant + Duration::hours(i64::from(n)),
            Offset::Days(n) => shift_days(instant, zone, n, true),
        }
    }
}

/// Same local time `days` days earlier or later. A local time that falls in a DST gap moves
/// forward to the first valid minute; one that occurs twice takes the earlier occurrence.
fn shift_days(instant: DateTime<Utc>, zone: Zone, days: u32, forward: bool) -> DateTime<Utc> {
    let local = instant.with_timezone(&zone).naive_local();
    let shifted = if forward {
        local.checked_add_days(Days::new(u64::from(days)))
    } else {
        local.checked_sub_days(Days::new(u64::from(days)))
    };
    match shifted {
        Some(target) => resolve_local(zone, target),
        None => instant,
    }
}

impl TryFrom<String> for Offset {
    type Error = InvalidOffset;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Offset> for String {
    fn from(o: Offset) -> String {
        o.to_string()
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Offset::Minutes(n) => write!(f, "{n}m"),
            Offset::Hours(n) => write!(f, "{n}h"),
            Offset::Days(n) => write!(f, "{n}d"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimeZone;
    use chrono::TimeZone as _;

    fn in_paris() -> Zone {
        TimeZone::parse("Europe/Paris").unwrap().tz()
    }

    fn in_new_york() -> Zone {
        TimeZone::parse("America/New_York").unwrap().tz()
    }

    fn paris(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        in_paris()
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn offsets_parse_and_print_the_same_way() {
        for raw in ["30m", "24h", "2d"] {
            assert_eq!(Offset::parse(raw).unwrap().to_string(), raw);
        }
        for bad in [
            "",
            "0h",
            "24",
            "h",
            "-2h",
            "1.5h",
            "91d",
            "2w",
            "1é",
            "é",
            "2hé",
            "1\u{1F600}",
        ] {
            assert!(Offset::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn one_day_before_keeps_the_wall_clock_across_the_spring_change_in_paris() {
        // Sunday 29 March 2026 02:00 → 03:00 in Paris: the day before is 23 hours long.
        let start = paris(2026, 3, 30, 10, 0);
        let due = Offset::Days(1).before(start, in_paris());
        assert_eq!(due, paris(2026, 3, 29, 10, 0));
        assert_eq!(start - due, Duration::hours(24));
        let due = Offset::Days(2).before(start, in_paris());
        assert_eq!(due, paris(2026, 3, 28, 10, 0));
        assert_eq!(start - due, Duration::hours(47));
    }

    #[test]
    fn twenty_four_hours_before_is_exact_and_shifts_the_wall_clock_across_dst() {
        let start = paris(2026, 3, 30, 10, 0);
        assert_eq!(
            Offset::Hours(48).before(start, in_paris()),
            paris(2026, 3, 28, 9, 0)
        );
    }

    #[test]
    fn one_day_before_keeps_the_wall_clock_across_the_autumn_change_in_paris() {
        // Sunday 25 October 2026 03:00 → 02:00 in Paris: that day is 25 hours long.
        let start = paris(2026, 10, 26, 9, 0);
        let due = Offset::Days(2).before(start, in_paris());
        assert_eq!(due, paris(2026, 10, 24, 9, 0));
        assert_eq!(start - due, Duration::hours(49));
    }

    #[test]
    fn a_day_offset_landing_in_a_dst_gap_moves_to_the_first_valid_minute() {
        // 02:30 on 29 March 2026 does not exist in Paris.
        let start = paris(2026, 3, 30, 2, 30);
        assert_eq!(
            Offset::Days(1).before(start, in_paris()),
            paris(2026, 3, 29, 3, 0)
        );
    }

    #[test]
    fn a_day_offset_landing_on_a_repeated_hour_takes_the_first_occurrence() {
        // 02:30 happens twice on 25 October 2026 in Paris; the first is at +02:00.
        let start = paris(2026, 10, 26, 2, 30);
        let due = Offset::Days(1).before(start, in_paris());
        assert_eq!(due.to_rfc3339(), "2026-10-25T00:30:00+00:00");
    }

    #[test]
    fn new_york_changes_on_other_dates_and_the_rule_still_holds() {
        // 8 March 2026: New York springs forward; 1 November 2026: falls back.
        let ny = |y, mo, d, h| {
            in_new_york()
                .with_ymd_and_hms(y, mo, d, h, 0, 0)
                .single()
                .unwrap()
                .with_timezone(&Utc)
        };
        let start = ny(2026, 3, 8, 9);
        assert_eq!(
            Offset::Days(1).before(start, in_new_york()),
            ny(2026, 3, 7, 9)
        );
        assert_eq!(
            start - Offset::Days(1).before(start, in_new_york()),
            Duration::hours(23)
        );
        let end = ny(2026, 10, 31, 18);
        assert_eq!(
            Offset::Days(1).after(end, in_new_york()),
            ny(2026, 11, 1, 18)
        );
        assert_eq!(
            Offset::Days(1).after(end, in_new_york()) - end,
            Duration::hours(25)
        );
    }

    #[test]
    fn a_day_offset_over_a_leap_day_counts_the_29th() {
        let start = paris(2028, 3, 1, 10, 0);
        assert_eq!(
            Offset::Days(1).before(start, in_paris()),
            paris(2028, 2, 29, 10, 0)
        );
    }
}
