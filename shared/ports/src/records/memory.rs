//! The embedded record store: a map in memory, optionally persisted (a snapshot and a journal
//! of writes), with a change feed of old/new images in write order — the local stand-in for
//! DynamoDB and its stream.

use super::appointment_index::AppointmentIndex;
use super::{Answer, Query};
use super::{
    AppointmentPage, ChangeRecord, Expected, KeyPage, Listing, Record, RecordKey, RecordKind,
    RecordReader, RecordWriter, StartingBetween, StoreError,
};
use crate::journal::{Durable, Journaled};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::{
    Appointment, AppointmentId, AppointmentTypeId, ClientId, Inbound, StaffId, StaffMember,
    TenantId, WaitlistEntry,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;

/// An instant as listings sort it (fixed width, so text order is time order).
fn instant(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string()
}

#[derive(Default, Serialize, Deserialize)]
struct State {
    /// Keyed by "tenant/kind/id" so the file stays readable.
    records: BTreeMap<String, Record>,
    next_sequence: u64,
    /// Changes not yet taken by the change handler.
    feed: VecDeque<ChangeRecord>,
    /// When each record written with a retention may be deleted, by its key.
    #[serde(default)]
    kept_until: BTreeMap<String, DateTime<Utc>>,
    /// Rebuilt from `records` when the file is loaded.
    #[serde(skip)]
    appointments: AppointmentIndex,
    /// `kept_until` in time order (rebuilt likewise): what the sweep deletes next.
    #[serde(skip)]
    expiring: BTreeSet<(DateTime<Utc>, String)>,
}

impl State {
    /// A write whose expected version matched: the record stored, the index and the feed
    /// following it.
    fn write(&mut self, record: Record, kept_until: Option<DateTime<Utc>>) {
        let storage = record.key().to_string();
        self.forget_expiry(&storage);
        if let Some(at) = kept_until {
            self.kept_until.insert(storage.clone(), at);
            self.expiring.insert((at, storage.clone()));
        }
        let current = self.records.get(&storage).cloned();
        self.next_sequence += 1;
        let sequence = format!("{:020}", self.next_sequence);
        if let Some(Record::Appointment(old)) = &current {
            self.appointments.remove(old);
        }
        if let Record::Appointment(new) = &record {
            self.appointments.insert(new);
        }
        self.records.insert(storage, record.clone());
        self.feed.push_back(ChangeRecord {
            sequence,
            old: current,
            new: Some(record),
            expired: false,
        });
    }

    fn forget_expiry(&mut self, storage: &str) {
        if let Some(at) = self.kept_until.remove(storage) {
            self.expiring.remove(&(at, storage.to_owned()));
        }
    }

    /// A deletion whose expected version matched (or, `expired`, the record's retention ran
    /// out): the record gone, the index and the feed following it.
    fn remove(&mut self, storage: &str, expired: bool) {
        self.forget_expiry(storage);
        let Some(current) = self.records.remove(storage) else {
            return;
        };
        self.next_sequence += 1;
        let sequence = format!("{:020}", self.next_sequence);
        if let Record::Appointment(old) = &current {
            self.appointments.remove(old);
        }
        self.feed.push_back(ChangeRecord {
            sequence,
            old: Some(current),
            new: None,
            expired,
        });
    }

    fn with_index(mut self) -> Self {
        self.expiring = self
            .kept_until
            .iter()
            .map(|(storage, at)| (*at, storage.clone()))
            .collect();
        let mut index = AppointmentIndex::default();
        for record in self.records.values() {
            if let Record::Appointment(a) = record {
                index.insert(a);
            }
        }
        self.appointments = index;
        self
    }

    /// Every key of `listing`, each with the text it sorts by (a cursor is one of them).
    fn listed(&self, tenant: &TenantId, listing: &Listing) -> Vec<(String, RecordKey)> {
        let appointment_keys =
            |ids: Vec<AppointmentId>, sort: fn(&Appointment) -> DateTime<Utc>| {
                self.appointments_of(tenant, ids)
                    .into_iter()
                    .map(|a| {
                        let key = RecordKey::new(tenant, RecordKind::Appointment, a.id.as_str());
                        (format!("{}#{}", instant(sort(&a)), a.id), key)
                    })
                    .collect()
            };
        let of_kind = |kinds: &[RecordKind], keep: &dyn Fn(&Record) -> bool| {
            let mut found = Vec::new();
            for kind in kinds {
                let prefix = format!("{tenant}/{}/", kind.as_str());
                found.extend(
                    self.records
                        .range(prefix.clone()..)
                        .take_while(|(k, _)| k.starts_with(&prefix))
                        .filter(|(_, r)| keep(r))
                        .map(|(k, r)| (k.clone(), r.key())),
                );
            }
            found
        };
        let mut keys: Vec<(String, RecordKey)> = match listing {
            Listing::AppointmentsEndingAfter { after } => {
                appointment_keys(self.appointments.ending_after(tenant, *after), |a| a.end)
            }
            Listing::AppointmentsOfType { type_id, after } => {
                appointment_keys(self.appointments.of_type(tenant, type_id, *after), |a| {
                    a.start
                })
            }
            Listing::AppointmentsOfStaff { staff, from } => appointment_keys(
                self.appointments.of_staff(tenant, staff, *from, None),
                |a| a.start,
            ),
            Listing::OpenDocuments => of_kind(
                &[RecordKind::Invoice, RecordKind::Quote],
                &Record::is_open_document,
            ),
            Listing::StaffMembers => of_kind(&[RecordKind::Staff], &|_| true),
            Listing::Records { kind } => of_kind(&[*kind], &|_| true),
            Listing::RecordsOfClient { client } => of_kind(
                &[
                    RecordKind::Appointment,
                    RecordKind::Waitlist,
                    RecordKind::Invoice,
                    RecordKind::Quote,
                    RecordKind::Inbound,
                ],
                &|record| record.client() == Some(client),
            ),
            Listing::ClientsVisitedSince { since } => {
                let mut clients: Vec<(String, RecordKey)> = self
                    .appointments_of(tenant, self.appointments.ending_after(tenant, *since))
                    .into_iter()
                    .filter(rappel_core::planning::client::is_visit)
                    .map(|a| {
                        let id = a.client_id.to_string();
                        let key = RecordKey::new(tenant, RecordKind::Client, id.clone());
                        (id, key)
                    })
                    .collect();
                clients.sort();
                clients.dedup();
                clients
            }
        };
        keys.sort();
        keys
    }

    /// The stored appointments of `ids` (all are there: the index follows every write).
    fn appointments_of(&self, tenant: &TenantId, ids: Vec<AppointmentId>) -> Vec<Appointment> {
        ids.into_iter()
            .filter_map(|id| {
                let key = RecordKey::new(tenant, RecordKind::Appointment, id.as_str());
                match self.records.get(&key.to_string()) {
                    Some(Record::Appointment(a)) => Some(a.clone()),
                    _ => None,
                }
            })
            .collect()
    }
}

/// A change as the journal keeps it: applied again on a restart, it has the same effect.
#[derive(Serialize, Deserialize)]
enum Change {
    Write(Box<Record>),
    /// A write with the instant its retention runs out.
    WriteKept(Box<Record>, DateTime<Utc>),
    /// The record stored under this key (`tenant/kind/id`) deleted.
    Delete(String),
    /// These records' retention ran out: deleted by the sweep.
    Expire(Vec<String>),
    /// The record under this key is now kept until then (`None`: kept).
    Restamp(String, Option<DateTime<Utc>>),
    /// The first `handled` changes of the feed are done; `retry` goes back at the front.
    Finish {
        handled: usize,
        retry: Vec<ChangeRecord>,
    },
    Replay(Box<ChangeRecord>),
}

impl Journaled for State {
    type Saved = State;
    type Change = Change;

    fn restore(saved: State) -> Self {
        saved.with_index()
    }

    fn saved(&self) -> impl Serialize + '_ {
        self
    }

    fn apply(&mut self, change: Change) {
        match change {
            Change::Write(record) => self.write(*record, None),
            Change::WriteKept(record, at) => self.write(*record, Some(at)),
            Change::Delete(storage) => self.remove(&storage, false),
            Change::Expire(keys) => {
                for storage in keys {
                    self.remove(&storage, true);
                }
            }
            Change::Restamp(storage, kept_until) => {
                if self.records.contains_key(&storage) {
                    self.forget_expiry(&storage);
                    if let Some(at) = kept_until {
                        self.kept_until.insert(storage.clone(), at);
                        self.expiring.insert((at, storage));
                    }
                }
            }
            Change::Finish { handled, retry } => {
                let n = handled.min(self.feed.len());
                self.feed.drain(..n);
                for change in retry.into_iter().rev() {
                    self.feed.push_front(change);
                }
            }
            Change::Replay(change) => self.feed.push_back(*change),
        }
    }
}

