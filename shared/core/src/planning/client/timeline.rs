//! Re-engagement steps: each step N calendar days after the end of the client's last visit, at
//! the same local time in the visit's zone, on the step's channels — if the client has a visit
//! and has not booked again since. Marketing: each channel also needs the client's consent.

use super::ClientContext;
use crate::message::{MessageKey, MessageKind, PlannedMessage, Recipient, Subject};
use crate::planning::quiet_hours::observe_quiet_hours;
use crate::planning::resolve_channels;
use crate::settings::Offset;
use chrono::{DateTime, Utc};

pub fn reengagement(ctx: &ClientContext<'_>) -> Vec<PlannedMessage> {
    let steps = ctx.settings.input.notifications.reengagement.steps.steps();
    let Some(last) = ctx.last_visit() else {
        return Vec::new();
    };
    if steps.is_empty() || last.booked_again {
        return Vec::new();
    }
    let recipient = Recipient::Client(ctx.client.id.clone());
    let Some(contact) = ctx.contact(&recipient) else {
        return Vec::new();
    };
    let mut plan = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        let due = step_due(last.visit.end, step.days_after_last_visit, last.visit);
        for (channel, disposition) in resolve_channels(step.channels(), &contact, true) {
            plan.push(PlannedMessage {
                key: MessageKey {
                    tenant: ctx.client.tenant.clone(),
                    subject: Subject::Client(ctx.client.id.clone()),
                    kind: MessageKind::Reengagement,
                    ordinal: index as u64 + 1,
                    recipient: recipient.clone(),
                    channel,
                    due,
                },
                disposition,
                natural_due: None,
            });
        }
    }
    observe_quiet_hours(
        &mut plan,
        ctx.settings.input.notifications.quiet_hours.as_ref(),
        |r| ctx.contact(r).map(|c| c.time_zone),
        None,
    );
    plan.sort_by_key(|m| (m.key.due, m.key.channel));
    plan
}

/// `days` calendar days after `end`, at the same wall-clock time in the visit's zone.
pub(super) fn step_due(
    end: DateTime<Utc>,
    days: u16,
    visit: &crate::model::Appointment,
) -> DateTime<Utc> {
    Offset::Days(u32::from(days)).after(end, visit.time_zone.tz())
}
