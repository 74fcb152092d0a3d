//! The embedded history: an append-only list, optionally persisted, with the lookups its
//! readers make (an entry's identity, a client's entries, a recipient's) kept beside it so
//! that neither writing nor reading walks the whole list.

use super::CommunicationStatus;
use super::{CommunicationHistory, CommunicationRecord, HistoryError};
use crate::events::{EventLog, event_of_record};
use crate::journal::{Durable, Journaled};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::message::Recipient;
use rappel_core::model::{ClientId, TenantId};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// What makes two entries the same: DynamoDB's key for them.
type Identity = (String, CommunicationStatus, DateTime<Utc>);

fn identity(entry: &CommunicationRecord) -> Identity {
    (entry.message_key.clone(), entry.status, entry.recorded_at)
}

#[derive(Default)]
struct Entries {
    list: Vec<CommunicationRecord>,
    identities: HashSet<Identity>,
    /// Positions in `list`, in order.
    of_client: HashMap<(TenantId, ClientId), Vec<usize>>,
    of_recipient: HashMap<(TenantId, Recipient), Vec<usize>>,
}

impl Entries {
    fn from_list(list: Vec<CommunicationRecord>) -> Self {
        let mut entries = Self::default();
        for entry in list {
            entries.push(entry);
        }
        entries
    }

    fn has(&self, entry: &CommunicationRecord) -> bool {
        self.identities.contains(&identity(entry))
    }

    /// False if the same entry is already there.
    fn push(&mut self, entry: CommunicationRecord) -> bool {
        if !self.identities.insert(identity(&entry)) {
            return false;
        }
        let at = self.list.len();
        match &entry.client {
            Some(client) => self
                .of_client
                .entry((entry.tenant.clone(), client.clone()))
                .or_default()
                .push(at),
            None => self
                .of_recipient
                .entry((entry.tenant.clone(), entry.recipient.clone()))
                .or_default()
                .push(at),
        }
        self.list.push(entry);
        true
    }

    fn at(&self, positions: Option<&Vec<usize>>) -> Vec<CommunicationRecord> {
        positions
            .into_iter()
            .flatten()
            .filter_map(|&at| self.list.get(at).cloned())
            .collect()
    }
}

/// A journal line: a new entry (as it always was written), or entries forgotten.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum Change {
    Forget {
        forget: Vec<Identity>,
    },
    /// Entries written again with another `kept_until`.
    Restamp {
        restamp: Vec<CommunicationRecord>,
    },
    Record(Box<CommunicationRecord>),
}

impl Journaled for Entries {
    type Saved = Vec<CommunicationRecord>;
    type Change = Change;

    fn restore(list: Vec<CommunicationRecord>) -> Self {
        Self::from_list(list)
    }

    fn saved(&self) -> impl serde::Serialize + '_ {
        &self.list
    }

    fn apply(&mut self, change: Change) {
        match change {
            Change::Record(entry) => {
                self.push(*entry);
            }
            Change::Restamp { restamp } => {
                let by_identity: HashMap<Identity, CommunicationRecord> =
                    restamp.into_iter().map(|e| (identity(&e), e)).collect();
                for entry in &mut self.list {
                    if let Some(again) = by_identity.get(&identity(entry)) {
                        entry.kept_until = again.kept_until;
                    }
                }
            }
            Change::Forget { forget } => {
                let forget: HashSet<Identity> = forget.into_iter().collect();
                let list = std::mem::take(&mut self.list);
                *self = Self::from_list(
                    list.into_iter()
                        .filter(|e| !forget.contains(&identity(e)))
                        .collect(),
                );
            }
        }
    }
}

pub struct MemoryHistory {
    entries: Mutex<Durable<Entries>>,
    /// Where each entry's event is published, if anywhere.
    events: Option<Arc<dyn EventLog>>,
}

impl MemoryHistory {
    pub fn in_memory() -> Self {
        Self {
            entries: Mutex::new(Durable::in_memory(Entries::default())),
            events: None,
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self {
            entries: Mutex::new(Durable::open(path)?),
            events: None,
        })
    }

    /// Deletes every entry whose retention ran out by `now` ([`CommunicationRecord::expires_at`]),
    /// as DynamoDB's TTL does; how many. Journaled as one line.
    pub fn expire_due(&self, now: DateTime<Utc>) -> usize {
        let mut entries = lock(&self.entries);
        let forget: Vec<Identity> = entries
            .list
            .iter()
            .filter(|e| e.expires_at() <= now)
            .map(identity)
            .collect();
        let count = forget.len();
        if count > 0 {
            entries.change_or_log(Change::Forget { forget }, "history");
        }
        count
    }

    /// The same history, publishing the event of each entry it records to `events` (after
    /// the entry: a stop in between loses the event, which a replay of the entry writes).
    pub fn publishing_to(self, events: Arc<dyn EventLog>) -> Self {
        Self {
            events: Some(events),
            ..self
        }
    }
}

