//! From "what was planned" and "what is planned now" to the schedule operations to run.
//!
//! [`diff`]: every timeline entry gets a schedule, suppressed ones included: at its due time
//! the send path re-plans and either sends (the suppression was lifted, e.g. the rebooking that
//! suppressed a follow-up was cancelled) or records the suppression once.
//!
//! [`diff_deciding_early`], for the subjects every change of whose records re-plans them (an
//! appointment, a client's re-engagement): a message suppressed for a reason decided at
//! planning time ([`SuppressionReason::decided_at_planning`]: no phone, SMS refused, no
//! consent…) gets **no** schedule — it is recorded as suppressed at once, and the change that
//! lifts it (a phone added) re-plans the subject, which then schedules it. A schedule is kept
//! only for a message that can fire usefully.
//!
//! [`SuppressionReason::decided_at_planning`]: crate::message::SuppressionReason::decided_at_planning

use crate::message::{Disposition, MessageKey, PlannedMessage};
use std::collections::HashSet;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelineDiff {
    /// Planned now and not before: create their schedules (or deliver at once if due).
    pub to_schedule: Vec<PlannedMessage>,
    /// Planned before and not now: delete their schedules.
    pub to_withdraw: Vec<MessageKey>,
    /// Decided now, at planning, not to be sent, and not before: recorded as suppressed, with
    /// no schedule ([`diff_deciding_early`] only).
    pub to_record: Vec<PlannedMessage>,
}

impl TimelineDiff {
    pub fn is_empty(&self) -> bool {
        self.to_schedule.is_empty() && self.to_withdraw.is_empty() && self.to_record.is_empty()
    }
}

pub fn diff(old: &[PlannedMessage], new: &[PlannedMessage]) -> TimelineDiff {
    let before: HashSet<&MessageKey> = old.iter().map(|m| &m.key).collect();
    let after: HashSet<&MessageKey> = new.iter().map(|m| &m.key).collect();
    TimelineDiff {
        to_schedule: new
            .iter()
            .filter(|m| !before.contains(&m.key))
            .cloned()
            .collect(),
        to_withdraw: old
            .iter()
            .filter(|m| !after.contains(&m.key))
            .map(|m| m.key.clone())
            .collect(),
        to_record: Vec::new(),
    }
}

/// Whether a planned message is decided for good at planning (see the module doc).
pub fn decided_at_planning(message: &PlannedMessage) -> bool {
    matches!(message.disposition, Disposition::Suppressed(reason) if reason.decided_at_planning())
}

/// [`diff`] of the messages that need a schedule, and the messages decided at planning that
/// were not decided so before (a message whose disposition changed moves from one side to the
/// other: its schedule is created or deleted).
pub fn diff_deciding_early(old: &[PlannedMessage], new: &[PlannedMessage]) -> TimelineDiff {
    let scheduled = |plan: &[PlannedMessage]| -> Vec<PlannedMessage> {
        plan.iter()
            .filter(|m| !decided_at_planning(m))
            .cloned()
            .collect()
    };
    let decided_before: HashSet<&MessageKey> = old
        .iter()
        .filter(|m| decided_at_planning(m))
        .map(|m| &m.key)
        .collect();
    TimelineDiff {
        to_record: new
            .iter()
            .filter(|m| decided_at_planning(m) && !decided_before.contains(&m.key))
            .cloned()
            .collect(),
        ..diff(&scheduled(old), &scheduled(new))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Channel, MessageKind, Recipient, Subject, SuppressionReason};
    use crate::model::{AppointmentId, ClientId, TenantId};
    use chrono::{TimeZone, Utc};

    fn message(channel: Channel, disposition: Disposition) -> PlannedMessage {
        PlannedMessage {
            key: MessageKey {
                tenant: TenantId::parse("salon").unwrap(),
                subject: Subject::Appointment(AppointmentId::parse("a1").unwrap()),
                kind: MessageKind::Reminder,
                ordinal: 1,
                recipient: Recipient::Client(ClientId::parse("c1").unwrap()),
                channel,
                due: Utc.with_ymd_and_hms(2026, 3, 26, 9, 0, 0).unwrap(),
            },
            disposition,
            natural_due: None,
        }
    }

    const NO_PHONE: Disposition = Disposition::Suppressed(SuppressionReason::NoPhone);
    const REBOOKED: Disposition = Disposition::Suppressed(SuppressionReason::ClientRebooked);

    #[test]
    fn an_sms_to_a_client_without_a_phone_gets_no_schedule_and_is_recorded_once() {
        let email = message(Channel::Email, Disposition::Deliver);
        let sms = message(Channel::Sms, NO_PHONE);
        let booked = diff_deciding_early(&[], &[email.clone(), sms.clone()]);
        assert_eq!(booked.to_schedule, vec![email.clone()]);
        assert_eq!(booked.to_record, vec![sms.clone()]);
        // Planned again unchanged (a settings change): nothing to record a second time.
        let again = diff_deciding_early(&[email.clone(), sms.clone()], &[email, sms]);
        assert!(again.is_empty(), "{again:?}");
    }

    #[test]
    fn a_phone_added_schedules_the_sms_and_a_phone_removed_withdraws_it() {
        let without = message(Channel::Sms, NO_PHONE);
        let with = message(Channel::Sms, Disposition::Deliver);
        let added =
            diff_deciding_early(std::slice::from_ref(&without), std::slice::from_ref(&with));
        assert_eq!(added.to_schedule, vec![with.clone()]);
        assert!(added.to_record.is_empty() && added.to_withdraw.is_empty());
        let removed =
            diff_deciding_early(std::slice::from_ref(&with), std::slice::from_ref(&without));
        assert_eq!(removed.to_withdraw, vec![with.key.clone()]);
        assert_eq!(removed.to_record, vec![without]);
    }

    #[test]
    fn a_suppression_decided_only_when_due_keeps_its_schedule() {
        let follow_up = message(Channel::Email, REBOOKED);
        let planned = diff_deciding_early(&[], std::slice::from_ref(&follow_up));
        assert_eq!(planned.to_schedule, vec![follow_up]);
        assert!(planned.to_record.is_empty());
    }
}
