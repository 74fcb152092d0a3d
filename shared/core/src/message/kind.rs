//! Every kind of message Rappel sends, and the facts about each — written **once**, in
//! [`MessageKind::facts`], an exhaustive match: adding a kind is a compile error there (and in
//! the default templates) until its facts are stated, and every other place reads them from
//! here instead of keeping its own list.

use super::SubjectKind;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How late a message about what already happened (a follow-up, a review request, a
/// completed or no-show notice) may still go out: a week after its due time, it would puzzle
/// more than help.
pub const AFTERWARDS_GRACE: Duration = Duration::days(7);

/// How late a re-engagement step may still go out. A step whose time passed long ago (the
/// setting was switched on for a client who left a year ago) is not sent in a burst.
pub const REENGAGEMENT_GRACE: Duration = Duration::days(2);

/// How late an invoice or quote reminder may still go out: two days after its day, the next
/// step (or the owner) takes over.
pub const BILLING_GRACE: Duration = Duration::days(2);

/// How late an automatic reply may still go out: a day later it is no longer automatic.
pub const AUTO_REPLY_GRACE: Duration = Duration::days(1);

/// Declares the kinds and [`MessageKind::ALL`] from one list, so the list cannot miss one.
macro_rules! message_kinds {
    ($($(#[$doc:meta])* $kind:ident,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum MessageKind {
            $($(#[$doc])* $kind,)*
        }

        impl MessageKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [MessageKind] = &[$(MessageKind::$kind,)*];
        }
    };
}

message_kinds! {
    // About an appointment, to the client, on a change.
    Confirmation,
    RequestReceived,
    RequestAccepted,
    RequestRefused,
    AwaitingPayment,
    Rescheduled,
    Cancelled,
    Completed,
    NoShow,
    // About an appointment, to the client, on its timeline.
    Reminder,
    FollowUp,
    ReviewRequest,
    // About an appointment, to staff and managers.
    NewBookingAlert,
    RequestAlert,
    ModifiedAlert,
    CancelledAlert,
    RefusedAlert,
    ReminderCopy,
    /// To the staff member an appointment was taken from (its staff changed).
    UnassignedAlert,
    /// A follow-up in `manual` mode: the staff member (or the managers) are reminded to
    /// follow up personally.
    ManualFollowUp,
    /// About a client: "we have not seen you for N days" (marketing).
    Reengagement,
    /// A staff member's appointments of the day.
    StaffDigest,
    /// The business's appointments of the day, to a manager.
    ManagerDigest,
    /// About an invoice, to the client: a new invoice (amount, number, due date, link).
    InvoiceIssued,
    /// About an unpaid invoice, to the client, N days after its due date.
    InvoiceReminder,
    /// About an unpaid invoice, to the managers (mode `owner`): follow up in person.
    InvoiceUnpaidAlert,
    /// About a quote, to the client: a new quote.
    QuoteSent,
    /// About a quote, to the client, N days before it expires.
    QuoteExpiring,
    /// About a quote, to the managers (mode `owner`), N days before it expires.
    QuoteExpiringAlert,
    /// About something a client sent: the automatic reply.
    AutoReply,
    /// About a freed slot, to a client on the waitlist whose window it fits.
    SlotAvailable,
    /// About a freed slot, to a client holding a later booking of the same kind who asked to
    /// hear of an earlier one.
    EarlierSlot,
}

/// When a kind is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// At once, because a record changed (queued by the change handler).
    OnChange,
    /// Ahead of time, at an instant relative to the subject (a one-shot schedule).
    Timeline,
    /// By a recurring schedule per recipient; the subject (which day) is decided at fire time.
    Recurring,
}

/// Who reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Client,
    /// Staff members and managers.
    Team,
}

/// Whether an e-mail of this kind carries the appointment's calendar entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invitation {
    None,
    /// `METHOD:REQUEST` (new or updated entry).
    Request,
    /// `METHOD:CANCEL`.
    Cancel,
}

/// Transactional messages go to anyone reachable; marketing ones need the client's consent,
/// go out as promotional SMS and carry one-click unsubscribe headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Transactional,
    Marketing,
}

/// Until when a triggered message is still worth sending, against the instant its subject's
/// planner names as the anchor (an appointment's start; the due time for a client).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lateness {
    /// Useless from the anchor on: a reminder at the start reminds of nothing.
    AtAnchor,
    /// Useless once the anchor has passed: a notice about an appointment that has begun.
    AfterAnchor,
    /// Still useful for this long after its due time.
    Grace(Duration),
}

/// The facts about one kind. See [`MessageKind::facts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindFacts {
    /// Its name in the API, templates and history.
    pub name: &'static str,
    /// Short code for schedule names, so a name says what it is for.
    pub code: &'static str,
    pub subject: SubjectKind,
    pub trigger: Trigger,
    pub audience: Audience,
    pub invitation: Invitation,
    pub purpose: Purpose,
    pub lateness: Lateness,
    /// The settings row that enables it and picks its channels (a path in `PUT /v1/settings`).
    pub setting: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown message kind {0:?}")]
