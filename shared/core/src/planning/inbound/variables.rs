//! What an automatic reply renders from: who wrote, what they sent, and the business's text.

use super::InboundContext;
use crate::message::MessageKey;
use crate::render::{ComposeError, InboundVariables, Rendering, TemplateVariables};

pub fn rendering<'a>(
    key: &MessageKey,
    ctx: &InboundContext<'a>,
) -> Result<Rendering<'a>, ComposeError> {
    let contact = ctx
        .contact(&key.recipient)
        .ok_or(ComposeError::UnknownRecipient)?;
    let settings = &ctx.settings.input;
    let reply = settings.notifications.auto_replies.of(ctx.inbound.kind);
    let vars = InboundVariables {
        locale: contact.locale.tag(),
        recipient_name: contact.name.to_string(),
        business_name: settings.business_name.to_string(),
        inbound_kind: ctx.inbound.kind.as_str().to_owned(),
        reply_text: reply.text.as_ref().map(|t| t.as_str().to_owned()),
    };
    Ok(Rendering {
        contact,
        variables: TemplateVariables::Inbound(vars),
        business_name: settings.business_name.to_string(),
        reply_to: settings.reply_to(None),
        calendar: None,
        list_unsubscribe: None,
        asks_confirmation: None,
    })
}
