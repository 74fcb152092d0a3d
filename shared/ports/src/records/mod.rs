//! The record store port: get / put with optimistic concurrency / the queries the API and the
//! handlers need, and (embedded) the change feed that stands in for the DynamoDB stream.

mod appointment_index;
mod appointment_page;
mod cache;
mod listing;
mod memory;
mod record;
mod stored;
mod typed;
mod write_log;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::{
    Appointment, AppointmentTypeId, ClientId, Inbound, StaffId, StaffMember, TenantId,
    WaitlistEntry,
};

pub use appointment_page::{AppointmentPage, StartingBetween};
pub use cache::RecordsCache;
pub use listing::{KeyPage, Listing};
pub use memory::MemoryRecords;
pub use record::{ChangeRecord, RecordKey, StoredTemplate};
pub use stored::{Record, RecordKind, StoredRecord};
pub use typed::TypedRecords;
pub use write_log::{LoggedWrites, WriteLog};

/// What a write expects to find, so that a stale update is refused instead of lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Absent,
    Version(u64),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("{key} was changed concurrently (expected {expected:?}, found version {found:?})")]
    Conflict {
        key: String,
        expected: Expected,
        found: Option<u64>,
    },
    #[error("the record store is unavailable: {0}")]
    Unavailable(String),
    #[error("a stored record could not be read: {0}")]
    Corrupt(String),
    /// A listing's cursor that this listing did not give (another business's, another
    /// listing's, or made up).
    #[error("a listing cursor that this listing did not give")]
    InvalidCursor,
}

#[async_trait]
pub trait RecordReader: Send + Sync {
    async fn get(&self, key: &RecordKey) -> Result<Option<Record>, StoreError>;
    /// Several records at once, in the order of `keys` (`None` where one is missing): what a
    /// change or a batch of messages depends on, in one round trip where the store allows it
    /// (`BatchGetItem` on DynamoDB). One at a time by default.
    async fn get_many(&self, keys: &[RecordKey]) -> Result<Vec<Option<Record>>, StoreError> {
        let mut found = Vec::with_capacity(keys.len());
        for key in keys {
            found.push(self.get(key).await?);
        }
        Ok(found)
    }
    /// Every appointment of one client.
    async fn appointments_of_client(
        &self,
        tenant: &TenantId,
        client: &ClientId,
    ) -> Result<Vec<Appointment>, StoreError>;
    /// Appointments of one staff member starting in `[from, until)` (`until: None` = no end),
    /// earliest first: a day's agenda, or what to re-plan when the staff member changes.
    async fn appointments_of_staff(
        &self,
        tenant: &TenantId,
        staff: &StaffId,
        from: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Vec<Appointment>, StoreError>;
    /// Appointments of a business ending after `after` (the ones whose messages may still be due).
    async fn appointments_ending_after(
        &self,
        tenant: &TenantId,
        after: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError>;
    /// One page of at most `limit` appointments of `range` (a day, a staff member's or the
    /// business's), after `cursor` (the `next` of the page before; `None` for the first).
    async fn appointments_starting(
        &self,
        tenant: &TenantId,
        range: &StartingBetween,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<AppointmentPage, StoreError>;
    /// Every record of one kind in a business (invoices and quotes to re-plan after a
    /// settings change), read from the tenant's partition without an index.
    async fn records_of_kind(
        &self,
        tenant: &TenantId,
        kind: RecordKind,
    ) -> Result<Vec<Record>, StoreError>;
    /// Every staff member of a business (each has a digest schedule when digests are on).
    async fn staff_members(&self, tenant: &TenantId) -> Result<Vec<StaffMember>, StoreError>;
    /// What one sender (by [`InboundSender::key`](rappel_core::model::InboundSender::key))
    /// sent, received in `[from, until]`, earliest first: the window of an automatic reply.
    /// Their ids share a prefix and sort by time, so no index is needed.
    async fn inbound_from(
        &self,
        tenant: &TenantId,
        sender_key: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Inbound>, StoreError>;
    /// Appointments of one type starting after `after`, earliest first, in any status: the
    /// later bookings a freed slot may be offered to.
    async fn appointments_of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        after: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError>;
    /// Waitlist entries of one type whose window is still open at `open_at` (`until` at or
    /// after it), in any status, soonest to expire first.
    async fn waitlist_of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        open_at: DateTime<Utc>,
    ) -> Result<Vec<WaitlistEntry>, StoreError>;
    /// One page of at most `limit` keys of `listing` in the business, after `cursor` (the
    /// `next` of the page before; `None` for the first page).
    async fn list(
        &self,
        tenant: &TenantId,
        listing: &Listing,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<KeyPage, StoreError>;
}

#[async_trait]
pub trait RecordWriter: Send + Sync {
    /// Writes `record` if the stored version is as `expected`.
    async fn put(&self, record: Record, expected: Expected) -> Result<(), StoreError>;
}

/// Reading and writing together, for the places that need both.
pub trait RecordStore: RecordReader + RecordWriter {}
impl<T: RecordReader + RecordWriter> RecordStore for T {}
