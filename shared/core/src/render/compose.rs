//! Turns a planned message into the message to send, from the current state, at send time:
//! content is never frozen when a reminder is scheduled.
//!
//! The subject's planner supplies a [`Rendering`] (who, in which language, with which
//! variables, invitation and headers); this module picks the template and assembles the e-mail
//! or SMS the same way for every subject.

use super::{
    CalendarInvite, OutgoingEmail, OutgoingMessage, OutgoingSms, TemplateBody, TemplateError,
    TemplateVariables, default_template, render_email, render_sms, sms_size,
};
use crate::feedback::MailTags;
use crate::message::{Channel, MessageKey};
use crate::model::{EmailAddress, Language};
use crate::planning::ContactPoint;

/// The verified identity e-mails are sent from (the platform's no-reply address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderIdentity {
    pub address: EmailAddress,
    /// How a marketing SMS says it can be stopped, e.g. "STOP au 36111" (the short number the
    /// deployment's SMS leave from, as French carriers expect); when unset, the reader's
    /// language's "reply STOP" wording.
    pub sms_opt_out: Option<String>,
    /// The deployment's SMS leave from a two-way number: a client can answer by text (a
    /// reminder that asks for a confirmation says how).
    pub two_way_sms: bool,
}

/// A reminder that asks for a confirmation by SMS says how to answer, whoever wrote the
/// template: kept as is when the text already names the keywords.
fn with_reply_keywords(text: String, language: Language) -> String {
    let upper = text.to_uppercase();
    let (yes, wording) = match language {
        Language::Fr => ("OUI", "Répondez OUI pour confirmer, ANNULER pour annuler."),
        Language::En => ("YES", "Reply YES to confirm, CANCEL to cancel."),
    };
    if upper.contains(yes) && upper.contains(if yes == "OUI" { "ANNULER" } else { "CANCEL" }) {
        return text;
    }
    format!("{text}\n{wording}")
}

/// A marketing SMS ends with its opt-out wording, whoever wrote the template: kept as is when
/// the text already offers STOP.
fn with_opt_out(text: String, configured: Option<&str>, language: Language) -> String {
    if text.to_uppercase().contains("STOP") {
        return text;
    }
    let wording = configured.unwrap_or(match language {
        Language::Fr => "Répondez STOP pour ne plus recevoir ces SMS",
        Language::En => "Reply STOP to unsubscribe",
    });
    format!("{text}\n{wording}")
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

/// What a subject's planner says about one message to render.
#[derive(Debug, Clone)]
pub struct Rendering<'a> {
    pub contact: ContactPoint<'a>,
    pub variables: TemplateVariables,
    /// Shown as the sender's name.
    pub business_name: String,
    pub reply_to: Option<EmailAddress>,
    /// The calendar entry an e-mail carries, if its kind carries one.
    pub calendar: Option<CalendarInvite>,
    /// The one-click unsubscribe URL of a marketing message.
    pub list_unsubscribe: Option<String>,
    /// The appointment this message asks the client to confirm (a reminder with
    /// `ask_confirmation`), while it can still be answered.
    pub asks_confirmation: Option<crate::replies::ConfirmationRequest>,
}

pub struct Composition<'a> {
    pub key: &'a MessageKey,
    pub rendering: &'a Rendering<'a>,
    /// The business's own template for this kind, channel, locale (and type), if any.
    pub custom_template: Option<&'a TemplateBody>,
    pub sender: &'a SenderIdentity,
}

/// A composed message, and why it is not quite the one asked for (if it is not).
#[derive(Debug, Clone)]
pub struct Fitted {
    pub message: OutgoingMessage,
    /// Set when the business's template was over its limits and the built-in one was used.
    pub fallback: Option<String>,
}

