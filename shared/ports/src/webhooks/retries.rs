//! Bringing an endpoint's dispatch back later: after a failure (at its next attempt), or
//! right away when one run stopped with events still to post. On AWS a one-shot schedule
//! invokes the publish function for that endpoint; the local stack polls its due endpoints
//! and only records the request.

use super::WebhookStoreError;
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::events::WebhookEndpoint;
use rappel_core::model::TenantId;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

/// What a retry carries (`{"webhook_retry": {"business": …, "endpoint": …}}` on the wire):
/// which endpoint, never an event — the run reads them from its cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRetry {
    pub webhook_retry: RetriedEndpoint,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetriedEndpoint {
    pub business: TenantId,
    pub endpoint: String,
}

impl WebhookRetry {
    pub fn of(endpoint: &WebhookEndpoint) -> Self {
        Self {
            webhook_retry: RetriedEndpoint {
                business: endpoint.tenant.clone(),
                endpoint: endpoint.id.clone(),
            },
        }
    }
}

#[async_trait]
pub trait WebhookRetries: Send + Sync {
    /// Dispatches `endpoint` again at `at` (asking twice for the same time is one retry).
    async fn retry_at(
        &self,
        endpoint: &WebhookEndpoint,
        at: DateTime<Utc>,
    ) -> Result<(), WebhookStoreError>;
}

/// The requested retries, kept in memory: `(business, endpoint id, at)`.
#[derive(Default)]
pub struct MemoryWebhookRetries {
    requested: Mutex<Vec<(String, String, DateTime<Utc>)>>,
}

impl MemoryWebhookRetries {
    pub fn requested(&self) -> Vec<(String, String, DateTime<Utc>)> {
        lock(&self.requested).clone()
    }
}

#[async_trait]
impl WebhookRetries for MemoryWebhookRetries {
    async fn retry_at(
        &self,
        endpoint: &WebhookEndpoint,
        at: DateTime<Utc>,
    ) -> Result<(), WebhookStoreError> {
        let request = (endpoint.tenant.to_string(), endpoint.id.clone(), at);
        let mut requested = lock(&self.requested);
        if !requested.contains(&request) {
            requested.push(request);
        }
        Ok(())
    }
}