pub struct UnknownKind(pub String);

impl MessageKind {
    /// The table. One arm per kind; no wildcard, on purpose.
    #[rustfmt::skip]
    pub const fn facts(self) -> KindFacts {
        use Audience::{Client as ToClient, Team};
        use Invitation as I;
        use Lateness::*;
        use Purpose::*;
        use SubjectKind::{
            Appointment as Appt, Client as OfClient, Inbound as Received, Invoice as Bill,
            ManagerDay as BusinessDay, Quote as Quoted, Slot as Freed, StaffDay as OwnDay,
        };
        use Trigger::*;
        // One positional row per kind keeps the table readable as a table.
        #[allow(clippy::too_many_arguments)]
        const fn f(
            name: &'static str,
            code: &'static str,
            subject: SubjectKind,
            trigger: Trigger,
            audience: Audience,
            invitation: Invitation,
            purpose: Purpose,
            lateness: Lateness,
            setting: &'static str,
        ) -> KindFacts {
            KindFacts {
                name,
                code,
                subject,
                trigger,
                audience,
                invitation,
                purpose,
                lateness,
                setting,
            }
        }
        const WEEK: Lateness = Grace(AFTERWARDS_GRACE);
        match self {
            Self::Confirmation => f("confirmation", "conf", Appt, OnChange, ToClient, I::Request, Transactional, AfterAnchor, "notifications.client.confirmation"),
            Self::RequestReceived => f("request_received", "reqr", Appt, OnChange, ToClient, I::None, Transactional, AfterAnchor, "notifications.client.request_received"),
            Self::RequestAccepted => f("request_accepted", "acc", Appt, OnChange, ToClient, I::Request, Transactional, AfterAnchor, "notifications.client.request_accepted"),
            Self::RequestRefused => f("request_refused", "ref", Appt, OnChange, ToClient, I::None, Transactional, AfterAnchor, "notifications.client.request_refused"),
            Self::AwaitingPayment => f("awaiting_payment", "pay", Appt, OnChange, ToClient, I::None, Transactional, AfterAnchor, "notifications.client.awaiting_payment"),
            Self::Rescheduled => f("rescheduled", "resc", Appt, OnChange, ToClient, I::Request, Transactional, AfterAnchor, "notifications.client.rescheduled"),
            Self::Cancelled => f("cancelled", "canc", Appt, OnChange, ToClient, I::Cancel, Transactional, AfterAnchor, "notifications.client.cancelled"),
            Self::Completed => f("completed", "done", Appt, OnChange, ToClient, I::None, Transactional, WEEK, "notifications.client.completed"),
            Self::NoShow => f("no_show", "nosh", Appt, OnChange, ToClient, I::None, Transactional, WEEK, "notifications.client.no_show"),
            Self::Reminder => f("reminder", "rem", Appt, Timeline, ToClient, I::Request, Transactional, AtAnchor, "notifications.reminders[]"),
            Self::FollowUp => f("follow_up", "fup", Appt, Timeline, ToClient, I::None, Transactional, WEEK, "notifications.follow_ups[] (mode automatic)"),
            Self::ReviewRequest => f("review_request", "rev", Appt, Timeline, ToClient, I::None, Transactional, WEEK, "notifications.review_request"),
            Self::NewBookingAlert => f("new_booking_alert", "anew", Appt, OnChange, Team, I::None, Transactional, AfterAnchor, "notifications.staff_alerts.new_booking, notifications.manager_alerts.new_booking"),
            Self::RequestAlert => f("request_alert", "areq", Appt, OnChange, Team, I::None, Transactional, AfterAnchor, "notifications.staff_alerts.request, notifications.manager_alerts.request"),
            Self::ModifiedAlert => f("modified_alert", "amod", Appt, OnChange, Team, I::None, Transactional, AfterAnchor, "notifications.staff_alerts.modified, notifications.manager_alerts.modified"),
            Self::CancelledAlert => f("cancelled_alert", "acan", Appt, OnChange, Team, I::None, Transactional, AfterAnchor, "notifications.staff_alerts.cancelled, notifications.manager_alerts.cancelled"),
            Self::RefusedAlert => f("refused_alert", "aref", Appt, OnChange, Team, I::None, Transactional, AfterAnchor, "notifications.manager_alerts.refused"),
            Self::ReminderCopy => f("reminder_copy", "remc", Appt, Timeline, Team, I::None, Transactional, AtAnchor, "notifications.reminders[].copy_to_staff"),
            Self::UnassignedAlert => f("unassigned_alert", "auna", Appt, OnChange, Team, I::None, Transactional, AfterAnchor, "notifications.staff_alerts.modified"),
            Self::ManualFollowUp => f("manual_follow_up", "mfup", Appt, Timeline, Team, I::None, Transactional, WEEK, "notifications.follow_ups[] (mode manual)"),
            Self::Reengagement => f("reengagement", "rel", OfClient, Timeline, ToClient, I::None, Marketing, Grace(REENGAGEMENT_GRACE), "notifications.reengagement"),
            // The anchor of a day's digest is the end of that day.
            Self::StaffDigest => f("staff_digest", "dst", OwnDay, Recurring, Team, I::None, Transactional, AtAnchor, "notifications.digest.staff"),
            Self::ManagerDigest => f("manager_digest", "dmg", BusinessDay, Recurring, Team, I::None, Transactional, AtAnchor, "notifications.digest.managers"),
            Self::InvoiceIssued => f("invoice_issued", "inv", Bill, OnChange, ToClient, I::None, Transactional, WEEK, "notifications.billing.invoice_issued"),
            Self::InvoiceReminder => f("invoice_reminder", "invr", Bill, Timeline, ToClient, I::None, Transactional, Grace(BILLING_GRACE), "notifications.billing.invoice_unpaid (mode client)"),
            Self::InvoiceUnpaidAlert => f("invoice_unpaid_alert", "inva", Bill, Timeline, Team, I::None, Transactional, Grace(BILLING_GRACE), "notifications.billing.invoice_unpaid (mode owner)"),
            Self::QuoteSent => f("quote_sent", "quo", Quoted, OnChange, ToClient, I::None, Transactional, WEEK, "notifications.billing.quote_sent"),
            // The anchor of a quote is the end of its last day.
            Self::QuoteExpiring => f("quote_expiring", "quox", Quoted, Timeline, ToClient, I::None, Transactional, AtAnchor, "notifications.billing.quote_expiring (mode client)"),
            Self::QuoteExpiringAlert => f("quote_expiring_alert", "quoa", Quoted, Timeline, Team, I::None, Transactional, AtAnchor, "notifications.billing.quote_expiring (mode owner)"),
            Self::AutoReply => f("auto_reply", "arep", Received, OnChange, ToClient, I::None, Transactional, Grace(AUTO_REPLY_GRACE), "notifications.auto_replies"),
            // Asked for by the client (an entry, a flag on the booking): not marketing. The
            // anchor of a slot is its start: an offer then is useless.
            Self::SlotAvailable => f("slot_available", "slav", Freed, OnChange, ToClient, I::None, Transactional, AtAnchor, "notifications.offers.slot_available"),
            Self::EarlierSlot => f("earlier_slot", "esl", Freed, OnChange, ToClient, I::None, Transactional, AtAnchor, "notifications.offers.earlier_slot"),
        }
    }

