//! Every write the record store accepted, with the instant it was made: the soak's own record
//! of the sequence of states, kept apart from everything that delivers messages (feed,
//! scheduler, queue, ledger), so that its oracle judges the delivery path from outside.

use super::{AppointmentPage, KeyPage, Listing, StartingBetween, StoreError};
use super::{Expected, Record, RecordKey, RecordKind, RecordReader, RecordStore, RecordWriter};
use crate::clock::Clock;
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::{
    Appointment, AppointmentTypeId, ClientId, Inbound, StaffId, StaffMember, TenantId,
    WaitlistEntry,
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
    async fn put(&self, record: Record, expected: Expected) -> Result<(), StoreError> {
        let logged = record.clone();
        self.inner.put(record, expected).await?;
        lock(&self.log.writes).push((self.clock.now(), logged));
        Ok(())
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
    async fn appointments_of_client(
        &self,
        tenant: &TenantId,
        client: &ClientId,
    ) -> Result<Vec<Appointment>, StoreError> {
        self.inner.appointments_of_client(tenant, client).await
    }
    async fn appointments_of_staff(
        &self,
        tenant: &TenantId,
        staff: &StaffId,
        from: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Vec<Appointment>, StoreError> {
        self.inner
            .appointments_of_staff(tenant, staff, from, until)
            .await
    }
    async fn appointments_ending_after(
        &self,
        tenant: &TenantId,
        after: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError> {
        self.inner.appointments_ending_after(tenant, after).await
    }
    async fn appointments_starting(
        &self,
        tenant: &TenantId,
        range: &StartingBetween,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<AppointmentPage, StoreError> {
        self.inner
            .appointments_starting(tenant, range, cursor, limit)
            .await
    }
    async fn records_of_kind(
        &self,
        tenant: &TenantId,
        kind: RecordKind,
    ) -> Result<Vec<Record>, StoreError> {
        self.inner.records_of_kind(tenant, kind).await
    }
    async fn staff_members(&self, tenant: &TenantId) -> Result<Vec<StaffMember>, StoreError> {
        self.inner.staff_members(tenant).await
    }
    async fn inbound_from(
        &self,
        tenant: &TenantId,
        sender_key: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Inbound>, StoreError> {
        self.inner
            .inbound_from(tenant, sender_key, from, until)
            .await
    }
    async fn appointments_of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        after: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError> {
        self.inner
            .appointments_of_type(tenant, type_id, after)
            .await
    }
    async fn waitlist_of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        open_at: DateTime<Utc>,
    ) -> Result<Vec<WaitlistEntry>, StoreError> {
        self.inner.waitlist_of_type(tenant, type_id, open_at).await
    }

    async fn list(
        &self,
        tenant: &TenantId,
        listing: &Listing,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<KeyPage, StoreError> {
        self.inner.list(tenant, listing, cursor, limit).await
    }
}
