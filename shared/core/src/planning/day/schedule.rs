//! The recurring schedules of digests: one per recipient, daily at the settings' local time in
//! the recipient's own zone, for as long as digests are on for them. A plain function of the
//! settings and staff members, so a change of either is a diff of two lists, like a timeline.

use crate::message::{DigestTrigger, Recipient, RecurringSchedule};
use crate::model::time_zone::resolve_local;
use crate::model::{StaffMember, TimeZone};
use crate::settings::{BusinessSettings, DigestDay, DigestSettings, LocalTime};
use chrono::{DateTime, Days, NaiveDate, Utc};

pub fn digest_schedules(
    settings: &BusinessSettings,
    staff: &[StaffMember],
) -> Vec<RecurringSchedule> {
    let digest = &settings.input.notifications.digest;
    if !digest.channels().is_enabled() {
        return Vec::new();
    }
    let tenant = &settings.tenant;
    let trigger = |recipient| DigestTrigger {
        tenant: tenant.clone(),
        recipient,
    };
    let mut schedules = Vec::new();
    if digest.staff {
        for member in staff.iter().filter(|s| &s.tenant == tenant) {
            schedules.push(RecurringSchedule::new(
                trigger(Recipient::Staff(member.id.clone())),
                digest.at,
                member.time_zone,
            ));
        }
    }
    if digest.managers {
        for manager in &settings.input.managers {
            schedules.push(RecurringSchedule::new(
                trigger(Recipient::Manager(manager.id.clone())),
                digest.at,
                manager.time_zone,
            ));
        }
    }
    schedules.sort_by(|a, b| a.name.cmp(&b.name));
    schedules
}

/// The day a firing at `fired_at` covers, in the recipient's zone: that day, or the next for
/// a `day_before` digest.
pub fn covered_date(digest: &DigestSettings, zone: TimeZone, fired_at: DateTime<Utc>) -> NaiveDate {
    let local = fired_at.with_timezone(&zone.tz()).date_naive();
    match digest.when {
        DigestDay::SameDay => local,
        DigestDay::DayBefore => local.checked_add_days(Days::new(1)).unwrap_or(local),
    }
}

/// The first firing strictly after `after` of a schedule daily at `at` in `zone`. A time in
/// the hour the clocks skip fires at the first minute after it; in the hour they repeat, at its
/// first occurrence — once a day either way.
pub fn next_firing(at: LocalTime, zone: TimeZone, after: DateTime<Utc>) -> DateTime<Utc> {
    let mut day = after.with_timezone(&zone.tz()).date_naive();
    for _ in 0..3 {
        let firing = resolve_local(zone.tz(), day.and_time(at.naive()));
        if firing > after {
            return firing;
        }
        day = day.checked_add_days(Days::new(1)).unwrap_or(day);
    }
    resolve_local(zone.tz(), day.and_time(at.naive()))
}
