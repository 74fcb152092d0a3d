//! Messages sent at once because an appointment changed: confirmations, notices, alerts.
//! Decided from the new image's `last_change` (what happened, who acted, whether to tell the
//! client), so a stream handler that only sees images can decide.

use super::AppointmentContext;
use crate::message::{MessageKey, MessageKind, PlannedMessage, Recipient, Subject};
use crate::model::{Actor, Appointment, AppointmentStatus, ChangeAction, Origin};
use crate::planning::quiet_hours::observe_quiet_hours;
use crate::planning::resolve_channels;
use crate::settings::{AlertChoice, ChannelChoice};
use chrono::{DateTime, Utc};

pub fn change_messages(
    old: Option<&Appointment>,
    new: &Appointment,
    ctx: &AppointmentContext<'_>,
) -> Vec<PlannedMessage> {
    if old.is_some_and(|o| o.version >= new.version) {
        return Vec::new(); // not a forward change (replayed or reordered record)
    }
    let s = ctx.notifications();
    let change = new.last_change;
    let client = Recipient::Client(new.client_id.clone());
    let staff = Recipient::Staff(new.staff_id.clone());
    let by_client = change.actor == Actor::Client;
    let alert = |a: AlertChoice| {
        if by_client {
            a.client_made
        } else {
            a.console_made
        }
    };
    let tell_client = |choice: ChannelChoice| {
        if change.notify_client {
            choice
        } else {
            ChannelChoice::OFF
        }
    };

    let mut wanted: Vec<(MessageKind, Recipient, ChannelChoice)> = Vec::new();
    let to_managers = |wanted: &mut Vec<_>, kind, choice| {
        for manager in ctx.managers() {
            wanted.push((kind, manager, choice));
        }
    };
    match change.action {
        ChangeAction::Booked => match new.status {
            AppointmentStatus::Requested => {
                wanted.push((
                    MessageKind::RequestReceived,
                    client,
                    s.client.request_received,
                ));
                wanted.push((MessageKind::RequestAlert, staff, s.staff_alerts.request));
                to_managers(
                    &mut wanted,
                    MessageKind::RequestAlert,
                    s.manager_alerts.request,
                );
            }
            AppointmentStatus::AwaitingPayment => {
                wanted.push((
                    MessageKind::AwaitingPayment,
                    client,
                    s.client.awaiting_payment,
                ));
            }
            _ => {
                // Online bookings always confirm; staff bookings only with "send initial notification".
                let confirm = if new.origin == Origin::Online {
                    s.client.confirmation
                } else {
                    tell_client(s.client.confirmation)
                };
                wanted.push((MessageKind::Confirmation, client, confirm));
                wanted.push((
                    MessageKind::NewBookingAlert,
                    staff,
                    alert(s.staff_alerts.new_booking),
                ));
                to_managers(
                    &mut wanted,
                    MessageKind::NewBookingAlert,
                    alert(s.manager_alerts.new_booking),
                );
            }
        },
        ChangeAction::Modified => {
            wanted.push((
                MessageKind::Rescheduled,
                client,
                tell_client(s.client.rescheduled),
            ));
            wanted.push((
                MessageKind::ModifiedAlert,
                staff,
                alert(s.staff_alerts.modified),
            ));
            to_managers(
                &mut wanted,
                MessageKind::ModifiedAlert,
                alert(s.manager_alerts.modified),
            );
            // The staff member the appointment was taken from hears of it too.
            if let Some(old) = old
                && old.staff_id != new.staff_id
            {
                wanted.push((
                    MessageKind::UnassignedAlert,
                    Recipient::Staff(old.staff_id.clone()),
                    alert(s.staff_alerts.modified),
                ));
            }
        }
        ChangeAction::Cancelled => {
            // Nothing to announce for an appointment that has already begun.
            if new.start > change.at {
                wanted.push((
                    MessageKind::Cancelled,
                    client,
                    tell_client(s.client.cancelled),
                ));
                wanted.push((
                    MessageKind::CancelledAlert,
                    staff,
                    alert(s.staff_alerts.cancelled),
                ));
                to_managers(
                    &mut wanted,
                    MessageKind::CancelledAlert,
                    alert(s.manager_alerts.cancelled),
                );
            }
        }
        ChangeAction::Accepted => wanted.push((
            MessageKind::RequestAccepted,
            client,
            s.client.request_accepted,
        )),
        ChangeAction::Refused => {
            wanted.push((
                MessageKind::RequestRefused,
                client,
                tell_client(s.client.request_refused),
            ));
            to_managers(
                &mut wanted,
                MessageKind::RefusedAlert,
                s.manager_alerts.refused,
            );
        }
        ChangeAction::Paid => {
            wanted.push((MessageKind::Confirmation, client, s.client.confirmation))
        }
        ChangeAction::Completed => wanted.push((
            MessageKind::Completed,
            client,
            tell_client(s.client.completed),
        )),
        // A preference of the booking: nobody is told.
        ChangeAction::PreferenceChanged
        | ChangeAction::AttendanceConfirmed
        | ChangeAction::ConfirmationRequested
        | ChangeAction::Imported => {}
        ChangeAction::NoShow => {
            wanted.push((MessageKind::NoShow, client, tell_client(s.client.no_show)))
        }
    }

    let mut plan = Vec::new();
    for (kind, recipient, choice) in wanted {
        let Some(contact) = ctx.contact(&recipient) else {
            continue;
        };
        for (channel, disposition) in resolve_channels(choice, &contact, false) {
            plan.push(PlannedMessage {
                key: MessageKey {
                    tenant: new.tenant.clone(),
                    subject: Subject::Appointment(new.id.clone()),
                    kind,
                    ordinal: new.version,
                    recipient: recipient.clone(),
                    channel,
                    due: change.at,
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
        Some(new.start),
    );
    plan
}

/// Whether a change message still applies to the appointment as it is now. Content is rendered
/// from the current state, so a notice is only stale when what it announces is no longer true.
/// `moved` gives the time quiet hours put a message naturally due at an instant (itself when
/// they do not cover it).
pub fn change_message_applies(
    kind: MessageKind,
    key: &MessageKey,
    current: &Appointment,
    moved: impl Fn(DateTime<Utc>) -> DateTime<Utc>,
) -> bool {
    use AppointmentStatus as S;
    let this_change = |at: DateTime<Utc>| at == key.due || moved(at) == key.due;
    match kind {
        MessageKind::Confirmation | MessageKind::RequestAccepted => current.status == S::Confirmed,
        MessageKind::RequestReceived | MessageKind::RequestAlert => current.status == S::Requested,
        MessageKind::RequestRefused | MessageKind::RefusedAlert => current.status == S::Refused,
        MessageKind::AwaitingPayment => current.status == S::AwaitingPayment,
        MessageKind::Cancelled | MessageKind::CancelledAlert => current.status == S::Cancelled,
        MessageKind::Completed => current.status == S::Completed,
        MessageKind::NoShow => current.status == S::NoShow,
        // A later change supersedes this notice (and sends its own).
        MessageKind::Rescheduled | MessageKind::ModifiedAlert => {
            current.status.is_active() && this_change(current.details_changed_at)
        }
        MessageKind::NewBookingAlert => current.status.is_active(),
        // Told they lost it: still true while the appointment is live and with someone else.
        MessageKind::UnassignedAlert => {
            current.status.is_active()
                && this_change(current.details_changed_at)
                && !matches!(&key.recipient, Recipient::Staff(id) if *id == current.staff_id)
        }
        // Only this subject's change messages reach here: timeline kinds are judged by the
        // timeline, other subjects' kinds by their own planners. A change message of an
        // appointment without its arm above fails
        // `every_change_message_of_an_appointment_holds_in_some_state`.
        _ => false,
    }
}