pub struct MemoryRecords {
    state: Mutex<Durable<State>>,
}

impl MemoryRecords {
    pub fn in_memory() -> Self {
        Self {
            state: Mutex::new(Durable::in_memory(State::default())),
        }
    }

    /// Loads the snapshot at `path` and its journal if they exist, and journals every change.
    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self {
            state: Mutex::new(Durable::open(path)?),
        })
    }

    /// Up to `max` pending changes, oldest first, left on the feed until
    /// [`Self::finish_changes`]: a process stopped while handling them hands them to the change
    /// handler again after a restart, as a stream's unacknowledged batch is retried.
    pub fn peek_changes(&self, max: usize) -> Vec<ChangeRecord> {
        self.peek_changes_after(0, max)
    }

    /// [`Self::peek_changes`] past the first `skip`: handled already, to be finished together
    /// behind one barrier.
    pub fn peek_changes_after(&self, skip: usize, max: usize) -> Vec<ChangeRecord> {
        lock(&self.state)
            .feed
            .iter()
            .skip(skip)
            .take(max)
            .cloned()
            .collect()
    }

    /// The first `handled` changes of the feed (the batch last peeked) are done; `retry` goes
    /// back at the front, in order, to be handled again. What handling them wrote is synced
    /// first.
    pub fn finish_changes(&self, handled: usize, retry: Vec<ChangeRecord>) {
        crate::journal::barrier_before_consuming(&self.state, "change feed");
        self.finish_changes_synced(handled, retry);
    }

    /// [`Self::finish_changes`] for a caller that has just passed a barrier of the store's
    /// domain after handling them (it acknowledges several stores' work behind one).
    pub fn finish_changes_synced(&self, handled: usize, retry: Vec<ChangeRecord>) {
        lock(&self.state).change_or_log(Change::Finish { handled, retry }, "record store");
    }

    /// Puts changes back at the end of the feed (a dead-lettered change, replayed).
    pub fn replay_change(&self, change: ChangeRecord) {
        lock(&self.state).change_or_log(Change::Replay(Box::new(change)), "record store");
    }

    /// Deletes every record whose retention ran out by `now`, as DynamoDB's TTL does (each
    /// deletion on the feed, marked expired); how many. Journaled as one line.
    pub fn expire_due(&self, now: DateTime<Utc>) -> usize {
        let mut state = lock(&self.state);
        let due: Vec<String> = state
            .expiring
            .iter()
            .take_while(|(at, _)| *at <= now)
            .map(|(_, storage)| storage.clone())
            .collect();
        let count = due.len();
        if count > 0 {
            state.change_or_log(Change::Expire(due), "record store");
        }
        count
    }

    /// When the record at `key` may be deleted, if it was written with a retention.
    pub fn kept_until(&self, key: &RecordKey) -> Option<DateTime<Utc>> {
        lock(&self.state).kept_until.get(&key.to_string()).copied()
    }

    pub fn pending_changes(&self) -> usize {
        lock(&self.state).feed.len()
    }

    /// Every appointment of every business, for the local inbox page.
    pub fn all_appointments(&self) -> Vec<Appointment> {
        lock(&self.state)
            .records
            .values()
            .filter_map(|r| match r {
                Record::Appointment(a) => Some(a.clone()),
                _ => None,
            })
            .collect()
    }
}

