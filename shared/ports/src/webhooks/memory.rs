//! The embedded webhook endpoints, optionally persisted.

use super::{WebhookStore, WebhookStoreError};
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::events::WebhookEndpoint;
use rappel_core::model::TenantId;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct MemoryWebhooks {
    endpoints: Mutex<Durable<BTreeMap<String, WebhookEndpoint>>>,
}

fn key(tenant: &TenantId, id: &str) -> String {
    format!("{tenant}/{id}")
}

impl MemoryWebhooks {
    pub fn in_memory() -> Self {
        Self {
            endpoints: Mutex::new(Durable::in_memory(BTreeMap::new())),
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self {
            endpoints: Mutex::new(Durable::open(path)?),
        })
    }

    /// Every endpoint, of every business (the local inbox page).
    pub fn all(&self) -> Vec<WebhookEndpoint> {
        lock(&self.endpoints).values().cloned().collect()
    }

    /// The earliest retry of a failing endpoint after `after` and no later than `until`: when
    /// the local stack's clock must stop on its way to `until`.
    pub fn next_retry(&self, after: DateTime<Utc>, until: DateTime<Utc>) -> Option<DateTime<Utc>> {
        lock(&self.endpoints)
            .values()
            .filter(|e| e.disabled_at.is_none())
            .filter_map(|e| e.next_attempt_at)
            .filter(|at| *at > after && *at <= until)
            .min()
    }
}

#[async_trait]
impl WebhookStore for MemoryWebhooks {
    async fn save(&self, endpoint: &WebhookEndpoint) -> Result<(), WebhookStoreError> {
        lock(&self.endpoints).change_or_log(
            MapChange::Put(key(&endpoint.tenant, &endpoint.id), endpoint.clone()),
            "webhooks",
        );
        Ok(())
    }

    async fn of_business(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<WebhookEndpoint>, WebhookStoreError> {
        let mut mine: Vec<WebhookEndpoint> = lock(&self.endpoints)
            .values()
            .filter(|e| &e.tenant == tenant)
            .cloned()
            .collect();
        mine.sort_by_key(|e| e.created_at);
        Ok(mine)
    }

    async fn delete(&self, tenant: &TenantId, id: &str) -> Result<bool, WebhookStoreError> {
        let mut endpoints = lock(&self.endpoints);
        let key = key(tenant, id);
        if !endpoints.contains_key(&key) {
            return Ok(false);
        }
        endpoints.change_or_log(MapChange::Remove(key), "webhooks");
        Ok(true)
    }

    async fn due(&self, now: DateTime<Utc>) -> Result<Vec<WebhookEndpoint>, WebhookStoreError> {
        Ok(lock(&self.endpoints)
            .values()
            .filter(|e| e.is_due(now))
            .cloned()
            .collect())
    }
}
