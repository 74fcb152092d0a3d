//! Turns a planned message into the message to send, from the current state, at send time:
//! content is never frozen when a reminder is scheduled.

use super::{
    CalendarMethod, InviteDetails, LinkAction, LinkSigner, MessageVariables, OutgoingEmail,
    OutgoingMessage, OutgoingSms, TemplateBody, TemplateError, default_template, invitation,
    render_email, render_sms,
};
use crate::message::{Channel, MessageKey, MessageKind, Recipient};
use crate::model::{Appointment, EmailAddress};
use crate::planning::PlanningContext;
use crate::settings::SenderMode;
use chrono::{DateTime, Utc};

/// The verified identity e-mails are sent from (the platform's no-reply address).
#[derive(Debug, Clone)]
pub struct SenderIdentity {
    pub address: EmailAddress,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    #[error("the recipient is no longer known")]
    UnknownRecipient,
    #[error("no {0} on file for the recipient")]
    NoAddress(Channel),
    #[error("template error: {0}")]
    Template(#[from] TemplateError),
}

impl ComposeError {
    /// The template ran into its fuel or size limit: the business's template is at fault, not
    /// a temporary condition, and a fallback would hide it.
    pub fn is_template_limit(&self) -> bool {
        matches!(self, Self::Template(e) if e.fault == super::TemplateFault::Limit)
    }
}

pub struct Composition<'a> {
    pub key: &'a MessageKey,
    pub appointment: &'a Appointment,
    pub ctx: &'a PlanningContext<'a>,
    /// The business's own template for this kind, channel, locale (and type), if any.
    pub custom_template: Option<&'a TemplateBody>,
    pub sender: &'a SenderIdentity,
    pub links: &'a LinkSigner,
    pub now: DateTime<Utc>,
}

pub fn compose(c: &Composition<'_>) -> Result<OutgoingMessage, ComposeError> {
    let contact = c
        .ctx
        .contact(&c.key.recipient)
        .ok_or(ComposeError::UnknownRecipient)?;
    let appointment = c.appointment;
    let (date, time, end_time) =
        MessageVariables::date_fields(appointment, contact.time_zone, contact.locale);
    let to_client = matches!(c.key.recipient, Recipient::Client(_));
    let links_apply = to_client && appointment.status.is_active() && appointment.start > c.now;
    let link = |action| {
        links_apply.then(|| {
            c.links.link(
                &appointment.tenant,
                &appointment.id,
                action,
                appointment.start,
            )
        })
    };
    let vars = MessageVariables {
        locale: contact.locale.code().to_owned(),
        recipient_name: contact.name.to_string(),
        client_name: c.ctx.client.name.to_string(),
        business_name: c.ctx.settings.input.business_name.to_string(),
        type_name: c.ctx.appointment_type.name.to_string(),
        staff_name: c.ctx.staff.name.to_string(),
        date,
        time,
        end_time,
        time_zone: contact.time_zone.name().to_owned(),
        status: appointment.status.as_str().to_owned(),
        ordinal: c.key.ordinal,
        cancel_url: link(LinkAction::Cancel),
        reschedule_url: link(LinkAction::Reschedule),
    };
    let default_body = default_template(c.key.kind, c.key.channel, contact.locale);
    let body = c.custom_template.unwrap_or(&default_body);

    match c.key.channel {
        Channel::Sms => {
            let to = contact
                .phone
                .ok_or(ComposeError::NoAddress(Channel::Sms))?
                .clone();
            let sms = render_sms(body, &vars)?;
            Ok(OutgoingMessage::Sms(OutgoingSms {
                to,
                text: sms.text,
                size: sms.size,
                transactional: true,
                idempotency_key: c.key.schedule_name().to_string(),
            }))
        }
        Channel::Email => {
            let to = contact
                .email
                .ok_or(ComposeError::NoAddress(Channel::Email))?
                .clone();
            let email = render_email(body, &vars)?;
            let business_name = c.ctx.settings.input.business_name.to_string();
            let reply_to = match c.ctx.settings.input.sender_mode {
                SenderMode::StaffReplyTo => c.ctx.staff.email.clone(),
                SenderMode::NoReply => None,
            };
            let calendar = (to_client && c.key.kind.carries_invitation()).then(|| {
                let method = if c.key.kind == MessageKind::Cancelled {
                    CalendarMethod::Cancel
                } else {
                    CalendarMethod::Request
                };
                let summary = format!("{} · {}", vars.type_name, business_name);
                let description = format!("{} · {}", vars.type_name, vars.staff_name);
                invitation(
                    appointment,
                    &InviteDetails {
                        summary: &summary,
                        description: &description,
                        organizer_name: &business_name,
                        organizer: &c.sender.address,
                        attendee_name: &vars.recipient_name,
                        attendee: &to,
                    },
                    method,
                    c.now,
                )
            });
            Ok(OutgoingMessage::Email(OutgoingEmail {
                from_name: business_name,
                from: c.sender.address.clone(),
                reply_to,
                to_name: contact.name.to_string(),
                to,
                subject: email.subject,
                text: email.text,
                html: email.html,
                calendar,
                message_id: format!("{}@rappel", c.key.schedule_name()),
                // No message kind is marketing yet: none carries an unsubscribe link.
                marketing: false,
                list_unsubscribe: None,
            }))
        }
    }
}
