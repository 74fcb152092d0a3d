//! The questions a record reader answers besides reading by key — each from an index or a key
//! range, never by reading the rest of the business. One [`Query`] in, one [`Answer`] out, so
//! a decorator (the batch cache; in tests, the write log and the chaos) forwards **one** method; the typed
//! questions callers ask are [`super::TypedRecords`]' methods over it.

use super::{AppointmentPage, KeyPage, Listing, Record, RecordKind, StartingBetween, StoreError};
use chrono::{DateTime, Utc};
use rappel_core::model::{
    Appointment, AppointmentTypeId, ClientId, Inbound, StaffId, StaffMember, WaitlistEntry,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Every appointment of one client.
    AppointmentsOfClient { client: ClientId },
    /// Appointments of one staff member starting in `[from, until)` (`until: None` = no end),
    /// earliest first: a day's agenda, or what to re-plan when the staff member changes.
    AppointmentsOfStaff {
        staff: StaffId,
        from: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    },
    /// One page of at most `limit` appointments of `range` (a day, a staff member's or the
    /// business's), after `cursor` (the `next` of the page before; `None` for the first).
    AppointmentsStarting {
        range: StartingBetween,
        cursor: Option<String>,
        limit: usize,
    },
    /// Every record of one kind in a business, read from the tenant's partition without an
    /// index: for kinds a business holds few of (templates).
    RecordsOfKind { kind: RecordKind },
    /// Every staff member of a business (each has a digest schedule when digests are on).
    StaffMembers,
    /// What one sender (by [`InboundSender::key`](rappel_core::model::InboundSender::key))
    /// sent, received in `[from, until]`, earliest first: the window of an automatic reply.
    /// Their ids share a prefix and sort by time, so no index is needed.
    InboundFrom {
        sender_key: String,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    },
    /// Appointments of one type starting after `after`, earliest first, in any status: the
    /// later bookings a freed slot may be offered to.
    AppointmentsOfType {
        type_id: AppointmentTypeId,
        after: DateTime<Utc>,
    },
    /// Waitlist entries of one type whose window is still open at `open_at` (`until` at or
    /// after it), in any status, soonest to expire first.
    WaitlistOfType {
        type_id: AppointmentTypeId,
        open_at: DateTime<Utc>,
    },
    /// One page of at most `limit` keys of `listing` in the business, after `cursor` (the
    /// `next` of the page before; `None` for the first page).
    List {
        listing: Listing,
        cursor: Option<String>,
        limit: usize,
    },
}

/// What a [`Query`] finds: the variant its question names.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Appointments(Vec<Appointment>),
    AppointmentPage(AppointmentPage),
    Records(Vec<Record>),
    Staff(Vec<StaffMember>),
    Inbound(Vec<Inbound>),
    Waitlist(Vec<WaitlistEntry>),
    Keys(KeyPage),
}

impl Query {
    /// For a store's errors and metrics: which question, never its values.
    pub fn name(&self) -> &'static str {
        match self {
            Query::AppointmentsOfClient { .. } => "appointments_of_client",
            Query::AppointmentsOfStaff { .. } => "appointments_of_staff",
            Query::AppointmentsStarting { .. } => "appointments_starting",
            Query::RecordsOfKind { .. } => "records_of_kind",
            Query::StaffMembers => "staff_members",
            Query::InboundFrom { .. } => "inbound_from",
            Query::AppointmentsOfType { .. } => "appointments_of_type",
            Query::WaitlistOfType { .. } => "waitlist_of_type",
            Query::List { .. } => "list",
        }
    }
}

/// An answer of another shape than the question's: a store's defect, reported, never guessed.
pub(super) fn mismatch(query: &Query) -> StoreError {
    StoreError::Corrupt(format!(
        "the store answered {} with another kind of answer",
        query.name()
    ))
}
