//! What the planner decides for one message, and why a message is not sent.

use super::{MessageKey, SubjectKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a planned message is not sent although it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    NoEmail,
    EmailRefused,
    NoPhone,
    SmsRefused,
    /// The number cannot receive an SMS (a fixed line) or costs the sender to reach (premium
    /// rate, shared cost, toll free): refused against SMS pumping.
    NotAMobileNumber,
    NoMarketingConsent,
    /// Its time was already past when the appointment was booked or moved (late policy `skip`).
    TooLate,
    /// A follow-up marked "only if not rebooked", and the client booked again.
    ClientRebooked,
    /// The phone number is on the SMS provider's opt-out list.
    OptedOut,
    /// The recipient (staff member, manager) no longer exists.
    UnknownRecipient,
    /// A digest of a day with nothing on it: not sent, recorded.
    NothingToReport,
    /// The address bounced for good (provider feedback).
    EmailBounced,
    /// The recipient complained about a message (provider feedback).
    EmailComplaint,
    /// An automatic reply: the same sender wrote (the same kind) within the window before, so
    /// the conversation already had its reply.
    WithinReplyWindow,
    /// An automatic reply to a machine (auto-submitted, bulk, no-reply address).
    AutomatedSender,
    /// An automatic reply by SMS to someone who is not a client, which the business has not
    /// allowed (`auto_replies.sms_to_non_clients`), and no e-mail address to answer instead.
    SmsToNonClient,
    /// An SMS that would pass the business's monthly SMS budget (`sms_budget`).
    SmsBudget,
    /// An SMS to a number of a country the business does not text (`sms_countries`).
    SmsCountryNotAllowed,
    /// An operator suspended the business's sending.
    BusinessSuspended,
    /// The client texted STOP to the business: its SMS to that number are withdrawn (until
    /// START). Another business's SMS to the same number are not.
    SmsStopped,
}

impl SuppressionReason {
    /// Whether the planner's verdict is final until a record it reads changes — a contact
    /// detail, a channel preference, a consent — and every change of such a record re-plans
    /// the subject. Such a message needs no schedule: it is recorded as suppressed when
    /// planned, and scheduled only if a later plan delivers it. Every other reason (the client
    /// rebooked, the recipient gone, a provider's opt-out list, a bounce) is decided when the
    /// message is due.
    pub fn decided_at_planning(self) -> bool {
        matches!(
            self,
            Self::NoEmail
                | Self::EmailRefused
                | Self::NoPhone
                | Self::SmsRefused
                | Self::NotAMobileNumber
                | Self::NoMarketingConsent
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoEmail => "no_email",
            Self::EmailRefused => "email_refused",
            Self::NoPhone => "no_phone",
            Self::SmsRefused => "sms_refused",
            Self::NotAMobileNumber => "not_a_mobile_number",
            Self::NoMarketingConsent => "no_marketing_consent",
            Self::TooLate => "too_late",
            Self::ClientRebooked => "client_rebooked",
            Self::OptedOut => "opted_out",
            Self::UnknownRecipient => "unknown_recipient",
            Self::NothingToReport => "nothing_to_report",
            Self::EmailBounced => "email_bounced",
            Self::EmailComplaint => "email_complaint",
            Self::WithinReplyWindow => "within_reply_window",
            Self::AutomatedSender => "automated_sender",
            Self::SmsToNonClient => "sms_to_non_client",
            Self::SmsBudget => "sms_budget",
            Self::SmsCountryNotAllowed => "sms_country_not_allowed",
            Self::BusinessSuspended => "business_suspended",
            Self::SmsStopped => "sms_stopped",
        }
    }
}

