//! What an offer renders from: the slot in the client's language and zone, the booking it
//! would replace (earlier-slot offers), and the business's booking page with a signed token.

use super::SlotContext;
use super::offers::is_later_booking;
use crate::message::{MessageKey, MessageKind, Recipient};
use crate::render::zone_name;
use crate::render::{
    ComposeError, LinkSigner, Rendering, SlotVariables, TemplateVariables, format_date, format_time,
};

pub fn rendering<'a>(
    key: &MessageKey,
    ctx: &SlotContext<'a>,
    links: &LinkSigner,
) -> Result<Rendering<'a>, ComposeError> {
    let contact = ctx
        .contact(&key.recipient)
        .ok_or(ComposeError::UnknownRecipient)?;
    let Recipient::Client(client) = &key.recipient else {
        return Err(ComposeError::UnknownRecipient);
    };
    let (zone, locale) = (contact.time_zone, contact.locale);
    let slot = ctx.slot;
    let settings = &ctx.settings.input;
    let current = (key.kind == MessageKind::EarlierSlot)
        .then(|| {
            ctx.later
                .iter()
                .filter(|a| a.client_id == *client && is_later_booking(ctx, a))
                .min_by_key(|a| a.start)
        })
        .flatten();
    // The token is worth nothing once the slot has begun.
    let token = links.slot_offer_token(&ctx.settings.tenant, client, slot, slot.start);
    let vars = SlotVariables {
        locale: locale.tag(),
        recipient_name: contact.name.to_string(),
        client_name: contact.name.to_string(),
        business_name: settings.business_name.to_string(),
        type_name: ctx
            .appointment_type
            .map_or_else(|| slot.type_id.to_string(), |t| t.name.to_string()),
        staff_name: ctx
            .staff
            .map_or_else(|| slot.staff.to_string(), |s| s.name.to_string()),
        date: format_date(slot.start, zone, locale),
        time: format_time(slot.start, zone, locale),
        end_time: format_time(slot.end, zone, locale),
        time_zone: zone_name(zone, locale),
        booking_url: settings
            .notifications
            .offers
            .booking_url
            .as_ref()
            .map(|u| u.fill(&token)),
        current_date: current.map(|a| format_date(a.start, zone, locale)),
        current_time: current.map(|a| format_time(a.start, zone, locale)),
    };
    Ok(Rendering {
        contact,
        variables: TemplateVariables::Slot(vars),
        business_name: settings.business_name.to_string(),
        reply_to: settings.reply_to(ctx.staff.and_then(|s| s.email.as_ref())),
        calendar: None,
        list_unsubscribe: None,
        asks_confirmation: None,
    })
}