    pub fn as_str(self) -> &'static str {
        self.facts().name
    }

    pub fn parse(raw: &str) -> Result<Self, UnknownKind> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| UnknownKind(raw.to_owned()))
    }

    /// Planned ahead at a time relative to its subject (scheduled), rather than sent when a
    /// change happens.
    pub fn is_timeline(self) -> bool {
        self.facts().trigger == Trigger::Timeline
    }

    pub fn is_for_team(self) -> bool {
        self.facts().audience == Audience::Team
    }

    pub fn is_marketing(self) -> bool {
        self.facts().purpose == Purpose::Marketing
    }

    /// Whether a message of this kind is too late to send at `now`, for a subject whose planner
    /// names `anchor` (an appointment's start) and a message due at `due`. A trigger can arrive
    /// late (Scheduler's retry window, a dead letter replayed, a local stack restarted days
    /// later); the send-time verdict asks this before anything else. Each kind's rule is its
    /// [`Lateness`] in the table.
    pub fn is_too_late(
        self,
        anchor: DateTime<Utc>,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        match self.facts().lateness {
            Lateness::AtAnchor => now >= anchor,
            Lateness::AfterAnchor => now > anchor,
            Lateness::Grace(grace) => now > due + grace,
        }
    }

    /// Whether a message of this kind due at `due` is past its grace for good at `now`: one
    /// planned that late (re-engagement switched on for a client who left a year ago) would
    /// only be refused at send time, so it is neither scheduled nor recorded. Kinds bound to
    /// their anchor have no such rule here: the send-time verdict judges them.
    pub fn is_past_its_grace(self, due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        matches!(self.facts().lateness, Lateness::Grace(grace) if now > due + grace)
    }

    /// Short code used in schedule names.
    pub fn code(self) -> &'static str {
        self.facts().code
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_kind_has_its_own_name_and_code_and_parses_back() {
        assert!(!MessageKind::ALL.is_empty());
        let names: HashSet<_> = MessageKind::ALL.iter().map(|k| k.as_str()).collect();
        let codes: HashSet<_> = MessageKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(names.len(), MessageKind::ALL.len());
        assert_eq!(codes.len(), MessageKind::ALL.len());
        for kind in MessageKind::ALL {
            assert_eq!(MessageKind::parse(kind.as_str()), Ok(*kind));
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }

    #[test]
    fn only_messages_to_clients_are_marketing_or_carry_an_invitation() {
        for kind in MessageKind::ALL {
            let facts = kind.facts();
            if facts.audience == Audience::Team {
                assert_eq!(facts.purpose, Purpose::Transactional, "{kind}");
                assert_eq!(facts.invitation, Invitation::None, "{kind}");
            }
        }
        assert!(MessageKind::Reengagement.is_marketing());
    }
}
