//! The send-time check of an automatic reply: decide again from the stored messages (a message
//! of the same sender written meanwhile, a little earlier, takes the reply) and the settings.

use super::{InboundContext, auto_reply};
use crate::message::{Disposition, MessageKey, StaleReason, Verdict};
use chrono::{DateTime, Utc};

pub fn verdict(key: &MessageKey, ctx: &InboundContext<'_>, now: DateTime<Utc>) -> Verdict {
    if key.kind.is_too_late(key.due, key.due, now) {
        return Verdict::Stale(StaleReason::TooLate);
    }
    match auto_reply(ctx).filter(|m| &m.key == key) {
        Some(planned) => match planned.disposition {
            Disposition::Deliver => Verdict::Send,
            Disposition::Suppressed(reason) => Verdict::Suppress(reason),
        },
        None => Verdict::Stale(StaleReason::NotInCurrentPlan),
    }
}
