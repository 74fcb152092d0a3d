//! The automatic reply: on the channel the message came by when known, else e-mail if the
//! sender can be mailed, else SMS. Planned even when it will not go out (a machine sender, a
//! conversation already answered), so the history says why nobody was answered.

use super::InboundContext;
use crate::message::{
    Channel, Disposition, MessageKey, MessageKind, PlannedMessage, Subject, SuppressionReason,
};
use crate::planning::quiet_hours::observe_quiet_hours;

pub fn auto_reply(ctx: &InboundContext<'_>) -> Option<PlannedMessage> {
    let inbound = ctx.inbound;
    let setting = ctx
        .settings
        .input
        .notifications
        .auto_replies
        .of(inbound.kind);
    if !setting.enabled {
        return None;
    }
    let recipient = ctx.recipient();
    let contact = ctx.contact(&recipient);
    let channel = inbound.channel.unwrap_or(match contact {
        Some(c) if c.block(Channel::Email, false).is_none() => Channel::Email,
        Some(c) if c.block(Channel::Sms, false).is_none() => Channel::Sms,
        _ => Channel::Email,
    });
    let disposition = if inbound.automated {
        Disposition::Suppressed(SuppressionReason::AutomatedSender)
    } else if ctx.within_window() {
        Disposition::Suppressed(SuppressionReason::WithinReplyWindow)
    } else {
        match contact {
            None => Disposition::Suppressed(SuppressionReason::UnknownRecipient),
            Some(c) => match c.block(channel, false) {
                Some(reason) => Disposition::Suppressed(reason),
                None => Disposition::Deliver,
            },
        }
    };
    let mut planned = [PlannedMessage {
        key: MessageKey {
            tenant: inbound.tenant.clone(),
            subject: Subject::Inbound(inbound.id.clone()),
            kind: MessageKind::AutoReply,
            ordinal: 1,
            recipient,
            channel,
            due: inbound.received_at,
        },
        disposition,
        natural_due: None,
    }];
    observe_quiet_hours(
        &mut planned,
        ctx.settings.input.notifications.quiet_hours.as_ref(),
        |r| ctx.contact(r).map(|c| c.time_zone),
        None,
    );
    let [reply] = planned;
    Some(reply)
}
