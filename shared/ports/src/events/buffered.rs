//! The events of one batch of changes (or one re-plan step), kept until the batch is done and
//! then appended at once: one write for the batch instead of one per subject it re-planned.

use super::{EventError, EventLog, EventPage};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::events::DeliveryEvent;
use rappel_core::model::TenantId;
use std::sync::{Arc, Mutex};

pub struct BufferedEvents {
    inner: Arc<dyn EventLog>,
    pending: Mutex<Vec<DeliveryEvent>>,
}

impl BufferedEvents {
    pub fn new(inner: Arc<dyn EventLog>) -> Self {
        Self {
            inner,
            pending: Mutex::new(Vec::new()),
        }
    }

    /// Appends what the batch published. On failure the events are kept, to try again.
    pub async fn flush(&self) -> Result<(), EventError> {
        let pending = std::mem::take(&mut *lock(&self.pending));
        if pending.is_empty() {
            return Ok(());
        }
        if let Err(error) = self.inner.append(&pending).await {
            lock(&self.pending).splice(0..0, pending);
            return Err(error);
        }
        Ok(())
    }
}

#[async_trait]
impl EventLog for BufferedEvents {
    async fn append(&self, events: &[DeliveryEvent]) -> Result<(), EventError> {
        lock(&self.pending).extend_from_slice(events);
        Ok(())
    }

    async fn position_now(
        &self,
        tenant: &TenantId,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, EventError> {
        self.inner.position_now(tenant, now).await
    }

    async fn page(
        &self,
        tenant: &TenantId,
        after: Option<&str>,
        limit: usize,
        until: DateTime<Utc>,
    ) -> Result<EventPage, EventError> {
        self.inner.page(tenant, after, limit, until).await
    }
}
