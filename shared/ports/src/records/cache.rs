//! A record store that reads each record, each client's appointments and each kind's records at
//! most once: built for one invocation (a stream batch, a queue batch), so that every message
//! and every change of the batch plans from the same reads instead of fetching the settings,
//! the type, the staff member and the client again each time.
//!
//! Why a snapshot taken at the start of an invocation is safe: the invocation lasts a fraction
//! of a second, and a change made meanwhile has its own stream record, whose reaction plans
//! again (and withdraws what no longer applies); a message sent from a state a few hundred
//! milliseconds old is the same race as a change landing just after the send, which the
//! delivery path already accepts. Writes go through and update what is remembered, so the
//! invocation never reads back less than it wrote.

use super::{Answer, Query};
use super::{
    Expected, Record, RecordKey, RecordKind, RecordReader, RecordStore, RecordWriter, StoreError,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::{Appointment, ClientId, TenantId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Default)]
struct Remembered {
    records: HashMap<RecordKey, Option<Record>>,
    of_client: HashMap<(TenantId, ClientId), Vec<Appointment>>,
    of_kind: HashMap<(TenantId, RecordKind), Vec<Record>>,
}

pub struct RecordsCache {
    inner: Arc<dyn RecordStore>,
    remembered: Mutex<Remembered>,
}

impl RecordsCache {
    pub fn new(inner: Arc<dyn RecordStore>) -> Self {
        Self {
            inner,
            remembered: Mutex::new(Remembered::default()),
        }
    }

    fn remembered(&self) -> MutexGuard<'_, Remembered> {
        // A panic elsewhere cannot leave the maps half-written: every update is one insert.
        self.remembered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Which remembered answer a query fills.
enum Remember {
    OfClient((TenantId, ClientId)),
    OfKind((TenantId, RecordKind)),
}

#[async_trait]
impl RecordReader for RecordsCache {
    async fn get(&self, key: &RecordKey) -> Result<Option<Record>, StoreError> {
        if let Some(found) = self.remembered().records.get(key) {
            return Ok(found.clone());
        }
        let found = self.inner.get(key).await?;
        self.remembered().records.insert(key.clone(), found.clone());
        Ok(found)
    }
    async fn get_many(&self, keys: &[RecordKey]) -> Result<Vec<Option<Record>>, StoreError> {
        let mut missing: Vec<RecordKey> = {
            let remembered = self.remembered();
            keys.iter()
                .filter(|k| !remembered.records.contains_key(k))
                .cloned()
                .collect()
        };
        missing.sort();
        missing.dedup();
        if !missing.is_empty() {
            let found = self.inner.get_many(&missing).await?;
            let mut remembered = self.remembered();
            for (key, record) in missing.into_iter().zip(found) {
                remembered.records.insert(key, record);
            }
        }
        let remembered = self.remembered();
        Ok(keys
            .iter()
            .map(|k| remembered.records.get(k).cloned().flatten())
            .collect())
    }

    /// A client's appointments and a kind's records are asked for by several messages or
    /// changes of one batch: remembered. The other questions are asked once per invocation:
    /// passed through.
    async fn query(&self, tenant: &TenantId, query: &Query) -> Result<Answer, StoreError> {
        let remembered = match query {
            Query::AppointmentsOfClient { client } => {
                let key = (tenant.clone(), client.clone());
                if let Some(found) = self.remembered().of_client.get(&key) {
                    return Ok(Answer::Appointments(found.clone()));
                }
                Some(Remember::OfClient(key))
            }
            Query::RecordsOfKind { kind } => {
                let key = (tenant.clone(), *kind);
                if let Some(found) = self.remembered().of_kind.get(&key) {
                    return Ok(Answer::Records(found.clone()));
                }
                Some(Remember::OfKind(key))
            }
            _ => None,
        };
        let answer = self.inner.query(tenant, query).await?;
        match (remembered, &answer) {
            (Some(Remember::OfClient(key)), Answer::Appointments(found)) => {
                self.remembered().of_client.insert(key, found.clone());
            }
            (Some(Remember::OfKind(key)), Answer::Records(found)) => {
                self.remembered().of_kind.insert(key, found.clone());
            }
            _ => {}
        }
        Ok(answer)
    }
}

#[async_trait]
impl RecordWriter for RecordsCache {
    async fn put_kept(
        &self,
        record: Record,
        expected: Expected,
        kept_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let key = record.key();
        let result = self
            .inner
            .put_kept(record.clone(), expected, kept_until)
            .await;
        let mut remembered = self.remembered();
        remembered.of_kind.remove(&(key.tenant.clone(), key.kind));
        if key.kind == RecordKind::Appointment {
            remembered
                .of_client
                .retain(|(tenant, _), _| *tenant != key.tenant);
        }
        match result {
            Ok(()) => {
                remembered.records.insert(key, Some(record));
                Ok(())
            }
            Err(error) => {
                // A conflict means what was remembered is out of date: read it again next time.
                remembered.records.remove(&key);
                Err(error)
            }
        }
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
        let result = self.inner.delete(key, version).await;
        let mut remembered = self.remembered();
        remembered.of_kind.remove(&(key.tenant.clone(), key.kind));
        if key.kind == RecordKind::Appointment {
            remembered
                .of_client
                .retain(|(tenant, _), _| *tenant != key.tenant);
        }
        match result {
            Ok(()) => remembered.records.insert(key.clone(), None),
            Err(_) => remembered.records.remove(key),
        };
        result
    }
}

#[cfg(test)]
mod tests {
    //! What `RecordsCache` remembers shows in what it answers after the store behind it was
    //! written directly (as another process would): a record it read is not read again.
    use super::*;
    use crate::records::{MemoryRecords, TypedRecords};
    use rappel_core::model::{DisplayName, Locale, StaffId, StaffMember, TimeZone};
    use rappel_core::settings::BusinessSettings;

