//! The send-time check of a digest: still on for this recipient and channel, not past the end
//! of its day, and with something to report.

use super::{DayContext, digest_messages};
use crate::message::{Disposition, MessageKey, StaleReason, SuppressionReason, Verdict};
use chrono::{DateTime, Utc};

pub fn verdict(key: &MessageKey, ctx: &DayContext<'_>, now: DateTime<Utc>) -> Verdict {
    let (_, day_end) = ctx.bounds();
    if key.kind.is_too_late(day_end, key.due, now) {
        return Verdict::Stale(StaleReason::TooLate);
    }
    let Some(planned) = digest_messages(ctx).into_iter().find(|m| &m.key == key) else {
        return Verdict::Stale(StaleReason::NotInCurrentPlan);
    };
    if let Disposition::Suppressed(reason) = planned.disposition {
        return Verdict::Suppress(reason);
    }
    if ctx.count() == 0 {
        return Verdict::Suppress(SuppressionReason::NothingToReport);
    }
    Verdict::Send
}