#[async_trait]
impl RecordReader for MemoryRecords {
    async fn get(&self, key: &RecordKey) -> Result<Option<Record>, StoreError> {
        Ok(lock(&self.state).records.get(&key.to_string()).cloned())
    }

    async fn query(&self, tenant: &TenantId, query: &Query) -> Result<Answer, StoreError> {
        crate::answer_query!(self, tenant, query)
    }
}

/// The answers to each [`Query`], dispatched by [`RecordReader::query`].
impl MemoryRecords {
    async fn appointments_of_client(
        &self,
        tenant: &TenantId,
        client: &ClientId,
    ) -> Result<Vec<Appointment>, StoreError> {
        let state = lock(&self.state);
        let ids = state.appointments.of_client(tenant, client);
        Ok(state.appointments_of(tenant, ids))
    }

    async fn appointments_of_staff(
        &self,
        tenant: &TenantId,
        staff: &StaffId,
        from: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Vec<Appointment>, StoreError> {
        let state = lock(&self.state);
        let ids = state.appointments.of_staff(tenant, staff, from, until);
        Ok(state.appointments_of(tenant, ids))
    }

    async fn appointments_starting(
        &self,
        tenant: &TenantId,
        range: &StartingBetween,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<AppointmentPage, StoreError> {
        let state = lock(&self.state);
        let ids = match (&range.client, &range.staff) {
            (Some(client), _) => state.appointments.of_client(tenant, client),
            (None, Some(staff)) => {
                state
                    .appointments
                    .of_staff(tenant, staff, range.from, Some(range.until))
            }
            (None, None) => state
                .appointments
                .starting_between(tenant, range.from, range.until),
        };
        let mut sorted: Vec<(String, Appointment)> = state
            .appointments_of(tenant, ids)
            .into_iter()
            .filter(|a| a.start >= range.from && a.start < range.until)
            .filter(|a| range.staff.as_ref().is_none_or(|s| *s == a.staff_id))
            .map(|a| (format!("{}#{}", instant(a.start), a.id), a))
            .filter(|(sort, _)| cursor.is_none_or(|c| sort.as_str() > c))
            .collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        sorted.truncate(limit.saturating_add(1));
        let more = sorted.len() > limit;
        sorted.truncate(limit);
        Ok(AppointmentPage {
            next: more
                .then(|| sorted.last().map(|(sort, _)| sort.clone()))
                .flatten(),
            appointments: sorted.into_iter().map(|(_, a)| a).collect(),
        })
    }

    async fn appointments_of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        after: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError> {
        let state = lock(&self.state);
        let ids = state.appointments.of_type(tenant, type_id, after);
        Ok(state.appointments_of(tenant, ids))
    }

    async fn waitlist_of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        open_at: DateTime<Utc>,
    ) -> Result<Vec<WaitlistEntry>, StoreError> {
        let mut open: Vec<WaitlistEntry> = self
            .records_of_kind(tenant, RecordKind::Waitlist)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                Record::Waitlist(w) if w.type_id == *type_id && w.until >= open_at => Some(w),
                _ => None,
            })
            .collect();
        open.sort_by(|a, b| (a.until, &a.id).cmp(&(b.until, &b.id)));
        Ok(open)
    }

    async fn records_of_kind(
        &self,
        tenant: &TenantId,
        kind: RecordKind,
    ) -> Result<Vec<Record>, StoreError> {
        let state = lock(&self.state);
        let prefix = format!("{tenant}/{}/", kind.as_str());
        Ok(state
            .records
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(_, r)| r.clone())
            .collect())
    }

    async fn inbound_from(
        &self,
        tenant: &TenantId,
        sender_key: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Inbound>, StoreError> {
        let state = lock(&self.state);
        let prefix = format!(
            "{tenant}/{}/{}",
            RecordKind::Inbound.as_str(),
            Inbound::sender_prefix(sender_key)
        );
        let mut found: Vec<Inbound> = state
            .records
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(_, r)| match r {
                Record::Inbound(m) if m.received_at >= from && m.received_at <= until => {
                    Some(m.clone())
                }
                _ => None,
            })
            .collect();
        found.sort_by(|a, b| (a.received_at, &a.id).cmp(&(b.received_at, &b.id)));
        Ok(found)
    }

    async fn list(
        &self,
        tenant: &TenantId,
        listing: &Listing,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<KeyPage, StoreError> {
        let state = lock(&self.state);
        let mut after: Vec<(String, RecordKey)> = state
            .listed(tenant, listing)
            .into_iter()
            .filter(|(sort, _)| cursor.is_none_or(|c| sort.as_str() > c))
            .take(limit.saturating_add(1))
            .collect();
        let more = after.len() > limit;
        after.truncate(limit);
        Ok(KeyPage {
            next: more
                .then(|| after.last().map(|(sort, _)| sort.clone()))
                .flatten(),
            keys: after.into_iter().map(|(_, key)| key).collect(),
        })
    }

    async fn staff_members(&self, tenant: &TenantId) -> Result<Vec<StaffMember>, StoreError> {
        let state = lock(&self.state);
        let prefix = format!("{tenant}/{}/", RecordKind::Staff.as_str());
        Ok(state
            .records
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(_, r)| match r {
                Record::Staff(s) => Some(s.clone()),
                _ => None,
            })
            .collect())
    }
}

