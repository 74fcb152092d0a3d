//! Where quiet hours put a message: a covered message due inside the recipient's quiet window
//! moves to the window's end — unless that is at or after its appointment's start (a reminder
//! the morning after a 7:00 appointment reminds of nothing), then to the window's start, sent
//! earlier. Every planner passes its plan through [`observe_quiet_hours`] last, so the keys
//! carry the moved time and the send-time re-plan finds exactly the same keys.
//!
//! The window is open at both ends: with 21:00–08:00, a message at 21:00 or 08:00 sharp is
//! outside it. Local times are resolved like every wall-clock instant (a DST gap moves to its
//! end; a repeated hour is read at the occurrence that keeps the message inside the night it
//! falls in).

use crate::message::{Channel, MessageKind, PlannedMessage, Recipient};
use crate::model::TimeZone;
use crate::settings::{LocalTime, QuietHours};
use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveTime, TimeZone as _, Utc};

/// Moves the covered messages of `plan` out of their recipient's quiet window. `zone_of` gives
/// a recipient's zone (`None`: unknown recipient, left alone); `anchor` is the appointment's
/// start for messages about one.
pub fn observe_quiet_hours(
    plan: &mut [PlannedMessage],
    quiet: Option<&QuietHours>,
    zone_of: impl Fn(&Recipient) -> Option<TimeZone>,
    anchor: Option<DateTime<Utc>>,
) {
    if quiet.is_none() {
        return;
    }
    for message in plan.iter_mut() {
        let key = &message.key;
        let zone = zone_of(&key.recipient);
        let due = placed_due(quiet, key.kind, key.channel, zone, key.due, anchor);
        if due != key.due {
            message.natural_due = Some(key.due);
            message.key.due = due;
        }
    }
}

/// When a message of `kind` on `channel` naturally due at `natural` goes out: moved out of the
/// window if quiet hours cover it, else unchanged. The send-time checks use it to recognise a
/// moved key from the natural time they know.
pub fn placed_due(
    quiet: Option<&QuietHours>,
    kind: MessageKind,
    channel: Channel,
    zone: Option<TimeZone>,
    natural: DateTime<Utc>,
    anchor: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let (Some(quiet), Some(zone)) = (quiet, zone) else {
        return natural;
    };
    if !quiet.covers(kind, channel) {
        return natural;
    }
    let urgent =
        anchor.is_some_and(|start| natural < start && start - natural <= quiet.urgent_within());
    if urgent {
        return natural;
    }
    place(natural, quiet.from, quiet.until, zone, anchor).unwrap_or(natural)
}

/// The instant a message due at `due` goes out, if the window `from`–`until` (local, in `zone`)
/// holds it; `None` when it is outside.
pub fn place(
    due: DateTime<Utc>,
    from: LocalTime,
    until: LocalTime,
    zone: TimeZone,
    anchor: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let (mut opened, mut closes) = window_around(due, from, until, zone)?;
    // When the clocks skip all the free time between two windows (free 00:00–00:45 on a
    // night that jumps 00:00 → 01:00), one window closes inside the next: the message waits
    // for the next free time (or, sent earlier, for the one before). A zone skips at most one
    // day's free time, so two steps are enough.
    for _ in 0..2 {
        match window_around(closes, from, until, zone) {
            Some((_, later)) => closes = later,
            None => break,
        }
    }
    for _ in 0..2 {
        match window_around(opened, from, until, zone) {
            Some((before, _)) => opened = before,
            None => break,
        }
    }
    match anchor {
        Some(start) if due < start && closes >= start => Some(opened),
        _ => Some(closes),
    }
}

/// Whether `at` is strictly inside the quiet window in `zone`.
pub fn is_quiet(at: DateTime<Utc>, from: LocalTime, until: LocalTime, zone: TimeZone) -> bool {
    window_around(at, from, until, zone).is_some()
}

