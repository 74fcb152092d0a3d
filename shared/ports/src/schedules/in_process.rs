//! The embedded scheduler: entries kept in order of due time; the local runtime asks for the
//! next due one as its clock moves and fires it at the send handler.

use super::{ScheduleEntry, ScheduleError, Schedules};
use crate::json_file::{JsonFile, persist};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::message::ScheduleName;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct InProcessScheduler {
    entries: Mutex<BTreeMap<ScheduleName, ScheduleEntry>>,
    file: Option<JsonFile>,
}

impl InProcessScheduler {
    pub fn in_memory() -> Self {
        Self {
            entries: Mutex::new(BTreeMap::new()),
            file: None,
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        let file = JsonFile::new(path);
        let entries: Vec<ScheduleEntry> = file.load()?;
        let map = entries.into_iter().map(|e| (e.name.clone(), e)).collect();
        Ok(Self {
            entries: Mutex::new(map),
            file: Some(file),
        })
    }

    /// All pending entries, earliest first.
    pub fn list(&self) -> Vec<ScheduleEntry> {
        let mut all: Vec<ScheduleEntry> = lock(&self.entries).values().cloned().collect();
        all.sort_by(|a, b| (a.due, &a.name).cmp(&(b.due, &b.name)));
        all
    }

    /// The earliest entry due at or before `until`, left in place: it is removed by
    /// [`Self::fired`] once its firing has been handled, so a process stopped mid-firing fires
    /// it again after a restart (the delivery ledger makes that harmless), as EventBridge
    /// Scheduler retries a target that did not answer.
    pub fn next_due(&self, until: DateTime<Utc>) -> Option<ScheduleEntry> {
        lock(&self.entries)
            .values()
            .filter(|e| e.due <= until)
            .min_by(|a, b| (a.due, &a.name).cmp(&(b.due, &b.name)))
            .cloned()
    }

    /// The firing of `name` was handled (delivered, or dead-lettered): the one-shot schedule
    /// is done (`ActionAfterCompletion: DELETE` on AWS).
    pub fn fired(&self, name: &ScheduleName) {
        let mut entries = lock(&self.entries);
        if entries.remove(name).is_some() {
            self.save(&entries);
        }
    }

    fn save(&self, entries: &BTreeMap<ScheduleName, ScheduleEntry>) {
        let list: Vec<&ScheduleEntry> = entries.values().collect();
        persist(self.file.as_ref(), &list, "schedules");
    }
}

#[async_trait]
impl Schedules for InProcessScheduler {
    async fn create(&self, entry: ScheduleEntry) -> Result<(), ScheduleError> {
        let mut entries = lock(&self.entries);
        entries.entry(entry.name.clone()).or_insert(entry);
        self.save(&entries);
        Ok(())
    }

    async fn delete(&self, name: &ScheduleName) -> Result<(), ScheduleError> {
        let mut entries = lock(&self.entries);
        entries.remove(name);
        self.save(&entries);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rappel_core::message::{Channel, MessageKey, MessageKind, Recipient, Subject};
    use rappel_core::model::{AppointmentId, ClientId, TenantId};

    fn entry(minute: u32) -> ScheduleEntry {
        use chrono::TimeZone;
        ScheduleEntry::for_key(&MessageKey {
            tenant: TenantId::parse("t").unwrap(),
            subject: Subject::Appointment(AppointmentId::parse("a").unwrap()),
            kind: MessageKind::Reminder,
            ordinal: 1,
            recipient: Recipient::Client(ClientId::parse("c").unwrap()),
            channel: Channel::Email,
            due: Utc.with_ymd_and_hms(2026, 3, 26, 9, minute, 0).unwrap(),
        })
    }

    #[tokio::test]
    async fn a_schedule_stays_on_disk_until_its_firing_was_handled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schedules.json");
        let scheduler = InProcessScheduler::persisted(&path).unwrap();
        scheduler.create(entry(0)).await.unwrap();
        let due = scheduler.next_due(entry(5).due).unwrap();

        // Stopped here, mid-firing: a restart still has it.
        let restarted = InProcessScheduler::persisted(&path).unwrap();
        assert_eq!(restarted.list().len(), 1);

        scheduler.fired(&due.name);
        let restarted = InProcessScheduler::persisted(&path).unwrap();
        assert!(restarted.list().is_empty());
    }
}
