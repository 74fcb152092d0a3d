//! What a message is about. The delivery path loads the subject's current state at send time
//! and asks the subject's planner whether the message still holds; the schedules of one subject
//! share a name prefix, so they can be listed and withdrawn together.
//!
//! Adding a subject (an invoice, a quote, an inbound message, a day's digest) is a new variant
//! here, a new [`SubjectKind`], and a planner for it: every `match` on the kind that must handle
//! it stops compiling until it does.

use crate::model::{
    AppointmentId, ClientId, FreedSlot, InboundId, InvoiceId, ManagerId, QuoteId, StaffId, TenantId,
};
use chrono::{NaiveDate, SecondsFormat};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Appointment(AppointmentId),
    /// A client as a whole: re-engagement ("we have not seen you for a while").
    Client(ClientId),
    /// One staff member's appointments of one local day (their digest).
    StaffDay {
        staff: StaffId,
        date: NaiveDate,
    },
    /// The business's appointments of one local day, for one manager (their digest).
    ManagerDay {
        manager: ManagerId,
        date: NaiveDate,
    },
    /// An invoice: its notice, reminders while it is unpaid.
    Invoice(InvoiceId),
    /// A quote: its notice, reminders before it expires.
    Quote(QuoteId),
    /// Something a client sent: the automatic reply.
    Inbound(InboundId),
    /// A slot that became free: offered to waiting clients.
    Slot(FreedSlot),
}

/// The family of a subject, without its id: what a kind is about.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Appointment,
    Client,
    StaffDay,
    ManagerDay,
    Invoice,
    Quote,
    Inbound,
    Slot,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Appointment => "appointment",
            Self::Client => "client",
            Self::StaffDay => "staff_day",
            Self::ManagerDay => "manager_day",
            Self::Invoice => "invoice",
            Self::Quote => "quote",
            Self::Inbound => "inbound",
            Self::Slot => "slot",
        }
    }

    /// First character of the schedule names of this family's subjects.
    fn schedule_letter(self) -> char {
        match self {
            Self::Appointment => 'a',
            Self::Client => 'c',
            Self::StaffDay => 's',
            Self::ManagerDay => 'm',
            Self::Invoice => 'i',
            Self::Quote => 'q',
            Self::Inbound => 'r',
            Self::Slot => 'o',
        }
    }
}

impl Subject {
    pub fn kind(&self) -> SubjectKind {
        match self {
            Self::Appointment(_) => SubjectKind::Appointment,
            Self::Client(_) => SubjectKind::Client,
            Self::StaffDay { .. } => SubjectKind::StaffDay,
            Self::ManagerDay { .. } => SubjectKind::ManagerDay,
            Self::Invoice(_) => SubjectKind::Invoice,
            Self::Quote(_) => SubjectKind::Quote,
            Self::Inbound(_) => SubjectKind::Inbound,
            Self::Slot(_) => SubjectKind::Slot,
        }
    }

    /// Whether the instant a message is due is part of its identity. An offer of a freed slot
    /// is not: a slot freed, taken and freed again is offered to each client once.
    pub fn due_is_identity(&self) -> bool {
        !matches!(self, Self::Slot(_))
    }

    pub fn appointment(&self) -> Option<&AppointmentId> {
        match self {
            Self::Appointment(id) => Some(id),
            _ => None,
        }
    }

    /// The prefix every schedule name of this subject starts with: a letter for its family and
    /// 16 hex characters of a hash of tenant and subject.
    pub fn schedule_prefix(&self, tenant: &TenantId) -> String {
        let digest = hex::encode(Sha256::digest(format!("{tenant}/{self}").as_bytes()));
        format!("{}{}", self.kind().schedule_letter(), &digest[..16])
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Appointment(id) => write!(f, "appointment:{id}"),
            Self::Client(id) => write!(f, "client:{id}"),
            Self::StaffDay { staff, date } => write!(f, "staff_day:{staff}:{date}"),
            Self::ManagerDay { manager, date } => write!(f, "manager_day:{manager}:{date}"),
            Self::Invoice(id) => write!(f, "invoice:{id}"),
            Self::Quote(id) => write!(f, "quote:{id}"),
            Self::Inbound(id) => write!(f, "inbound:{id}"),
            Self::Slot(slot) => write!(
                f,
                "slot:{}:{}:{}:{}",
                slot.staff,
                slot.type_id,
                slot.start.to_rfc3339_opts(SecondsFormat::Secs, true),
                slot.end.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
        }
    }
}

impl fmt::Display for SubjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