/// The window holding `at`: the last instant before it opened (its start) and the instant it
/// closes. `None` if `at` is outside every window.
fn window_around(
    at: DateTime<Utc>,
    from: LocalTime,
    until: LocalTime,
    zone: TimeZone,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let local = at.with_timezone(&zone.tz());
    let day = local.date_naive();
    let (from, until) = (from.naive(), until.naive());
    // Each window that could hold `at`: the one opening the day before (crossing midnight)
    // and the one opening today.
    let yesterday = day.checked_sub_days(Days::new(1))?;
    [yesterday, day].into_iter().find_map(|opening_day| {
        let closing_day = if until > from {
            opening_day
        } else {
            opening_day.checked_add_days(Days::new(1))?
        };
        let opened = opening(zone, opening_day, from, at)?;
        let closes = closing(zone, closing_day, until, at)?;
        (opened < at && at < closes).then_some((opened, closes))
    })
}

/// The instant a window opens on `day`: the latest occurrence of `from` not after `at` (a
/// repeated hour), or, when `from` falls in a DST gap, the last instant before the gap.
fn opening(
    zone: TimeZone,
    day: NaiveDate,
    from: NaiveTime,
    at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match zone.tz().from_local_datetime(&day.and_time(from)) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, second) => {
            let (first, second) = (first.with_timezone(&Utc), second.with_timezone(&Utc));
            Some(if second <= at { second } else { first })
        }
        LocalResult::None => {
            Some(zone.instant_at(day.and_time(from)) - chrono::Duration::seconds(1))
        }
    }
}

