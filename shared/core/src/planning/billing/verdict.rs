//! The send-time check of a message about a billing document: re-plan from the document as it
//! is now. A reminder of an invoice paid meanwhile, or of a quote answered, is stale with that
//! reason.

use super::{BillingContext, timeline};
use crate::message::{Disposition, MessageKey, StaleReason, SuppressionReason, Verdict};
use crate::model::time_zone::resolve_local;
use chrono::{DateTime, Days, NaiveTime, Utc};

pub fn verdict(key: &MessageKey, ctx: &BillingContext<'_>, now: DateTime<Utc>) -> Verdict {
    // A quote's anchor is the end of its last day; an invoice's kinds run on grace.
    let last_day = ctx.document.anchor_date();
    let end_of_anchor = resolve_local(
        ctx.settings.input.time_zone.tz(),
        last_day
            .checked_add_days(Days::new(1))
            .unwrap_or(last_day)
            .and_time(NaiveTime::MIN),
    );
    if key.kind.is_too_late(end_of_anchor, key.due, now) {
        return Verdict::Stale(StaleReason::TooLate);
    }
    if let Some(reason) = ctx.document.closed() {
        return Verdict::Stale(reason);
    }
    if key.kind.is_timeline() {
        return match timeline(ctx).into_iter().find(|m| &m.key == key) {
            Some(planned) => match planned.disposition {
                Disposition::Deliver => Verdict::Send,
                Disposition::Suppressed(reason) => Verdict::Suppress(reason),
            },
            None => Verdict::Stale(StaleReason::NotInCurrentPlan),
        };
    }
    // The notice: still open (checked above); the channel as the contact allows it now.
    match ctx.contact(&key.recipient) {
        None => Verdict::Suppress(SuppressionReason::UnknownRecipient),
        Some(contact) => match contact.block(key.channel, false) {
            Some(reason) => Verdict::Suppress(reason),
            None => Verdict::Send,
        },
    }
}
