//! The send-time check: re-plan from the current state and decide whether a triggered message
//! is still to be sent. This is what makes a late, duplicated or reordered trigger harmless.

use super::{AppointmentContext, change_message_applies, timeline};
use crate::message::{Disposition, MessageKey, StaleReason, Verdict};
use crate::model::Appointment;
use crate::planning::quiet_hours::placed_due;
use chrono::{DateTime, Utc};

/// `now` is when the trigger is handled: a message that arrives too late for its kind is
/// refused first, whatever the plan says. The appointment's start is the anchor of its kinds'
/// lateness rules.
pub fn verdict(
    key: &MessageKey,
    current: &Appointment,
    ctx: &AppointmentContext<'_>,
    now: DateTime<Utc>,
) -> Verdict {
    if key.kind.is_too_late(current.start, key.due, now) {
        return Verdict::Stale(StaleReason::TooLate);
    }
    if key.kind.is_timeline() {
        return match timeline(current, ctx).into_iter().find(|m| &m.key == key) {
            Some(planned) => match planned.disposition {
                Disposition::Deliver => Verdict::Send,
                Disposition::Suppressed(reason) => Verdict::Suppress(reason),
            },
            None => Verdict::Stale(StaleReason::NotInCurrentPlan),
        };
    }
    // A change message moved by quiet hours carries its new time; it is recognised by the
    // time quiet hours give the change's own instant.
    let zone = ctx.contact(&key.recipient).map(|c| c.time_zone);
    let quiet = ctx.settings.input.notifications.quiet_hours.as_ref();
    let moved = |natural| {
        placed_due(
            quiet,
            key.kind,
            key.channel,
            zone,
            natural,
            Some(current.start),
        )
    };
    if !change_message_applies(key.kind, key, current, moved) {
        return Verdict::Stale(StaleReason::Superseded);
    }
    match ctx.contact(&key.recipient) {
        None => Verdict::Suppress(crate::message::SuppressionReason::UnknownRecipient),
        Some(contact) => match contact.block(key.channel, false) {
            Some(reason) => Verdict::Suppress(reason),
            None => Verdict::Send,
        },
    }
}