/// The instant a window closes on `day`: the first occurrence of `until` after `at`, or the
/// end of the DST gap it falls in.
fn closing(
    zone: TimeZone,
    day: NaiveDate,
    until: NaiveTime,
    at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match zone.tz().from_local_datetime(&day.and_time(until)) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, second) => {
            let (first, second) = (first.with_timezone(&Utc), second.with_timezone(&Utc));
            // At `first` itself the window has closed: reading the second occurrence there
            // put a message moved to the first one back inside the window.
            Some(if first >= at { first } else { second })
        }
        LocalResult::None => Some(zone.instant_at(day.and_time(until))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    fn t(h: u8, m: u8) -> LocalTime {
        LocalTime::new(h, m)
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn zone(name: &str) -> TimeZone {
        TimeZone::parse(name).unwrap()
    }

    fn local(at: DateTime<Utc>, z: TimeZone) -> String {
        at.with_timezone(&z.tz())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    #[test]
    fn a_message_due_at_eleven_at_night_goes_out_at_eight_in_the_morning() {
        let paris = zone("Europe/Paris");
        // 23:00 in Paris (summer, UTC+2).
        let moved = place(utc(2026, 6, 10, 21, 0), t(21, 0), t(8, 0), paris, None).unwrap();
        assert_eq!(local(moved, paris), "2026-06-11 08:00");
        // 06:30 the next morning, same window.
        let early = place(utc(2026, 6, 11, 4, 30), t(21, 0), t(8, 0), paris, None).unwrap();
        assert_eq!(local(early, paris), "2026-06-11 08:00");
    }

    #[test]
    fn the_edges_of_the_window_and_the_day_are_outside_it() {
        let paris = zone("Europe/Paris");
        assert_eq!(
            place(utc(2026, 6, 10, 19, 0), t(21, 0), t(8, 0), paris, None),
            None
        );
        assert_eq!(
            place(utc(2026, 6, 11, 6, 0), t(21, 0), t(8, 0), paris, None),
            None
        );
        assert_eq!(
            place(utc(2026, 6, 11, 10, 0), t(21, 0), t(8, 0), paris, None),
            None
        );
        // A window inside one day (12:00–14:00, a lunch break).
        let lunch = place(utc(2026, 6, 11, 10, 30), t(12, 0), t(14, 0), paris, None).unwrap();
        assert_eq!(local(lunch, paris), "2026-06-11 14:00");
    }

    #[test]
    fn a_message_whose_window_ends_after_the_appointment_goes_out_the_evening_before() {
        let paris = zone("Europe/Paris");
        // Due 23:00, appointment at 07:30: 08:00 would be too late → 21:00 the evening before.
        let appointment = utc(2026, 6, 11, 5, 30);
        let moved = place(
            utc(2026, 6, 10, 21, 0),
            t(21, 0),
            t(8, 0),
            paris,
            Some(appointment),
        )
        .unwrap();
        assert_eq!(local(moved, paris), "2026-06-10 21:00");
        // An appointment at 09:00: 08:00 is still before it.
        let later = utc(2026, 6, 11, 7, 0);
        let kept = place(
            utc(2026, 6, 10, 21, 0),
            t(21, 0),
            t(8, 0),
            paris,
            Some(later),
        )
        .unwrap();
        assert_eq!(local(kept, paris), "2026-06-11 08:00");
    }

    #[test]
    fn the_window_is_read_in_the_recipients_zone_on_both_sides_of_utc() {
        // 02:00 UTC is 22:00 in New York (quiet) and 11:00 in Tokyo (not).
        let at = utc(2026, 6, 11, 2, 0);
        let ny = zone("America/New_York");
        let moved = place(at, t(21, 0), t(8, 0), ny, None).unwrap();
        assert_eq!(local(moved, ny), "2026-06-11 08:00");
        assert_eq!(place(at, t(21, 0), t(8, 0), zone("Asia/Tokyo"), None), None);
    }

    #[test]
    fn on_dst_nights_the_window_ends_at_eight_on_the_wall_clock() {
        let paris = zone("Europe/Paris");
        // 29 March 2026: 02:00 → 03:00 in Paris. Due 01:30 local (00:30 UTC).
        let spring = place(utc(2026, 3, 29, 0, 30), t(21, 0), t(8, 0), paris, None).unwrap();
        assert_eq!(local(spring, paris), "2026-03-29 08:00");
        assert_eq!(spring, utc(2026, 3, 29, 6, 0));
        // 25 October 2026: 03:00 → 02:00. Due 02:30 local, first pass (00:30 UTC).
        let autumn = place(utc(2026, 10, 25, 0, 30), t(21, 0), t(8, 0), paris, None).unwrap();
        assert_eq!(autumn, utc(2026, 10, 25, 7, 0));
        let ny = zone("America/New_York");
        // 8 March 2026: 02:00 → 03:00 in New York. Due 23:30 on the 7th (04:30 UTC on the 8th).
        let ny_spring = place(utc(2026, 3, 8, 4, 30), t(21, 0), t(8, 0), ny, None).unwrap();
        assert_eq!(local(ny_spring, ny), "2026-03-08 08:00");
        assert_eq!(ny_spring, utc(2026, 3, 8, 12, 0));
        // 1 November 2026: 02:00 → 01:00. Due 01:30 local, second pass (06:30 UTC).
        let ny_autumn = place(utc(2026, 11, 1, 6, 30), t(21, 0), t(8, 0), ny, None).unwrap();
        assert_eq!(ny_autumn, utc(2026, 11, 1, 13, 0));
    }

    #[test]
    fn a_window_ending_in_the_repeated_hour_closes_at_its_first_occurrence() {
        let paris = zone("Europe/Paris");
        // 25 October 2026: 03:00 → 02:00. Quiet 02:15 → 02:00 the next day (found by the
        // property below: the message moved to 02:00 CEST was read as still inside).
        let due = utc(2026, 10, 24, 4, 46);
        let moved = place(due, t(2, 15), t(2, 0), paris, None).unwrap();
        assert_eq!(moved, utc(2026, 10, 25, 0, 0));
        assert!(!is_quiet(moved, t(2, 15), t(2, 0), paris));
    }

    #[test]
    fn a_window_edge_inside_a_dst_gap_still_leaves_nothing_inside() {
        let paris = zone("Europe/Paris");
        // Window 02:30–06:00 on the night 02:00 → 03:00: it opens when the gap ends.
        let at = utc(2026, 3, 29, 1, 30); // 03:30 local
        assert!(is_quiet(at, t(2, 30), t(6, 0), paris));
        let appointment = utc(2026, 3, 29, 3, 0); // 05:00 local
        let moved = place(at, t(2, 30), t(6, 0), paris, Some(appointment)).unwrap();
        assert!(!is_quiet(moved, t(2, 30), t(6, 0), paris));
        assert!(moved < at);
    }

    #[test]
    fn a_day_whose_only_free_time_the_clocks_skip_sends_at_the_next_free_time() {
        let santiago = zone("America/Santiago");
        // Quiet 00:45 → 00:00: free only from midnight to 00:45. On 6 September 2026 Santiago
        // skips 00:00 → 01:00, so that day has no free time at all (found by the property
        // below: the message went out at 01:00, inside the window).
        let due = utc(2026, 9, 5, 18, 51); // 14:51 on the 5th
        let moved = place(due, t(0, 45), t(0, 0), santiago, None).unwrap();
        assert!(!is_quiet(moved, t(0, 45), t(0, 0), santiago));
        assert_eq!(local(moved, santiago), "2026-09-07 00:00");
        // With an appointment the next free time would miss, the evening before the window.
        let appointment = utc(2026, 9, 6, 15, 0);
        let earlier = place(due, t(0, 45), t(0, 0), santiago, Some(appointment)).unwrap();
        assert!(!is_quiet(earlier, t(0, 45), t(0, 0), santiago));
        assert_eq!(local(earlier, santiago), "2026-09-05 00:45");
    }

    fn zones() -> impl Strategy<Value = TimeZone> {
        prop::sample::select(vec![
            "Europe/Paris",
            "America/New_York",
            "America/Santiago",
            "Australia/Lord_Howe",
            "Asia/Tokyo",
            "Pacific/Chatham",
        ])
        .prop_map(zone)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Across the DST changes of 2026 in zones east and west of UTC, windows crossing
        /// midnight or not: a moved message is never inside the window, never moved by more
        /// than a day, and moved earlier only for an appointment the window's end would miss.
        #[test]
        fn no_covered_message_is_ever_due_inside_the_quiet_window(
            z in zones(),
            minutes in 0i64..(366 * 24 * 60),
            from_h in 0u8..24, from_m in prop::sample::select(vec![0u8, 15, 30, 45]),
            until_h in 0u8..24, until_m in prop::sample::select(vec![0u8, 15, 30, 45]),
            anchor_after in prop::option::of(0i64..(36 * 60)),
        ) {
            let (from, until) = (t(from_h, from_m), t(until_h, until_m));
            prop_assume!(from != until);
            let due = utc(2026, 1, 1, 0, 0) + Duration::minutes(minutes);
            let anchor = anchor_after.map(|m| due + Duration::minutes(m));
            match place(due, from, until, z, anchor) {
                None => prop_assert!(!is_quiet(due, from, until, z)),
                Some(moved) => {
                    prop_assert!(is_quiet(due, from, until, z));
                    prop_assert!(!is_quiet(moved, from, until, z), "moved into the window: {moved}");
                    // A day or so; two when the clocks skip a day's whole free time (at
                    // most the hour a DST change skips).
                    let free = (i64::from(from_h) * 60 + i64::from(from_m)
                        - i64::from(until_h) * 60 - i64::from(until_m))
                        .rem_euclid(24 * 60);
                    let bound = if free <= 60 { 49 } else { 25 };
                    prop_assert!((moved - due).num_hours().abs() <= bound);
                    if moved < due {
                        prop_assert!(anchor.is_some_and(|start| moved < start));
                    }
                }
            }
        }
    }
}
