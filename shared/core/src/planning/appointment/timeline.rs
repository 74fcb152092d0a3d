//! The timeline: messages due at a time relative to the appointment (reminders, staff copies,
//! follow-ups automatic or manual, review request). A plain function of the appointment and its context — not of
//! "now" — so that the send handler, re-planning at fire time, finds exactly the same keys.

use super::AppointmentContext;
use crate::message::{
    Disposition, MessageKey, MessageKind, PlannedMessage, Recipient, Subject, SuppressionReason,
};
use crate::model::{Appointment, AppointmentStatus};
use crate::planning::quiet_hours::observe_quiet_hours;
use crate::planning::resolve_channels;
use crate::settings::{ChannelChoice, FollowUpMode, LatePolicy, ManualFollowUpTo};
use chrono::{DateTime, Utc};

/// Whether a kind's place in the timeline depends on the client's other bookings (a
/// follow-up is skipped when the client has booked again): only then does a send-time
/// verdict need them, which spares reading them for every other message.
pub fn depends_on_other_bookings(kind: MessageKind) -> bool {
    matches!(kind, MessageKind::FollowUp | MessageKind::ManualFollowUp)
}

/// Whether an appointment's plan under these settings and type depends on the client's other
/// bookings: only a follow-up "only if not rebooked" does. A re-plan of many appointments
/// reads each client's bookings only then.
pub fn plan_reads_other_bookings(
    settings: &crate::settings::BusinessSettings,
    appointment_type: &crate::model::AppointmentType,
) -> bool {
    settings
        .input
        .notifications
        .with_override(&appointment_type.overrides)
        .follow_ups
        .rules()
        .iter()
        .any(|rule| rule.only_if_not_rebooked)
}

pub fn timeline(appointment: &Appointment, ctx: &AppointmentContext<'_>) -> Vec<PlannedMessage> {
    let settings = ctx.notifications();
    let zone = appointment.time_zone.tz();
    let mut plan = Vec::new();
    let client = Recipient::Client(appointment.client_id.clone());

    if appointment.status == AppointmentStatus::Confirmed {
        let answered = appointment
            .client_confirmation
            .is_some_and(|c| c.state.is_answer());
        for (index, rule) in settings.reminders.rules().iter().enumerate() {
            let ordinal = index as u64 + 1;
            // "No answer yet": gone from the plan once the client has answered.
            if rule.only_if_unanswered && answered {
                continue;
            }
            let natural_due = rule.offset.before(appointment.start, zone);
            // A reminder whose time had already passed when the appointment was booked or moved.
            let (due, late) = if natural_due >= appointment.details_changed_at {
                (natural_due, None)
            } else {
                match rule.late_policy {
                    LatePolicy::SendNow if appointment.details_changed_at < appointment.start => {
                        (appointment.details_changed_at, None)
                    }
                    _ => (natural_due, Some(SuppressionReason::TooLate)),
                }
            };
            let entry = Entry {
                appointment,
                kind: MessageKind::Reminder,
                ordinal,
                due,
                late,
            };
            entry.push_for(&mut plan, ctx, &client, rule.channels());
            if rule.copy_to_staff {
                let staff = Recipient::Staff(appointment.staff_id.clone());
                let copy = Entry {
                    kind: MessageKind::ReminderCopy,
                    ..entry
                };
                copy.push_for(&mut plan, ctx, &staff, rule.channels());
            }
        }
    }

    if matches!(
        appointment.status,
        AppointmentStatus::Confirmed | AppointmentStatus::Completed
    ) {
        for (index, rule) in settings.follow_ups.rules().iter().enumerate() {
            let skip = (rule.only_if_not_rebooked && ctx.client_rebooked)
                .then_some(SuppressionReason::ClientRebooked);
            let entry = Entry {
                appointment,
                kind: MessageKind::FollowUp,
                ordinal: index as u64 + 1,
                due: rule.after_end.after(appointment.end, zone),
                late: skip,
            };
            match (rule.mode, rule.manual_to) {
                (FollowUpMode::Automatic, _) => {
                    entry.push_for(&mut plan, ctx, &client, rule.channels())
                }
                (FollowUpMode::Manual, to) => {
                    let manual = Entry {
                        kind: MessageKind::ManualFollowUp,
                        ..entry
                    };
                    let recipients: Vec<Recipient> = match to {
                        ManualFollowUpTo::Staff => {
                            vec![Recipient::Staff(appointment.staff_id.clone())]
                        }
                        ManualFollowUpTo::Managers => ctx.managers().collect(),
                    };
                    for recipient in &recipients {
                        manual.push_for(&mut plan, ctx, recipient, rule.channels());
                    }
                }
                (FollowUpMode::None, _) => {}
            }
        }
        if let Some(rule) = settings.review_request {
            let entry = Entry {
                appointment,
                kind: MessageKind::ReviewRequest,
                ordinal: 1,
                due: rule.after_end.after(appointment.end, zone),
                late: None,
            };
            entry.push_for(&mut plan, ctx, &client, rule.channels());
        }
    }
    observe_quiet_hours(
        &mut plan,
        ctx.settings.input.notifications.quiet_hours.as_ref(),
        |r| ctx.contact(r).map(|c| c.time_zone),
        Some(appointment.start),
    );
    plan.sort_by(|a, b| {
        (a.key.due, a.key.kind, a.key.channel).cmp(&(b.key.due, b.key.kind, b.key.channel))
    });
    plan
}

#[derive(Clone, Copy)]
struct Entry<'a> {
    appointment: &'a Appointment,
    kind: MessageKind,
    ordinal: u64,
    due: DateTime<Utc>,
    /// A reason that suppresses the message on every usable channel.
    late: Option<SuppressionReason>,
}

impl Entry<'_> {
    fn push_for(
        &self,
        plan: &mut Vec<PlannedMessage>,
        ctx: &AppointmentContext<'_>,
        recipient: &Recipient,
        choice: ChannelChoice,
    ) {
        let Some(contact) = ctx.contact(recipient) else {
            return;
        };
        for (channel, disposition) in resolve_channels(choice, &contact, false) {
            let disposition = match (disposition, self.late) {
                (Disposition::Deliver, Some(reason)) => Disposition::Suppressed(reason),
                (other, _) => other,
            };
            plan.push(PlannedMessage {
                key: MessageKey {
                    tenant: self.appointment.tenant.clone(),
                    subject: Subject::Appointment(self.appointment.id.clone()),
                    kind: self.kind,
                    ordinal: self.ordinal,
                    recipient: recipient.clone(),
                    channel,
                    due: self.due,
                },
                disposition,
                natural_due: None,
            });
        }
    }
}