/// [`compose`], except that a day's digest is never lost to its size: a business's template
/// that trips a limit gives way to the built-in one (the reason is kept for the history), and
/// the built-in one lists fewer rows until it fits. Every other message keeps [`compose`]'s
/// answer: a client's message is sent in the business's words or not at all.
pub fn compose_fitting(c: &Composition<'_>) -> Result<Fitted, ComposeError> {
    let error = match compose(c) {
        Ok(message) => {
            return Ok(Fitted {
                message,
                fallback: None,
            });
        }
        Err(error) => error,
    };
    if !error.is_template_limit() || !matches!(c.rendering.variables, TemplateVariables::Day(_)) {
        return Err(error);
    }
    let fallback = c
        .custom_template
        .is_some()
        .then(|| format!("template_too_costly: {error}; sent with the built-in template"));
    let mut rendering = c.rendering.clone();
    loop {
        let built_in = Composition {
            rendering: &rendering,
            custom_template: None,
            ..*c
        };
        match compose(&built_in) {
            Ok(message) => return Ok(Fitted { message, fallback }),
            Err(error) if error.is_template_limit() => {
                let TemplateVariables::Day(day) = &mut rendering.variables else {
                    return Err(error);
                };
                if !day.shorten() {
                    return Err(error);
                }
            }
            Err(error) => return Err(error),
        }
    }
}

pub fn compose(c: &Composition<'_>) -> Result<OutgoingMessage, ComposeError> {
    let r = c.rendering;
    let contact = &r.contact;
    let marketing = c.key.kind.is_marketing();
    let default_body = default_template(c.key.kind, c.key.channel, contact.locale.templates());
    let tags = MailTags {
        tenant: c.key.tenant.clone(),
        recipient: c.key.recipient.clone(),
        kind: c.key.kind,
        key: Some(c.key.id()),
    }
    .to_pairs();
    let body = c.custom_template.unwrap_or(&default_body);

    match c.key.channel {
        Channel::Sms => {
            let to = contact
                .phone
                .ok_or(ComposeError::NoAddress(Channel::Sms))?
                .clone();
            let sms = render_sms(body, &r.variables)?;
            let language = contact.locale.templates();
            let (text, size) = if marketing {
                let text = with_opt_out(sms.text, c.sender.sms_opt_out.as_deref(), language);
                let size = sms_size(&text);
                (text, size)
            } else if r.asks_confirmation.is_some() && c.sender.two_way_sms {
                let text = with_reply_keywords(sms.text, language);
                let size = sms_size(&text);
                (text, size)
            } else {
                (sms.text, sms.size)
            };
            Ok(OutgoingMessage::Sms(OutgoingSms {
                to,
                text,
                size,
                transactional: !marketing,
                idempotency_key: c.key.schedule_name().to_string(),
                tags,
            }))
        }
        Channel::Email => {
            let to = contact
                .email
                .ok_or(ComposeError::NoAddress(Channel::Email))?
                .clone();
            let email = render_email(body, &r.variables)?;
            Ok(OutgoingMessage::Email(OutgoingEmail {
                from_name: r.business_name.clone(),
                from: c.sender.address.clone(),
                reply_to: r.reply_to.clone(),
                to_name: contact.name.to_string(),
                to,
                subject: email.subject,
                text: email.text,
                html: email.html,
                calendar: r.calendar.clone(),
                // Under the sender's domain: a Message-ID's right side names who made it.
                message_id: format!("{}@{}", c.key.schedule_name(), c.sender.address.domain()),
                marketing,
                list_unsubscribe: if marketing {
                    r.list_unsubscribe.clone()
                } else {
                    None
                },
                list_id: marketing.then(|| {
                    format!(
                        "{}.{}.{}",
                        c.key.kind.as_str().replace('_', "-"),
                        c.key.tenant.as_str().to_ascii_lowercase().replace('_', "-"),
                        c.sender.address.domain()
                    )
                }),
                auto_reply: c.key.kind == crate::message::MessageKind::AutoReply,
                tags,
            }))
        }
    }
}