#[async_trait]
impl RecordWriter for MemoryRecords {
    async fn put_kept(
        &self,
        record: Record,
        expected: Expected,
        kept_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let storage = record.key().to_string();
        let mut state = lock(&self.state);
        let current = state.records.get(&storage);
        let found = current.map(Record::version);
        let matches = match expected {
            Expected::Absent => current.is_none(),
            Expected::Version(v) => found == Some(v),
        };
        if !matches {
            return Err(StoreError::Conflict {
                key: storage,
                expected,
                found,
            });
        }
        let change = match kept_until {
            Some(at) => Change::WriteKept(Box::new(record), at),
            None => Change::Write(Box::new(record)),
        };
        state.change_or_log(change, "record store");
        Ok(())
    }

    /// Unlike DynamoDB's update, which the stream carries with both images the same (and the
    /// change handler passes over), no change reaches the feed.
    async fn restamp(
        &self,
        key: &RecordKey,
        version: u64,
        kept_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let storage = key.to_string();
        let mut state = lock(&self.state);
        let current = state.records.get(&storage).map(Record::version);
        if current == Some(version) && state.kept_until.get(&storage) != kept_until.as_ref() {
            state.change_or_log(Change::Restamp(storage, kept_until), "record store");
        }
        Ok(())
    }

