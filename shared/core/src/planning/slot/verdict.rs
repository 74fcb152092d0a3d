//! The send-time check of an offer: the slot must still be free (an offer of a slot somebody
//! took meanwhile is stale), the client still waiting for it, the kind still on. The cap is not
//! decided again: who was chosen when the slot was freed stays chosen.

use super::SlotContext;
use super::offers::{channels, is_later_booking};
use crate::message::{
    Channel, MessageKey, MessageKind, Recipient, StaleReason, SubjectKind, SuppressionReason,
    Verdict,
};
use crate::model::Client;
use chrono::{DateTime, Utc};

pub fn verdict(key: &MessageKey, ctx: &SlotContext<'_>, now: DateTime<Utc>) -> Verdict {
    if key.kind.is_too_late(ctx.slot.start, key.due, now) {
        return Verdict::Stale(StaleReason::TooLate);
    }
    if !ctx.is_free() {
        return Verdict::Stale(StaleReason::SlotTaken);
    }
    let Recipient::Client(id) = &key.recipient else {
        return Verdict::Suppress(SuppressionReason::UnknownRecipient);
    };
    let Some(client) = ctx.client(id) else {
        return Verdict::Stale(StaleReason::SubjectGone(SubjectKind::Slot));
    };
    if !still_waiting(key.kind, client, ctx) {
        return Verdict::Stale(StaleReason::NoLongerWaiting);
    }
    let choice = channels(ctx, key.kind);
    let wanted = match key.channel {
        Channel::Email => choice.email,
        Channel::Sms => choice.sms,
    };
    if !wanted {
        return Verdict::Stale(StaleReason::NotInCurrentPlan);
    }
    match ctx.contact(&key.recipient) {
        None => Verdict::Suppress(SuppressionReason::UnknownRecipient),
        Some(contact) => match contact.block(key.channel, false) {
            Some(reason) => Verdict::Suppress(reason),
            None => Verdict::Send,
        },
    }
}

fn still_waiting(kind: MessageKind, client: &Client, ctx: &SlotContext<'_>) -> bool {
    match kind {
        MessageKind::EarlierSlot => ctx.later.iter().any(|a| {
            a.client_id == client.id
                && is_later_booking(ctx, a)
                && a.wants_earlier_slot(client.preferences.earlier_slot_offers)
        }),
        _ => ctx
            .entries
            .iter()
            .any(|e| e.client_id == client.id && e.accepts(ctx.slot)),
    }
}
