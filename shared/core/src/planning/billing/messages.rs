//! What a billing document plans: the notice when it is issued (a change message), and the
//! reminder steps while it stays open — to the client (mode `client`) or to every manager
//! (mode `owner`), each step on a calendar day counted from the document's date in the
//! business's zone, at the billing `send_at` local time (DST resolved like every wall-clock
//! instant: a time in the skipped hour moves to the first valid minute).

use super::{BillingContext, Document};
use crate::message::{Disposition, MessageKey, PlannedMessage, Recipient, SuppressionReason};
use crate::model::TimeZone;
use crate::planning::quiet_hours::observe_quiet_hours;
use crate::planning::resolve_channels;
use crate::settings::{ChannelChoice, LocalTime, ReminderMode};
use chrono::{DateTime, Days, NaiveDate, Utc};

/// The notice of a document newly issued (or sent): when it is written for the first time, or
/// re-opened, with `notify`. Due at its issue instant: an old document imported today is
/// too late for a notice (a week's grace), and says so in the history.
pub fn change_messages(
    old: Option<Document<'_>>,
    new: Document<'_>,
    ctx: &BillingContext<'_>,
) -> Vec<PlannedMessage> {
    if old.is_some_and(|o| o.version() >= new.version()) {
        return Vec::new(); // replayed or reordered record
    }
    let newly_open = new.closed().is_none() && old.is_none_or(|o| o.closed().is_some());
    if !newly_open || !new.notify() {
        return Vec::new();
    }
    let (notice, _, _) = new.kinds();
    let choice = new.notice_channels(&ctx.settings.input.notifications.billing);
    let mut plan = planned(
        ctx,
        notice,
        new.version(),
        ctx.client_recipient(),
        choice,
        new.issued_at(),
    );
    quiet(&mut plan, ctx);
    plan
}

/// Quiet hours, in each recipient's zone (a document has no appointment to miss).
fn quiet(plan: &mut [PlannedMessage], ctx: &BillingContext<'_>) {
    observe_quiet_hours(
        plan,
        ctx.settings.input.notifications.quiet_hours.as_ref(),
        |r| ctx.contact(r).map(|c| c.time_zone),
        None,
    );
}

/// The reminder steps of the document as it is now: none once it is closed.
pub fn timeline(ctx: &BillingContext<'_>) -> Vec<PlannedMessage> {
    let document = ctx.document;
    if document.closed().is_some() {
        return Vec::new();
    }
    let billing = &ctx.settings.input.notifications.billing;
    let reminders = document.reminders(billing);
    let (_, to_client, to_owner) = document.kinds();
    let zone = ctx.settings.input.time_zone;
    let mut plan = Vec::new();
    for (index, step) in reminders.steps.steps().iter().enumerate() {
        let days = i64::from(step.days) * document.direction();
        let Some(due) = step_due(document.anchor_date(), days, billing.send_at, zone) else {
            continue;
        };
        let ordinal = index as u64 + 1;
        match reminders.mode {
            ReminderMode::Client => plan.extend(planned(
                ctx,
                to_client,
                ordinal,
                ctx.client_recipient(),
                step.channels(),
                due,
            )),
            ReminderMode::Owner => {
                for manager in ctx.managers() {
                    plan.extend(planned(
                        ctx,
                        to_owner,
                        ordinal,
                        manager,
                        step.channels(),
                        due,
                    ));
                }
            }
            ReminderMode::None => {}
        }
    }
    quiet(&mut plan, ctx);
    plan.sort_by(|a, b| (a.key.due, &a.key.recipient).cmp(&(b.key.due, &b.key.recipient)));
    plan
}

/// `days` calendar days from `date` (negative: before), at `at` on the wall clock of `zone`.
pub fn step_due(
    date: NaiveDate,
    days: i64,
    at: LocalTime,
    zone: TimeZone,
) -> Option<DateTime<Utc>> {
    let day = if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))?
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))?
    };
    Some(zone.instant_at(day.and_time(at.naive())))
}

fn planned(
    ctx: &BillingContext<'_>,
    kind: crate::message::MessageKind,
    ordinal: u64,
    recipient: Recipient,
    choice: ChannelChoice,
    due: DateTime<Utc>,
) -> Vec<PlannedMessage> {
    let key = |channel| MessageKey {
        tenant: ctx.document.tenant().clone(),
        subject: ctx.document.subject(),
        kind,
        ordinal,
        recipient: recipient.clone(),
        channel,
        due,
    };
    match ctx.contact(&recipient) {
        Some(contact) => resolve_channels(choice, &contact, false)
            .into_iter()
            .map(|(channel, disposition)| PlannedMessage {
                key: key(channel),
                disposition,
                natural_due: None,
            })
            .collect(),
        None => [
            (choice.email, crate::message::Channel::Email),
            (choice.sms, crate::message::Channel::Sms),
        ]
        .into_iter()
        .filter(|(wanted, _)| *wanted)
        .map(|(_, channel)| PlannedMessage {
            key: key(channel),
            disposition: Disposition::Suppressed(SuppressionReason::UnknownRecipient),
            natural_due: None,
        })
        .collect(),
    }
}
