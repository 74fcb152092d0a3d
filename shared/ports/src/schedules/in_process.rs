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

    /// Removes and returns the earliest entry due at or before `until`.
    pub fn pop_due(&self, until: DateTime<Utc>) -> Option<ScheduleEntry> {
        let mut entries = lock(&self.entries);
        let next = entries
            .values()
            .filter(|e| e.due <= until)
            .min_by(|a, b| (a.due, &a.name).cmp(&(b.due, &b.name)))?
            .clone();
        entries.remove(&next.name);
        self.save(&entries);
        Some(next)
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