    async fn delete(&self, key: &RecordKey, version: u64) -> Result<(), StoreError> {
        let storage = key.to_string();
        let mut state = lock(&self.state);
        let Some(found) = state.records.get(&storage).map(Record::version) else {
            return Ok(());
        };
        if found != version {
            return Err(StoreError::Conflict {
                key: storage,
                expected: Expected::Version(version),
                found: Some(found),
            });
        }
        state.change_or_log(Change::Delete(storage), "record store");
        Ok(())
    }
}

crate::compact_by!(MemoryRecords, state);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::TypedRecords;
    use rappel_core::settings::BusinessSettings;

    fn settings(version: u64) -> Record {
        let tenant = TenantId::parse("t1").unwrap();
        let mut s = BusinessSettings::defaults_for(&tenant);
        s.version = version;
        Record::Settings(s)
    }

    #[tokio::test]
    async fn a_stale_write_is_refused_and_nothing_is_lost() {
        let store = MemoryRecords::in_memory();
        store.put(settings(1), Expected::Absent).await.unwrap();
        assert!(matches!(
            store.put(settings(1), Expected::Absent).await,
            Err(StoreError::Conflict { .. })
        ));
        store.put(settings(2), Expected::Version(1)).await.unwrap();
        assert!(matches!(
            store.put(settings(3), Expected::Version(1)).await,
            Err(StoreError::Conflict { found: Some(2), .. })
        ));
    }

    #[tokio::test]
    async fn every_write_appears_in_the_feed_with_its_old_and_new_image() {
        let store = MemoryRecords::in_memory();
        store.put(settings(1), Expected::Absent).await.unwrap();
        store.put(settings(2), Expected::Version(1)).await.unwrap();
        let changes = store.peek_changes(10);
        assert_eq!(changes.len(), 2);
        assert!(changes[0].old.is_none());
        assert_eq!(changes[1].old.as_ref().map(Record::version), Some(1));
        assert_eq!(changes[1].new.as_ref().map(Record::version), Some(2));
        assert!(changes[0].sequence < changes[1].sequence);
        store.finish_changes(changes.len(), Vec::new());
        assert!(store.peek_changes(10).is_empty());
    }

    #[tokio::test]
    async fn a_change_stays_on_the_persisted_feed_until_it_was_handled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.json");
        let store = MemoryRecords::persisted(&path).unwrap();
        store.put(settings(1), Expected::Absent).await.unwrap();
        let batch = store.peek_changes(10);
        assert_eq!(batch.len(), 1);
        // Stopped here, while the change handler runs: a restart hands it over again.
        assert_eq!(
            MemoryRecords::persisted(&path).unwrap().peek_changes(10),
            batch
        );
        store.finish_changes(1, Vec::new());
        assert!(
            MemoryRecords::persisted(&path)
                .unwrap()
                .peek_changes(10)
                .is_empty()
        );
    }

    fn id<T: TryFrom<String>>(s: &str) -> T
    where
        T::Error: std::fmt::Debug,
    {
        T::try_from(s.to_owned()).unwrap()
    }

    /// Appointment `n` of a small business: clients, staff and types taken in turn, starts
    /// spread over a month (several at the same instant).
    fn appointment(n: u64, start_hour: i64) -> Appointment {
        use chrono::{Duration, TimeZone as _};
        use rappel_core::model::{
            Actor, AppointmentStatus, ChangeAction, LastChange, Origin, TimeZone,
        };
        let start =
            Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap() + Duration::hours(start_hour);
        Appointment {
            tenant: id(if n.is_multiple_of(7) {
                "other"
            } else {
                "salon"
            }),
            id: id(&format!("a{n:03}")),
            client_id: id(&format!("c{}", n % 5)),
            staff_id: id(&format!("s{}", n % 3)),
            type_id: id(&format!("t{}", n % 4)),
            start,
            end: start + Duration::minutes(30 + 15 * (n % 4) as i64),
            time_zone: TimeZone::parse("Europe/Paris").unwrap(),
            status: AppointmentStatus::Confirmed,
            origin: Origin::Online,
            version: 1,
            created_at: start,
            updated_at: start,
            details_changed_at: start,
            last_change: LastChange {
                action: ChangeAction::Booked,
                actor: Actor::Client,
                at: start,
                notify_client: true,
                in_bulk: false,
            },
            earlier_slot_offers: None,
            client_confirmation: None,
        }
    }

    fn ids(appointments: Vec<Appointment>) -> Vec<String> {
        appointments.into_iter().map(|a| a.id.to_string()).collect()
    }

    /// Every page of `range`, each checked to hold at most `limit` appointments.
    async fn day_in_pages(
        store: &MemoryRecords,
        tenant: &TenantId,
        range: &StartingBetween,
        limit: usize,
    ) -> Vec<Appointment> {
        let mut found = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = store
                .appointments_starting(tenant, range, cursor.as_deref(), limit)
                .await
                .unwrap();
            assert!(page.appointments.len() <= limit);
            found.extend(page.appointments);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return found,
            }
        }
    }

    #[tokio::test]
    async fn every_appointment_query_answers_what_a_scan_of_the_store_answers_after_moves() {
        use chrono::Duration;
        let store = MemoryRecords::in_memory();
        for n in 0..120u64 {
            store
                .put(
                    Record::Appointment(appointment(n, ((n * 37) % 90) as i64)),
                    Expected::Absent,
                )
                .await
                .unwrap();
        }
        // Every third one moves (new start, staff, type and client), some of them twice.
        for round in 0..2u64 {
            for n in (0..120u64).filter(|n| n % (3 + round) == 0) {
                let key = RecordKey::new(
                    &appointment(n, 0).tenant,
                    RecordKind::Appointment,
                    format!("a{n:03}"),
                );
                let Some(Record::Appointment(mut a)) = store.get(&key).await.unwrap() else {
                    panic!("a{n:03} is stored");
                };
                let version = a.version;
                a.start += Duration::hours(5 + round as i64);
                a.end += Duration::hours(5 + round as i64);
                a.staff_id = id(&format!("s{}", (n + 1 + round) % 3));
                a.type_id = id(&format!("t{}", (n + 1) % 4));
                a.client_id = id(&format!("c{}", (n + 2) % 5));
                a.version += 1;
                store
                    .put(Record::Appointment(a), Expected::Version(version))
                    .await
                    .unwrap();
            }
        }
        let all = store.all_appointments();
        assert_eq!(all.len(), 120);
        let scan = |keep: &dyn Fn(&Appointment) -> bool, by_start: bool| {
            let mut found: Vec<Appointment> = all.iter().filter(|a| keep(a)).cloned().collect();
            if by_start {
                found.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
            }
            ids(found)
        };
        let salon: TenantId = id("salon");
        let origin = appointment(0, 0).start;
        let mut answered = 0;
        for hour in [0i64, 10, 31, 47, 60, 95] {
            let at = origin + Duration::hours(hour);
            let until = at + Duration::hours(20);
            for k in 0..5 {
                let client: ClientId = id(&format!("c{k}"));
                let found = ids(store.appointments_of_client(&salon, &client).await.unwrap());
                answered += found.len();
                assert_eq!(
                    found,
                    scan(&|a| a.tenant == salon && a.client_id == client, false)
                );
            }
            for k in 0..3 {
                let staff: StaffId = id(&format!("s{k}"));
                for window in [Some(until), None] {
                    let found = store
                        .appointments_of_staff(&salon, &staff, at, window)
                        .await;
                    let expected = scan(
                        &|a| {
                            a.tenant == salon
                                && a.staff_id == staff
                                && a.start >= at
                                && window.is_none_or(|u| a.start < u)
                        },
                        true,
                    );
                    assert_eq!(ids(found.unwrap()), expected);
                }
            }
            for k in 0..4 {
                let type_id: AppointmentTypeId = id(&format!("t{k}"));
                let found = store
                    .appointments_of_type(&salon, &type_id, at)
                    .await
                    .unwrap();
                let expected = scan(
                    &|a| a.tenant == salon && a.type_id == type_id && a.start > at,
                    true,
                );
                assert_eq!(ids(found), expected);
            }
            for staff in [None, Some(id::<StaffId>("s1"))] {
                let range = StartingBetween {
                    staff: staff.clone(),
                    client: None,
                    from: at,
                    until,
                };
                let expected = scan(
                    &|a| {
                        a.tenant == salon
                            && staff.as_ref().is_none_or(|s| &a.staff_id == s)
                            && a.start >= at
                            && a.start < until
                    },
                    true,
                );
                assert_eq!(ids(day_in_pages(&store, &salon, &range, 3).await), expected);
            }
            // An empty or reversed window finds nothing (and does not panic).
            let reversed = StartingBetween {
                staff: None,
                client: None,
                from: until,
                until: at,
            };
            assert!(day_in_pages(&store, &salon, &reversed, 3).await.is_empty());
        }
        assert!(answered > 0, "the queries found appointments to compare");
    }

    #[tokio::test]
    async fn a_reloaded_store_answers_appointment_queries_from_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.json");
        {
            let store = MemoryRecords::persisted(&path).unwrap();
            for n in 1..4u64 {
                let a = appointment(n, n as i64);
                store
                    .put(Record::Appointment(a), Expected::Absent)
                    .await
                    .unwrap();
            }
        }
        let reopened = MemoryRecords::persisted(&path).unwrap();
        let lea: ClientId = id("c1");
        let found = reopened.appointments_of_client(&id("salon"), &lea).await;
        assert_eq!(ids(found.unwrap()), vec!["a001"]);
    }

    #[tokio::test]
    async fn the_persisted_store_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.json");
        let tenant = TenantId::parse("t1").unwrap();
        {
            let store = MemoryRecords::persisted(&path).unwrap();
            store.put(settings(1), Expected::Absent).await.unwrap();
        }
        let reopened = MemoryRecords::persisted(&path).unwrap();
        assert_eq!(reopened.settings(&tenant).await.unwrap().version, 1);
        assert_eq!(reopened.pending_changes(), 1);
    }

    /// Every page of a listing, following the cursors.
    async fn all_pages(
        store: &MemoryRecords,
        listing: &Listing,
        limit: usize,
    ) -> Vec<Vec<RecordKey>> {
        let tenant: TenantId = id("salon");
        let mut pages = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = store
                .list(&tenant, listing, cursor.as_deref(), limit)
                .await
                .unwrap();
            assert!(page.keys.len() <= limit);
            pages.push(page.keys);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return pages,
            }
        }
    }

    #[tokio::test]
    async fn a_listing_read_page_by_page_finds_each_subject_once_and_only_its_businesss() {
        use chrono::Duration;
        let store = MemoryRecords::in_memory();
        for n in 0..60u64 {
            store
                .put(
                    Record::Appointment(appointment(n, (n % 20) as i64)),
                    Expected::Absent,
                )
                .await
                .unwrap();
        }
        let origin = appointment(0, 0).start;
        let salon: TenantId = id("salon");
        let all = store.all_appointments();
        let expected = |keep: &dyn Fn(&Appointment) -> bool| {
            let mut ids: Vec<String> = all
                .iter()
                .filter(|a| a.tenant == salon && keep(a))
                .map(|a| a.id.to_string())
                .collect();
            ids.sort();
            ids
        };
        let after = origin + Duration::hours(6);
        let cases: Vec<(Listing, Vec<String>)> = vec![
            (
                Listing::AppointmentsEndingAfter { after },
                expected(&|a| a.end > after),
            ),
            (
                Listing::AppointmentsOfType {
                    type_id: id("t1"),
                    after,
                },
                expected(&|a| a.type_id.as_str() == "t1" && a.start > after),
            ),
            (
                Listing::AppointmentsOfStaff {
                    staff: id("s2"),
                    from: after,
                },
                expected(&|a| a.staff_id.as_str() == "s2" && a.start >= after),
            ),
        ];
        for (listing, wanted) in cases {
            assert!(!wanted.is_empty(), "{listing:?} has something to find");
            let pages = all_pages(&store, &listing, 7).await;
            assert!(pages.len() > 1, "{listing:?} takes several pages");
            let mut found: Vec<String> = pages.into_iter().flatten().map(|k| k.id).collect();
            let read = found.len();
            found.sort();
            found.dedup();
            assert_eq!(read, found.len(), "{listing:?}: each once");
            assert_eq!(found, wanted, "{listing:?}");
        }
        // Clients seen once each, however many visits.
        let clients = all_pages(&store, &Listing::ClientsVisitedSince { since: origin }, 2).await;
        let clients: Vec<String> = clients.into_iter().flatten().map(|k| k.id).collect();
        assert_eq!(clients, vec!["c0", "c1", "c2", "c3", "c4"]);
    }
}
