//! Who hears of a freed slot, in which order, and on which channels.

use super::SlotContext;
use crate::message::{Disposition, MessageKey, MessageKind, PlannedMessage, Recipient, Subject};
use crate::model::{Appointment, AppointmentStatus, Client, ClientId};
use crate::planning::quiet_hours::observe_quiet_hours;
use crate::planning::resolve_channels;
use crate::settings::ChannelChoice;

/// Why a client is a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via<'a> {
    /// Their waitlist entry fits the slot.
    Waitlist(&'a crate::model::WaitlistEntry),
    /// They hold this later booking of the same type.
    LaterBooking(&'a Appointment),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub client: &'a ClientId,
    pub via: Via<'a>,
}

impl Candidate<'_> {
    pub fn kind(&self) -> MessageKind {
        match self.via {
            Via::Waitlist(_) => MessageKind::SlotAvailable,
            Via::LaterBooking(_) => MessageKind::EarlierSlot,
        }
    }
}

/// Every client the slot could be offered to, in the order they are told: waiting entries
/// that fit it (oldest entry first), then clients holding a later confirmed booking of the
/// same type (same staff member if the business says so; earliest-booked first). Each client
/// once (their first reason), never the client who freed it, nobody while the slot is taken.
pub fn candidates<'a>(ctx: &SlotContext<'a>) -> Vec<Candidate<'a>> {
    if !ctx.is_free() {
        return Vec::new();
    }
    let mut entries: Vec<_> = ctx.entries.iter().filter(|e| e.accepts(ctx.slot)).collect();
    entries.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let mut later: Vec<&Appointment> = ctx
        .later
        .iter()
        .filter(|a| is_later_booking(ctx, a))
        // Explicitly off on the booking: not a candidate, whatever the client's default.
        .filter(|a| a.earlier_slot_offers != Some(false))
        .collect();
    later.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));

    let mut chosen: Vec<Candidate<'a>> = Vec::new();
    let all = entries
        .into_iter()
        .map(|e| Candidate {
            client: &e.client_id,
            via: Via::Waitlist(e),
        })
        .chain(later.into_iter().map(|a| Candidate {
            client: &a.client_id,
            via: Via::LaterBooking(a),
        }));
    for candidate in all {
        let own = ctx.freed_by == Some(candidate.client);
        let seen = chosen.iter().any(|c| c.client == candidate.client);
        if !own && !seen {
            chosen.push(candidate);
        }
    }
    chosen
}

/// A booking an earlier slot could replace: confirmed, of the slot's type, starting after it,
/// with the slot's staff member when the business keeps offers to the same staff member.
/// Whether its client asked is [`Appointment::wants_earlier_slot`].
pub(super) fn is_later_booking(ctx: &SlotContext<'_>, a: &Appointment) -> bool {
    let same_staff = ctx.settings.input.notifications.offers.same_staff;
    a.status == AppointmentStatus::Confirmed
        && a.type_id == ctx.slot.type_id
        && a.start > ctx.slot.start
        && (!same_staff || a.staff_id == ctx.slot.staff)
}

/// The messages of one candidate, or `None` if they do not take an offer after all: their
/// booking follows their default and it is off, the business turned the kind off, or no
/// channel reaches them.
fn offer_messages(
    ctx: &SlotContext<'_>,
    candidate: &Candidate<'_>,
    client: &Client,
) -> Option<Vec<PlannedMessage>> {
    if let Via::LaterBooking(booking) = candidate.via
        && !booking.wants_earlier_slot(client.preferences.earlier_slot_offers)
    {
        return None;
    }
    let kind = candidate.kind();
    let choice = channels(ctx, kind);
    let recipient = Recipient::Client(client.id.clone());
    let contact = ctx.contact(&recipient)?;
    let resolved = resolve_channels(choice, &contact, false);
    if !resolved.iter().any(|(_, d)| *d == Disposition::Deliver) {
        return None;
    }
    let mut plan: Vec<PlannedMessage> = resolved
        .into_iter()
        .map(|(channel, disposition)| PlannedMessage {
            key: MessageKey {
                tenant: ctx.settings.tenant.clone(),
                subject: Subject::Slot(ctx.slot.clone()),
                kind,
                ordinal: 1,
                recipient: recipient.clone(),
                channel,
                due: ctx.freed_at,
            },
            disposition,
            natural_due: None,
        })
        .collect();
    observe_quiet_hours(
        &mut plan,
        ctx.settings.input.notifications.quiet_hours.as_ref(),
        |r| ctx.contact(r).map(|c| c.time_zone),
        Some(ctx.slot.start),
    );
    Some(plan)
}

/// The offers of the slot: the first `per_slot` candidates who take one.
pub fn offers(ctx: &SlotContext<'_>) -> Vec<PlannedMessage> {
    let cap = usize::from(ctx.settings.input.notifications.offers.per_slot);
    candidates(ctx)
        .iter()
        .filter_map(|c| {
            ctx.client(c.client)
                .and_then(|client| offer_messages(ctx, c, client))
        })
        .take(cap)
        .flatten()
        .collect()
}

pub(super) fn channels(ctx: &SlotContext<'_>, kind: MessageKind) -> ChannelChoice {
    let offers = &ctx.settings.input.notifications.offers;
    match kind {
        MessageKind::EarlierSlot => offers.earlier_slot,
        _ => offers.slot_available,
    }
}
