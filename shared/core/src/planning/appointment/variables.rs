//! What a message about an appointment renders from: the recipient's contact, the template
//! variables in their language and zone, the calendar entry and the signed links.

use super::AppointmentContext;
use crate::message::{Invitation, MessageKey, MessageKind, Recipient};
use crate::model::Appointment;
use crate::render::zone_name;
use crate::render::{
    AppointmentVariables, CalendarMethod, ComposeError, InviteDetails, LINK_MARGIN_AFTER_END,
    LinkAction, LinkSigner, Rendering, SenderIdentity, TemplateVariables, invitation,
};
use crate::replies::ConfirmationRequest;
use chrono::{DateTime, Utc};

pub fn rendering<'a>(
    key: &MessageKey,
    appointment: &Appointment,
    ctx: &AppointmentContext<'a>,
    links: &LinkSigner,
    sender: &SenderIdentity,
    now: DateTime<Utc>,
) -> Result<Rendering<'a>, ComposeError> {
    let contact = ctx
        .contact(&key.recipient)
        .ok_or(ComposeError::UnknownRecipient)?;
    let (date, time, end_time) =
        AppointmentVariables::date_fields(appointment, contact.time_zone, contact.locale);
    let to_client = matches!(key.recipient, Recipient::Client(_));
    let links_apply = to_client && appointment.status.is_active() && appointment.start > now;
    let link = |action| {
        links_apply.then(|| {
            links.link(
                &appointment.tenant,
                &appointment.id,
                action,
                appointment.end + LINK_MARGIN_AFTER_END,
            )
        })
    };
    // A reminder whose rule asks the client to confirm, while it can still be answered.
    let asks = key.kind == MessageKind::Reminder
        && links_apply
        && usize::try_from(key.ordinal.saturating_sub(1))
            .ok()
            .and_then(|index| ctx.notifications().reminders.rules().get(index).copied())
            .is_some_and(|rule| rule.ask_confirmation);
    let vars = AppointmentVariables {
        locale: contact.locale.tag(),
        recipient_name: contact.name.to_string(),
        client_name: ctx.client.name.to_string(),
        business_name: ctx.settings.input.business_name.to_string(),
        type_name: ctx.appointment_type.name.to_string(),
        staff_name: ctx.staff.name.to_string(),
        date,
        time,
        end_time,
        time_zone: zone_name(contact.time_zone, contact.locale),
        status: appointment.status.as_str().to_owned(),
        ordinal: key.ordinal,
        cancel_url: link(LinkAction::Cancel),
        reschedule_url: link(LinkAction::Reschedule),
        confirm_url: if asks {
            link(LinkAction::Confirm)
        } else {
            None
        },
    };
    let business_name = ctx.settings.input.business_name.to_string();
    let reply_to = ctx.settings.input.reply_to(ctx.staff.email.as_ref());
    let method = match key.kind.facts().invitation {
        Invitation::None => None,
        Invitation::Request => Some(CalendarMethod::Request),
        Invitation::Cancel => Some(CalendarMethod::Cancel),
    };
    let calendar = match (method, contact.email) {
        (Some(method), Some(to)) if to_client => {
            let summary = format!("{} · {}", vars.type_name, business_name);
            let description = format!("{} · {}", vars.type_name, vars.staff_name);
            Some(invitation(
                appointment,
                &InviteDetails {
                    summary: &summary,
                    description: &description,
                    organizer_name: &business_name,
                    organizer: &sender.address,
                    attendee_name: &vars.recipient_name,
                    attendee: to,
                },
                method,
                now,
            ))
        }
        _ => None,
    };
    Ok(Rendering {
        contact,
        variables: TemplateVariables::Appointment(vars),
        business_name,
        reply_to,
        calendar,
        list_unsubscribe: None,
        asks_confirmation: asks.then(|| ConfirmationRequest {
            tenant: appointment.tenant.clone(),
            appointment: appointment.id.clone(),
            asked_at: now,
            starts_at: appointment.start,
        }),
    })
}