impl fmt::Display for SuppressionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a triggered message no longer applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str")]
pub enum StaleReason {
    /// The subject (appointment, client) no longer exists.
    SubjectGone(SubjectKind),
    /// The current plan of the appointment no longer holds this message (moved, cancelled,
    /// settings changed).
    NotInCurrentPlan,
    /// The change this message announced has since been superseded.
    Superseded,
    /// The trigger came too late for this kind of message (see `MessageKind::is_too_late`).
    TooLate,
    /// A re-engagement step: the client has booked since (the step was withdrawn, and this
    /// firing came anyway).
    ClientBookedAgain,
    /// An invoice reminder: the invoice was paid meanwhile.
    InvoicePaid,
    /// An invoice reminder: the invoice was cancelled.
    InvoiceVoid,
    /// A quote reminder: the client accepted or declined it, or it expired.
    QuoteClosed,
    /// A slot offer: another appointment now holds the slot.
    SlotTaken,
    /// A slot offer: the client no longer waits for it (their entry was removed or expired,
    /// their later booking moved or was cancelled, or they turned offers off).
    NoLongerWaiting,
    /// The client was erased: the message is recorded in the ledger only, nothing about them
    /// is written again.
    ClientErased,
}

impl utoipa::PartialSchema for StaleReason {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        crate::schema::string_enum(
            "Why a triggered message no longer applies.",
            StaleReason::ALL.iter().map(|reason| reason.as_str()),
        )
    }
}
impl utoipa::ToSchema for StaleReason {}

impl From<StaleReason> for &'static str {
    fn from(reason: StaleReason) -> Self {
        reason.as_str()
    }
}

impl StaleReason {
    /// Whether no later plan can bring the message back: its key is settled for good rather
    /// than released (a client erased never returns; an appointment may come back to a plan).
    pub fn is_final(self) -> bool {
        matches!(self, Self::ClientErased)
    }

    /// Every reason (each subject family once), for the API's schema.
    pub const ALL: [StaleReason; 18] = [
        Self::SubjectGone(SubjectKind::Appointment),
        Self::SubjectGone(SubjectKind::Client),
        Self::SubjectGone(SubjectKind::StaffDay),
        Self::SubjectGone(SubjectKind::ManagerDay),
        Self::SubjectGone(SubjectKind::Invoice),
        Self::SubjectGone(SubjectKind::Quote),
        Self::SubjectGone(SubjectKind::Inbound),
        Self::SubjectGone(SubjectKind::Slot),
        Self::NotInCurrentPlan,
        Self::Superseded,
        Self::TooLate,
        Self::ClientBookedAgain,
        Self::InvoicePaid,
        Self::InvoiceVoid,
        Self::QuoteClosed,
        Self::SlotTaken,
        Self::NoLongerWaiting,
        Self::ClientErased,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SubjectGone(SubjectKind::Appointment) => "appointment_gone",
            Self::SubjectGone(SubjectKind::Client) => "client_gone",
            Self::SubjectGone(SubjectKind::StaffDay) => "staff_gone",
            Self::SubjectGone(SubjectKind::ManagerDay) => "manager_gone",
            Self::SubjectGone(SubjectKind::Invoice) => "invoice_gone",
            Self::SubjectGone(SubjectKind::Quote) => "quote_gone",
            Self::SubjectGone(SubjectKind::Inbound) => "inbound_gone",
            Self::SubjectGone(SubjectKind::Slot) => "client_gone",
            Self::NotInCurrentPlan => "not_in_current_plan",
            Self::Superseded => "superseded",
            Self::TooLate => "too_late",
            Self::ClientBookedAgain => "client_booked_again",
            Self::InvoicePaid => "invoice_paid",
            Self::InvoiceVoid => "invoice_void",
            Self::QuoteClosed => "quote_closed",
            Self::SlotTaken => "slot_taken",
            Self::NoLongerWaiting => "no_longer_waiting",
            Self::ClientErased => "client_erased",
        }
    }
}

impl fmt::Display for StaleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "disposition", content = "reason", rename_all = "snake_case")]
pub enum Disposition {
    Deliver,
    Suppressed(SuppressionReason),
}

/// One message the planner decided on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlannedMessage {
    pub key: MessageKey,
    pub disposition: Disposition,
    /// When quiet hours moved it: the time it was due before (the key carries the new one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub natural_due: Option<DateTime<Utc>>,
}

impl PlannedMessage {
    pub fn is_deliverable(&self) -> bool {
        self.disposition == Disposition::Deliver
    }
}

/// What delivery must do with a triggered message, decided on the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Send,
    Suppress(SuppressionReason),
    Stale(StaleReason),
}
