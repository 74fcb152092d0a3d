//! The embedded history: an append-only list, optionally persisted.

use super::{CommunicationHistory, CommunicationRecord, HistoryError};
use crate::json_file::JsonFile;
use crate::lock;
use async_trait::async_trait;
use rappel_core::message::Recipient;
use rappel_core::model::{ClientId, TenantId};
use std::path::PathBuf;
use std::sync::Mutex;

pub struct MemoryHistory {
    entries: Mutex<Vec<CommunicationRecord>>,
    file: Option<JsonFile>,
}

impl MemoryHistory {
    pub fn in_memory() -> Self {
        Self {
            entries: Mutex::new(Vec::new()),
            file: None,
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        let file = JsonFile::new(path);
        let entries = file.load()?;
        Ok(Self {
            entries: Mutex::new(entries),
            file: Some(file),
        })
    }
}

#[async_trait]
impl CommunicationHistory for MemoryHistory {
    /// Idempotent: the same entry (message, status, instant) written twice is kept once, as
    /// DynamoDB's put of the same key would.
    async fn record(&self, entry: CommunicationRecord) -> Result<(), HistoryError> {
        let mut entries = lock(&self.entries);
        if entries.iter().any(|e| {
            e.message_key == entry.message_key
                && e.status == entry.status
                && e.recorded_at == entry.recorded_at
        }) {
            return Ok(());
        }
        entries.push(entry);
        if let Some(file) = &self.file {
            file.save(&*entries)
                .map_err(|e| HistoryError(e.to_string()))?;
        }
        crate::crash_point::crash_point("history.recorded");
        Ok(())
    }

    async fn for_client(
        &self,
        tenant: &TenantId,
        client: &ClientId,
    ) -> Result<Vec<CommunicationRecord>, HistoryError> {
        Ok(lock(&self.entries)
            .iter()
            .filter(|e| &e.tenant == tenant && e.client.as_ref() == Some(client))
            .cloned()
            .collect())
    }

    async fn for_recipient(
        &self,
        tenant: &TenantId,
        recipient: &Recipient,
    ) -> Result<Vec<CommunicationRecord>, HistoryError> {
        Ok(lock(&self.entries)
            .iter()
            .filter(|e| &e.tenant == tenant && e.client.is_none() && &e.recipient == recipient)
            .cloned()
            .collect())
    }
}
