//! The automatic reply: on the channel the message came by when known, else e-mail if the
//! sender can be mailed, else SMS — but never SMS to someone who is not a client unless the
//! business allows it (`auto_replies.sms_to_non_clients`). Planned even when it will not go out (a machine sender, a
//! conversation already answered), so the history says why nobody was answered.

use super::InboundContext;
use crate::message::{
    Channel, Disposition, MessageKey, MessageKind, PlannedMessage, Subject, SuppressionReason,
};
use crate::model::InboundSender;
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
    let reachable = |channel| contact.is_some_and(|c| c.block(channel, false).is_none());
    // Someone who is not a client gets no SMS unless the business allows it: e-mail instead
    // when they gave an address.
    let sms_allowed = !matches!(inbound.sender, InboundSender::Contact { .. })
        || ctx
            .settings
            .input
            .notifications
            .auto_replies
            .sms_to_non_clients;
    let channel = match inbound.channel {
        Some(Channel::Sms) if !sms_allowed && reachable(Channel::Email) => Channel::Email,
        Some(channel) => channel,
        None if reachable(Channel::Email) => Channel::Email,
        None if reachable(Channel::Sms) => Channel::Sms,
        None => Channel::Email,
    };
    let disposition = if inbound.automated {
        Disposition::Suppressed(SuppressionReason::AutomatedSender)
    } else if ctx.within_window() {
        Disposition::Suppressed(SuppressionReason::WithinReplyWindow)
    } else if channel == Channel::Sms && !sms_allowed {
        Disposition::Suppressed(SuppressionReason::SmsToNonClient)
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
