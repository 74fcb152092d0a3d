//! What a message about a client renders from: their contact, the days since their last
//! visit, the booking page and the one-click unsubscribe link.

use super::ClientContext;
use crate::message::MessageKey;
use crate::render::{
    ClientVariables, ComposeError, LinkSigner, Rendering, TemplateVariables,
    UNSUBSCRIBE_LINK_LIFETIME, format_date,
};
use chrono::{DateTime, Utc};

pub fn rendering<'a>(
    key: &MessageKey,
    ctx: &ClientContext<'a>,
    links: &LinkSigner,
    now: DateTime<Utc>,
) -> Result<Rendering<'a>, ComposeError> {
    let contact = ctx
        .contact(&key.recipient)
        .ok_or(ComposeError::UnknownRecipient)?;
    let last = ctx.last_visit();
    let (days_since_visit, last_visit_date) = match last {
        // Calendar days on the client's wall clock: 30 days after a visit is "30 days" even
        // across a DST change (29 days 23 hours of real time).
        Some(l) => (
            (now.with_timezone(&contact.time_zone.tz()).date_naive()
                - l.visit
                    .end
                    .with_timezone(&contact.time_zone.tz())
                    .date_naive())
            .num_days()
            .max(0),
            format_date(l.visit.start, contact.time_zone, contact.locale),
        ),
        None => (0, String::new()),
    };
    let settings = &ctx.settings.input;
    let unsubscribe = links.unsubscribe_link(
        &ctx.client.tenant,
        &ctx.client.id,
        now + UNSUBSCRIBE_LINK_LIFETIME,
    );
    let vars = ClientVariables {
        locale: contact.locale.tag(),
        recipient_name: contact.name.to_string(),
        client_name: ctx.client.name.to_string(),
        business_name: settings.business_name.to_string(),
        days_since_visit,
        last_visit_date,
        ordinal: key.ordinal,
        booking_url: settings
            .notifications
            .reengagement
            .booking_url
            .as_ref()
            .map(|u| u.to_string()),
        unsubscribe_url: Some(unsubscribe.clone()),
    };
    Ok(Rendering {
        contact,
        variables: TemplateVariables::Client(vars),
        business_name: settings.business_name.to_string(),
        reply_to: settings.reply_to(None),
        calendar: None,
        list_unsubscribe: Some(unsubscribe),
        asks_confirmation: None,
    })
}
