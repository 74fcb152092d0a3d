//! What a message about a billing document renders from: the number, the amount written for
//! the reader, the date that matters (due date, or last day of validity) and the link.

use super::{BillingContext, Document};
use crate::message::MessageKey;
use crate::render::{ComposeError, DocumentVariables, Rendering, TemplateVariables, format_day};
use chrono::{DateTime, Utc};

pub fn rendering<'a>(
    key: &MessageKey,
    ctx: &BillingContext<'a>,
    now: DateTime<Utc>,
) -> Result<Rendering<'a>, ComposeError> {
    let contact = ctx
        .contact(&key.recipient)
        .ok_or(ComposeError::UnknownRecipient)?;
    let settings = &ctx.settings.input;
    let document = ctx.document;
    // Calendar days in the business's zone, the zone the dates are in.
    let today = now.with_timezone(&settings.time_zone.tz()).date_naive();
    let date = format_day(document.anchor_date(), contact.locale);
    let days = (today - document.anchor_date()).num_days();
    let (due_date, days_overdue, expires_on, days_left) = match document {
        Document::Invoice(_) => (Some(date), Some(days.max(0)), None, None),
        Document::Quote(_) => (None, None, Some(date), Some((-days).max(0))),
    };
    let vars = DocumentVariables {
        locale: contact.locale.tag(),
        recipient_name: contact.name.to_string(),
        client_name: ctx.client.map(|c| c.name.to_string()).unwrap_or_default(),
        business_name: settings.business_name.to_string(),
        number: document.number().to_string(),
        amount: document.money().format(contact.locale),
        currency: document.money().currency.code().to_owned(),
        due_date,
        days_overdue,
        expires_on,
        days_left,
        url: document.url().map(|u| u.as_str().to_owned()),
        ordinal: key.ordinal,
    };
    Ok(Rendering {
        contact,
        variables: TemplateVariables::Document(vars),
        business_name: settings.business_name.to_string(),
        reply_to: settings.reply_to(None),
        calendar: None,
        list_unsubscribe: None,
        asks_confirmation: None,
    })
}
