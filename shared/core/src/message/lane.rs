//! Lanes: which messages may never wait behind which. A reminder due in 30 minutes and a
//! change notice ("your appointment moved") are useless late; a digest, a re-engagement
//! e-mail, an invoice reminder or a freed-slot offer can wait a few minutes. Each lane has its
//! own queue and pace, so a business's bulk work (a re-plan, a marketing wave, an import's
//! follow-ups) never delays anyone's urgent messages; inside a lane every business gets its
//! fair share (the business is the message group).

use super::MessageKind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    /// Reminders, change notices and alerts, automatic replies: due now, useless late.
    Urgent,
    /// Everything that can wait a few minutes behind the urgent lane.
    Bulk,
}

impl Lane {
    /// Both lanes, the one served first first.
    pub const ALL: [Lane; 2] = [Lane::Urgent, Lane::Bulk];

    pub fn as_str(self) -> &'static str {
        match self {
            Lane::Urgent => "urgent",
            Lane::Bulk => "bulk",
        }
    }

    /// The lane of a message of `kind`. One arm per kind, no wildcard: a new kind must say
    /// whether it may wait.
    pub const fn of(kind: MessageKind) -> Lane {
        use MessageKind::*;
        match kind {
            Confirmation | RequestReceived | RequestAccepted | RequestRefused | AwaitingPayment
            | Rescheduled | Cancelled | Reminder | ReminderCopy | NewBookingAlert
            | RequestAlert | ModifiedAlert | CancelledAlert | RefusedAlert | UnassignedAlert
            | AutoReply => Lane::Urgent,
            Completed | NoShow | FollowUp | ReviewRequest | ManualFollowUp | Reengagement
            | StaffDigest | ManagerDigest | InvoiceIssued | InvoiceReminder
            | InvoiceUnpaidAlert | QuoteSent | QuoteExpiring | QuoteExpiringAlert
            | SlotAvailable | EarlierSlot => Lane::Bulk,
        }
    }
}

impl std::fmt::Display for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_and_change_notices_are_urgent_and_marketing_and_digests_are_bulk() {
        assert_eq!(Lane::of(MessageKind::Reminder), Lane::Urgent);
        assert_eq!(Lane::of(MessageKind::Rescheduled), Lane::Urgent);
        assert_eq!(Lane::of(MessageKind::AutoReply), Lane::Urgent);
        assert_eq!(Lane::of(MessageKind::Reengagement), Lane::Bulk);
        assert_eq!(Lane::of(MessageKind::StaffDigest), Lane::Bulk);
        assert_eq!(Lane::of(MessageKind::SlotAvailable), Lane::Bulk);
    }

    #[test]
    fn every_kind_useless_once_its_appointment_has_begun_and_sent_on_a_change_is_urgent() {
        use crate::message::{Lateness, SubjectKind, Trigger};
        let urgent: Vec<_> = MessageKind::ALL
            .iter()
            .filter(|k| {
                let facts = k.facts();
                facts.subject == SubjectKind::Appointment
                    && facts.lateness != Lateness::Grace(crate::message::AFTERWARDS_GRACE)
                    && (facts.trigger == Trigger::OnChange
                        || k.is_for_team()
                        || **k == MessageKind::Reminder)
            })
            .collect();
        assert!(!urgent.is_empty());
        for kind in urgent {
            assert_eq!(Lane::of(*kind), Lane::Urgent, "{kind}");
        }
    }
}
