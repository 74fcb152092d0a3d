//! Every write the record store accepted, with the instant it was made: the soak's own record
//! of the sequence of states, kept apart from everything that delivers messages (feed,
//! scheduler, queue, ledger), so that its oracle judges the delivery path from outside.

use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::TenantId;
use rappel_ports::clock::Clock;
use rappel_ports::records::{
    Answer, Expected, Query, Record, RecordKey, RecordReader, RecordStore, RecordWriter, StoreError,
};
use std::sync::{Arc, Mutex};

/// The accepted writes, in the order they were made.
#[derive(Debug, Default)]
pub struct WriteLog {
    writes: Mutex<Vec<(DateTime<Utc>, Record)>>,
}

impl WriteLog {
    pub fn writes(&self) -> Vec<(DateTime<Utc>, Record)> {
        lock(&self.writes).clone()
    }

    pub fn len(&self) -> usize {
        lock(&self.writes).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A record store that adds each accepted write to a [`WriteLog`].
pub struct LoggedWrites {
    pub inner: Arc<dyn RecordStore>,
    pub log: Arc<WriteLog>,
    pub clock: Arc<dyn Clock>,
}

#[async_trait]
impl RecordWriter for LoggedWrites {
    async fn put_kept(
        &self,
        record: Record,
        expected: Expected,
        kept_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let logged = record.clone();
        self.inner.put_kept(record, expected, kept_until).await?;
        lock(&self.log.writes).push((self.clock.now(), logged));
        Ok(())
    }
    async fn restamp(
        &self,
        key: &RecordKey,
        version: u64,
        kept_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.inner.restamp(key, version, kept_until).await
    }

    async fn delete(&self, key: &RecordKey, version: u64) -> Result<(), StoreError> {
        self.inner.delete(key, version).await
    }
}

#[async_trait]
impl RecordReader for LoggedWrites {
    async fn get(&self, key: &RecordKey) -> Result<Option<Record>, StoreError> {
        self.inner.get(key).await
    }
    async fn get_many(&self, keys: &[RecordKey]) -> Result<Vec<Option<Record>>, StoreError> {
        self.inner.get_many(keys).await
    }
    async fn query(&self, tenant: &TenantId, query: &Query) -> Result<Answer, StoreError> {
        self.inner.query(tenant, query).await
    }
}