    fn tenant() -> TenantId {
        TenantId::parse("salon-lea").unwrap()
    }

    fn settings(version: u64) -> Record {
        let mut settings = BusinessSettings::defaults_for(&tenant());
        settings.version = version;
        Record::Settings(settings)
    }

    fn sam() -> Record {
        Record::Staff(StaffMember {
            tenant: tenant(),
            id: StaffId::parse("sam").unwrap(),
            name: DisplayName::parse("Sam").unwrap(),
            email: None,
            phone: None,
            locale: Locale::FR,
            time_zone: TimeZone::parse("Europe/Paris").unwrap(),
            version: 1,
        })
    }

    fn store() -> (Arc<MemoryRecords>, RecordsCache) {
        let store = Arc::new(MemoryRecords::in_memory());
        let once = RecordsCache::new(store.clone());
        (store, once)
    }

    #[tokio::test]
    async fn a_record_read_once_in_an_invocation_is_not_read_again_even_when_missing() {
        let (store, once) = store();
        let key = RecordKey::settings(&tenant());
        assert_eq!(once.get(&key).await, Ok(None));
        store.put(settings(1), Expected::Absent).await.unwrap();
        assert_eq!(once.get(&key).await, Ok(None));
        assert_eq!(
            once.get_many(&[key.clone(), key]).await,
            Ok(vec![None, None])
        );
    }

    #[tokio::test]
    async fn what_the_invocation_writes_is_what_it_reads_back_until_a_conflict() {
        let (store, once) = store();
        once.put(settings(1), Expected::Absent).await.unwrap();
        store.put(settings(2), Expected::Version(1)).await.unwrap();
        let read = once.stored_settings(&tenant()).await.unwrap();
        assert_eq!(
            read.map(|s| s.version),
            Some(1),
            "its own write, remembered"
        );
        // A conflicting write forgets the record: the next read asks the store.
        assert!(once.put(settings(1), Expected::Absent).await.is_err());
        let read = once.stored_settings(&tenant()).await.unwrap();
        assert_eq!(read.map(|s| s.version), Some(2));
    }

    #[tokio::test]
    async fn a_kind_listed_once_is_listed_again_only_after_a_write_of_that_kind() {
        let (store, once) = store();
        assert!(
            once.records_of_kind(&tenant(), RecordKind::Staff)
                .await
                .unwrap()
                .is_empty()
        );
        store.put(sam(), Expected::Absent).await.unwrap();
        once.put(settings(1), Expected::Absent).await.unwrap();
        assert!(
            once.records_of_kind(&tenant(), RecordKind::Staff)
                .await
                .unwrap()
                .is_empty(),
            "another kind was written"
        );
        let mut renamed = sam();
        if let Record::Staff(s) = &mut renamed {
            s.version = 2;
        }
        once.put(renamed, Expected::Version(1)).await.unwrap();
        let listed = once
            .records_of_kind(&tenant(), RecordKind::Staff)
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
    }
}
