//! The send-time check of a message about a client: re-plan from the client's current
//! appointments and settings.

use super::timeline::step_due;
use super::{ClientContext, context::is_visit, reengagement};
use crate::message::{Disposition, MessageKey, StaleReason, Verdict};
use crate::planning::quiet_hours::placed_due;
use crate::settings::MAX_REENGAGEMENT_DAYS;
use chrono::{DateTime, Utc};

pub fn verdict(key: &MessageKey, ctx: &ClientContext<'_>, now: DateTime<Utc>) -> Verdict {
    if key.kind.is_too_late(key.due, key.due, now) {
        return Verdict::Stale(StaleReason::TooLate);
    }
    if let Some(planned) = reengagement(ctx).into_iter().find(|m| &m.key == key) {
        return match planned.disposition {
            Disposition::Deliver => Verdict::Send,
            Disposition::Suppressed(reason) => Verdict::Suppress(reason),
        };
    }
    if booked_since_planned(key, ctx) {
        Verdict::Stale(StaleReason::ClientBookedAgain)
    } else {
        Verdict::Stale(StaleReason::NotInCurrentPlan)
    }
}

/// Whether the visit this step was planned from has been followed by another booking. The
/// visit is found again from the key alone: one whose end, some whole number of days earlier
/// on the wall clock, gives exactly the key's due instant. Several visits may fit (two visits
/// at the same time of day); if any of them is not the current last visit, a later booking
/// moved the plan away from it.
fn booked_since_planned(key: &MessageKey, ctx: &ClientContext<'_>) -> bool {
    let Some(last) = ctx.last_visit() else {
        return false;
    };
    let zone = ctx.contact(&key.recipient).map(|c| c.time_zone);
    let quiet = ctx.settings.input.notifications.quiet_hours.as_ref();
    let moved = |natural| placed_due(quiet, key.kind, key.channel, zone, natural, None);
    ctx.appointments
        .iter()
        .filter(|a| is_visit(a))
        .filter(|a| {
            let zone = a.time_zone.tz();
            let days = (key.due.with_timezone(&zone).date_naive()
                - a.end.with_timezone(&zone).date_naive())
            .num_days();
            (1..=i64::from(MAX_REENGAGEMENT_DAYS)).contains(&days)
                && u16::try_from(days).is_ok_and(|d| {
                    let natural = step_due(a.end, d, a);
                    natural == key.due || moved(natural) == key.due
                })
        })
        .any(|planned_from| last.booked_again || planned_from.id != last.visit.id)
}
