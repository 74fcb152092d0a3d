//! Every kind of message Rappel sends for an appointment.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How late a message about what already happened (a follow-up, a review request, a
/// completed or no-show notice) may still go out: a week after its due time, it would puzzle
/// more than help.
pub const AFTERWARDS_GRACE: Duration = Duration::days(7);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    // To the client, on a change.
    Confirmation,
    RequestReceived,
    RequestAccepted,
    RequestRefused,
    AwaitingPayment,
    Rescheduled,
    Cancelled,
    Completed,
    NoShow,
    // To the client, on the timeline.
    Reminder,
    FollowUp,
    ReviewRequest,
    // To staff and managers.
    NewBookingAlert,
    RequestAlert,
    ModifiedAlert,
    CancelledAlert,
    RefusedAlert,
    ReminderCopy,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown message kind {0:?}")]
pub struct UnknownKind(pub String);

impl MessageKind {
    pub const ALL: [MessageKind; 18] = [
        Self::Confirmation,
        Self::RequestReceived,
        Self::RequestAccepted,
        Self::RequestRefused,
        Self::AwaitingPayment,
        Self::Rescheduled,
        Self::Cancelled,
        Self::Completed,
        Self::NoShow,
        Self::Reminder,
        Self::FollowUp,
        Self::ReviewRequest,
        Self::NewBookingAlert,
        Self::RequestAlert,
        Self::ModifiedAlert,
        Self::CancelledAlert,
        Self::RefusedAlert,
        Self::ReminderCopy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmation => "confirmation",
            Self::RequestReceived => "request_received",
            Self::RequestAccepted => "request_accepted",
            Self::RequestRefused => "request_refused",
            Self::AwaitingPayment => "awaiting_payment",
            Self::Rescheduled => "rescheduled",
            Self::Cancelled => "cancelled",
            Self::Completed => "completed",
            Self::NoShow => "no_show",
            Self::Reminder => "reminder",
            Self::FollowUp => "follow_up",
            Self::ReviewRequest => "review_request",
            Self::NewBookingAlert => "new_booking_alert",
            Self::RequestAlert => "request_alert",
            Self::ModifiedAlert => "modified_alert",
            Self::CancelledAlert => "cancelled_alert",
            Self::RefusedAlert => "refused_alert",
            Self::ReminderCopy => "reminder_copy",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, UnknownKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| UnknownKind(raw.to_owned()))
    }

    /// Planned ahead at a time relative to the appointment (scheduled), rather than sent when
    /// a change happens.
    pub fn is_timeline(self) -> bool {
        matches!(
            self,
            Self::Reminder | Self::ReminderCopy | Self::FollowUp | Self::ReviewRequest
        )
    }

    /// Whether a message of this kind is too late to send at `now`, for an appointment starting
    /// at `start` and a message due at `due`. A trigger can arrive late (Scheduler's retry
    /// window, a dead letter replayed, a local stack restarted days later); the send-time
    /// verdict asks this before anything else. The rule of every kind is written here, once:
    ///
    /// - a reminder (and its staff copy) at or after the start: it reminds of nothing;
    /// - everything else about the appointment ahead (confirmation, request, payment,
    ///   reschedule and cancellation notices, alerts) after the start;
    /// - what follows the appointment (follow-up, review request, completed, no-show) more
    ///   than [`AFTERWARDS_GRACE`] after its due time.
    pub fn is_too_late(self, start: DateTime<Utc>, due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        match self {
            Self::Reminder | Self::ReminderCopy => now >= start,
            Self::Confirmation
            | Self::RequestReceived
            | Self::RequestAccepted
            | Self::RequestRefused
            | Self::AwaitingPayment
            | Self::Rescheduled
            | Self::Cancelled
            | Self::NewBookingAlert
            | Self::RequestAlert
            | Self::ModifiedAlert
            | Self::CancelledAlert
            | Self::RefusedAlert => now > start,
            Self::Completed | Self::NoShow | Self::FollowUp | Self::ReviewRequest => {
                now > due + AFTERWARDS_GRACE
            }
        }
    }

    /// E-mails of these kinds carry the calendar invitation (or its cancellation).
    pub fn carries_invitation(self) -> bool {
        matches!(
            self,
            Self::Confirmation
                | Self::RequestAccepted
                | Self::Rescheduled
                | Self::Reminder
                | Self::Cancelled
        )
    }

    /// Short code used in schedule names, so a name says what it is for.
    pub fn code(self) -> &'static str {
        match self {
            Self::Confirmation => "conf",
            Self::RequestReceived => "reqr",
            Self::RequestAccepted => "acc",
            Self::RequestRefused => "ref",
            Self::AwaitingPayment => "pay",
            Self::Rescheduled => "resc",
            Self::Cancelled => "canc",
            Self::Completed => "done",
            Self::NoShow => "nosh",
            Self::Reminder => "rem",
            Self::FollowUp => "fup",
            Self::ReviewRequest => "rev",
            Self::NewBookingAlert => "anew",
            Self::RequestAlert => "areq",
            Self::ModifiedAlert => "amod",
            Self::CancelledAlert => "acan",
            Self::RefusedAlert => "aref",
            Self::ReminderCopy => "remc",
        }
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