#[async_trait]
impl CommunicationHistory for MemoryHistory {
    /// Idempotent: the same entry (message, status, instant) written twice is kept once, as
    /// DynamoDB's put of the same key would.
    async fn record(&self, entry: CommunicationRecord) -> Result<(), HistoryError> {
        let event = self.events.as_ref().and(event_of_record(&entry));
        {
            let mut entries = lock(&self.entries);
            if !entries.has(&entry) {
                entries
                    .change(Change::Record(Box::new(entry)))
                    .map_err(|e| HistoryError(e.to_string()))?;
                crate::crash_point::crash_point("history.recorded");
            }
        }
        if let (Some(events), Some(event)) = (&self.events, event) {
            events
                .append(&[event])
                .await
                .map_err(|e| HistoryError(e.to_string()))?;
        }
        Ok(())
    }

    async fn forget(&self, entries: &[CommunicationRecord]) -> Result<(), HistoryError> {
        let forget: Vec<Identity> = entries.iter().map(identity).collect();
        if forget.is_empty() {
            return Ok(());
        }
        lock(&self.entries)
            .change(Change::Forget { forget })
            .map_err(|e| HistoryError(e.to_string()))
    }

    async fn restamp(&self, entries: &[CommunicationRecord]) -> Result<(), HistoryError> {
        if entries.is_empty() {
            return Ok(());
        }
        lock(&self.entries)
            .change(Change::Restamp {
                restamp: entries.to_vec(),
            })
            .map_err(|e| HistoryError(e.to_string()))
    }

    async fn for_client(
        &self,
        tenant: &TenantId,
        client: &ClientId,
    ) -> Result<Vec<CommunicationRecord>, HistoryError> {
        let entries = lock(&self.entries);
        Ok(entries.at(entries.of_client.get(&(tenant.clone(), client.clone()))))
    }

    async fn for_recipient(
        &self,
        tenant: &TenantId,
        recipient: &Recipient,
    ) -> Result<Vec<CommunicationRecord>, HistoryError> {
        let entries = lock(&self.entries);
        Ok(entries.at(entries
            .of_recipient
            .get(&(tenant.clone(), recipient.clone()))))
    }
}

crate::compact_by!(MemoryHistory, entries);

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;
    use rappel_core::message::{Channel, MessageKind, Subject};
    use rappel_core::model::StaffId;

    fn entry(tenant: &str, client: Option<&str>, key: &str, minute: u32) -> CommunicationRecord {
        let at = Utc.with_ymd_and_hms(2026, 3, 26, 9, minute, 0).unwrap();
        let client = client.map(|c| ClientId::parse(c).unwrap());
        CommunicationRecord {
            tenant: TenantId::parse(tenant).unwrap(),
            about: Subject::Client(ClientId::parse("lea").unwrap()),
            recipient: match &client {
                Some(c) => Recipient::Client(c.clone()),
                None => Recipient::Staff(StaffId::parse("sam").unwrap()),
            },
            client,
            message_key: key.into(),
            kind: MessageKind::Reminder,
            channel: Channel::Email,
            due: at,
            recorded_at: at,
            status: CommunicationStatus::Sent,
            reason: None,
            subject: None,
            provider_message_id: None,
            sms: None,
            kept_until: None,
        }
    }

    fn keys(entries: Vec<CommunicationRecord>) -> Vec<String> {
        entries.into_iter().map(|e| e.message_key).collect()
    }

    #[tokio::test]
    async fn each_reader_sees_its_own_entries_in_order_and_a_repeated_entry_once() {
        let history = MemoryHistory::in_memory();
        for e in [
            entry("salon", Some("lea"), "k1", 0),
            entry("salon", Some("max"), "k2", 1),
            entry("salon", None, "k3", 2),
            entry("other", Some("lea"), "k4", 3),
            entry("salon", Some("lea"), "k5", 4),
            entry("salon", Some("lea"), "k1", 0), // the same entry again (a retried write)
        ] {
            history.record(e).await.unwrap();
        }
        let salon = TenantId::parse("salon").unwrap();
        let lea = ClientId::parse("lea").unwrap();
        let lea_history = history.for_client(&salon, &lea).await.unwrap();
        assert_eq!(keys(lea_history), vec!["k1", "k5"]);
        let sam = Recipient::Staff(StaffId::parse("sam").unwrap());
        assert_eq!(
            keys(history.for_recipient(&salon, &sam).await.unwrap()),
            vec!["k3"]
        );
        let other = TenantId::parse("other").unwrap();
        assert!(
            history
                .for_recipient(&other, &sam)
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn a_reloaded_history_still_knows_its_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        MemoryHistory::persisted(&path)
            .unwrap()
            .record(entry("salon", Some("lea"), "k1", 0))
            .await
            .unwrap();
        let reopened = MemoryHistory::persisted(&path).unwrap();
        reopened
            .record(entry("salon", Some("lea"), "k1", 0))
            .await
            .unwrap();
        let salon = TenantId::parse("salon").unwrap();
        let lea = ClientId::parse("lea").unwrap();
        assert_eq!(
            keys(reopened.for_client(&salon, &lea).await.unwrap()),
            vec!["k1"]
        );
    }
}
