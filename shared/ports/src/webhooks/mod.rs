//! The webhooks ports: the businesses' endpoints (what to post where, and how far each has
//! got), and the poster that makes one signed HTTP request.

mod memory;
mod retries;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::events::WebhookEndpoint;
use rappel_core::model::TenantId;

pub use memory::MemoryWebhooks;
pub use retries::{MemoryWebhookRetries, RetriedEndpoint, WebhookRetries, WebhookRetry};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the webhook endpoints are unavailable: {0}")]
pub struct WebhookStoreError(pub String);

#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Saves `endpoint` (new or changed).
    async fn save(&self, endpoint: &WebhookEndpoint) -> Result<(), WebhookStoreError>;
    /// A business's endpoints, oldest first.
    async fn of_business(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<WebhookEndpoint>, WebhookStoreError>;
    /// Deletes one; answers whether it was there.
    async fn delete(&self, tenant: &TenantId, id: &str) -> Result<bool, WebhookStoreError>;
    /// Every endpoint to try at `now`, of every business (the local stack's dispatcher).
    async fn due(&self, now: DateTime<Utc>) -> Result<Vec<WebhookEndpoint>, WebhookStoreError>;
}

/// Why a post was not accepted: the endpoint's status code, or a transport failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PostFailure(pub String);

#[async_trait]
pub trait WebhookPoster: Send + Sync {
    /// Posts `body` (JSON) with `headers` to `url`; a 2xx answer is accepted.
    async fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: String,
    ) -> Result<(), PostFailure>;
}
