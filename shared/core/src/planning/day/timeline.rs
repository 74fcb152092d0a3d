//! The messages of one firing: the digest of the covered day, on each chosen channel.

use super::DayContext;
use crate::message::{MessageKey, PlannedMessage};
use crate::planning::resolve_channels;

/// Empty if digests are off for this recipient. The key's due instant is the start of the
/// covered day, whatever time the schedule fired: the ledger then holds one digest per
/// recipient, channel and day, even if the schedule fires twice or its time was changed.
pub fn digest_messages(ctx: &DayContext<'_>) -> Vec<PlannedMessage> {
    if !ctx.enabled() {
        return Vec::new();
    }
    let recipient = ctx.as_recipient();
    let Some(contact) = ctx.contact(&recipient) else {
        return Vec::new();
    };
    let choice = ctx.settings.input.notifications.digest.channels();
    let (day_start, _) = ctx.bounds();
    resolve_channels(choice, &contact, false)
        .into_iter()
        .map(|(channel, disposition)| PlannedMessage {
            key: MessageKey {
                tenant: ctx.settings.tenant.clone(),
                subject: ctx.subject(),
                kind: ctx.kind(),
                ordinal: 1,
                recipient: recipient.clone(),
                channel,
                due: day_start,
            },
            disposition,
            natural_due: None,
        })
        .collect()
}
