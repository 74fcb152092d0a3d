//! The record store port: get / put with optimistic concurrency / the queries the API and the
//! handlers need, and (embedded) the change feed that stands in for the DynamoDB stream.

mod appointment_index;
mod appointment_page;
mod cache;
mod listing;
mod memory;
mod query;
mod record;
mod stored;
mod typed;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::TenantId;
use rappel_core::settings::RetentionSettings;

pub use appointment_page::{AppointmentPage, StartingBetween};
pub use cache::RecordsCache;
pub use listing::{KeyPage, Listing};
pub use memory::MemoryRecords;
pub use query::{Answer, Query};
pub use record::{ChangeRecord, RecordKey, StoredTemplate};
pub use stored::{Record, RecordKind, StoredRecord};
pub use typed::TypedRecords;

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
    /// The answer to one of the questions besides reading by key ([`Query`]).
    async fn query(&self, tenant: &TenantId, query: &Query) -> Result<Answer, StoreError>;
}

#[async_trait]
pub trait RecordWriter: Send + Sync {
    /// Writes `record` if the stored version is as `expected`, kept until changed or erased.
    async fn put(&self, record: Record, expected: Expected) -> Result<(), StoreError> {
        self.put_kept(record, expected, None).await
    }
    /// [`Self::put`], the store deleting the record at `kept_until` (its business's retention:
    /// DynamoDB's TTL, the local stack's sweep). The deletion reaches the change feed marked
    /// [`ChangeRecord::expired`]. Each write states it again: a write without one keeps the
    /// record until the next.
    async fn put_kept(
        &self,
        record: Record,
        expected: Expected,
        kept_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError>;
    /// The record at `key`, if it is still at `version`, is now to be deleted at `kept_until`
    /// (`None`: kept) — its business changed its retention — and nothing else of it changes.
    /// A record changed since (its write stated the retention then) or gone: nothing to do.
    async fn restamp(
        &self,
        key: &RecordKey,
        version: u64,
        kept_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError>;
    /// [`Self::put_kept`] until what `retention` says of `record`, written at `now`
    /// ([`Record::kept_until`]): how every write of an appointment, a waitlist entry, an
    /// inbound message, an invoice or a quote is made.
    async fn put_retained(
        &self,
        record: Record,
        expected: Expected,
        retention: &RetentionSettings,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let kept_until = record.kept_until(retention, now);
        self.put_kept(record, expected, kept_until).await
    }
    /// Deletes the record at `key` if its stored version is `version` (a client's erasure); a
    /// record already gone is no error, so a retried step deletes nothing twice. The change
    /// feed carries the deletion (old image, no new one).
    async fn delete(&self, key: &RecordKey, version: u64) -> Result<(), StoreError>;
}

/// Reading and writing together, for the places that need both.
pub trait RecordStore: RecordReader + RecordWriter {}
impl<T: RecordReader + RecordWriter> RecordStore for T {}
