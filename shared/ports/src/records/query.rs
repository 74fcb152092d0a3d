//! The questions a record reader answers besides reading by key — each from an index or a key
//! range, never by reading the rest of the business. One [`Query`] in, one [`Answer`] out, so
//! a decorator (the batch cache; in tests, the write log and the chaos) forwards **one** method; the typed
//! questions callers ask are [`super::TypedRecords`]' methods over it.

use super::{
    AppointmentPage, KeyPage, Listing, Record, RecordKind, RecordReader, StartingBetween,
    StoreError,
};
use chrono::{DateTime, Utc};
use rappel_core::model::{
    Appointment, AppointmentTypeId, ClientId, Inbound, StaffId, StaffMember, TenantId,
    WaitlistEntry,
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

impl Answer {
    pub fn appointments(self) -> Option<Vec<Appointment>> {
        match self {
            Answer::Appointments(found) => Some(found),
            _ => None,
        }
    }
    pub fn appointment_page(self) -> Option<AppointmentPage> {
        match self {
            Answer::AppointmentPage(page) => Some(page),
            _ => None,
        }
    }
    pub fn records(self) -> Option<Vec<Record>> {
        match self {
            Answer::Records(found) => Some(found),
            _ => None,
        }
    }
    pub fn staff(self) -> Option<Vec<StaffMember>> {
        match self {
            Answer::Staff(found) => Some(found),
            _ => None,
        }
    }
    pub fn inbound(self) -> Option<Vec<Inbound>> {
        match self {
            Answer::Inbound(found) => Some(found),
            _ => None,
        }
    }
    pub fn waitlist(self) -> Option<Vec<WaitlistEntry>> {
        match self {
            Answer::Waitlist(found) => Some(found),
            _ => None,
        }
    }
    pub fn keys(self) -> Option<KeyPage> {
        match self {
            Answer::Keys(page) => Some(page),
            _ => None,
        }
    }
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

/// Asks `reader` one question and takes the answer of the shape it names (`Answer::records`,
/// …). An answer of another shape is a store's defect: reported, never guessed.
pub(super) async fn ask<R: RecordReader + ?Sized, T>(
    reader: &R,
    tenant: &TenantId,
    query: Query,
    shape: fn(Answer) -> Option<T>,
) -> Result<T, StoreError> {
    let answer = reader.query(tenant, &query).await?;
    shape(answer).ok_or_else(|| {
        StoreError::Corrupt(format!(
            "the store answered {} with another kind of answer",
            query.name()
        ))
    })
}

/// A real store's answer to a [`Query`]: each question handed to the store's own method of
/// the same name (`$store.appointments_of_client(tenant, client)`, …). The memory and DynamoDB
/// stores answer through it, so the dispatch is written once.
#[macro_export]
macro_rules! answer_query {
    ($store:expr, $tenant:expr, $query:expr) => {{
        use $crate::records::{Answer, Query};
        let (store, tenant) = ($store, $tenant);
        Ok(match $query {
            Query::AppointmentsOfClient { client } => {
                Answer::Appointments(store.appointments_of_client(tenant, client).await?)
            }
            Query::AppointmentsOfStaff { staff, from, until } => Answer::Appointments(
                store
                    .appointments_of_staff(tenant, staff, *from, *until)
                    .await?,
            ),
            Query::AppointmentsStarting {
                range,
                cursor,
                limit,
            } => Answer::AppointmentPage(
                store
                    .appointments_starting(tenant, range, cursor.as_deref(), *limit)
                    .await?,
            ),
            Query::RecordsOfKind { kind } => {
                Answer::Records(store.records_of_kind(tenant, *kind).await?)
            }
            Query::StaffMembers => Answer::Staff(store.staff_members(tenant).await?),
            Query::InboundFrom {
                sender_key,
                from,
                until,
            } => Answer::Inbound(
                store
                    .inbound_from(tenant, sender_key, *from, *until)
                    .await?,
            ),
            Query::AppointmentsOfType { type_id, after } => {
                Answer::Appointments(store.appointments_of_type(tenant, type_id, *after).await?)
            }
            Query::WaitlistOfType { type_id, open_at } => {
                Answer::Waitlist(store.waitlist_of_type(tenant, type_id, *open_at).await?)
            }
            Query::List {
                listing,
                cursor,
                limit,
            } => Answer::Keys(
                store
                    .list(tenant, listing, cursor.as_deref(), *limit)
                    .await?,
            ),
        })
    }};
}
