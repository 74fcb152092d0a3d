//! The endpoint use cases: register one (its secret shown once), list them with where each
//! stands, rotate a secret (the old one signs 24 hours more), enable one again after it was
//! disabled (it resumes from where it stopped), delete one.

use crate::services::ApiServices;
use chrono::{DateTime, Utc};
use rappel_core::events::{
    EventType, MAX_ENDPOINTS, OLD_SECRET_VALID_FOR, SECRET_BYTES, SecretInForce, WebhookEndpoint,
    WebhookSecret, WebhookUrl,
};
use rappel_core::model::TenantId;
use rappel_ports::webhooks::WebhookStoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    #[error(transparent)]
    Store(#[from] WebhookStoreError),
    #[error(transparent)]
    Events(#[from] rappel_ports::events::EventError),
    #[error("at most {MAX_ENDPOINTS} endpoints per business")]
    TooMany,
    #[error("no webhook endpoint with this id")]
    NotFound,
    #[error("no randomness for a secret: {0}")]
    NoRandomness(String),
}

/// Where an endpoint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EndpointState {
    /// Receiving events.
    Active,
    /// Its last attempts failed: retried at `next_attempt_at`.
    Failing,
    /// Failed for 5 days: nothing is posted until it is enabled again
    /// (`POST /v1/webhooks/{id}/enable`), when it resumes from its cursor.
    Disabled,
}

impl EndpointState {
    /// Where `endpoint` stands (the API's list, the local inbox page).
    pub fn of(endpoint: &WebhookEndpoint) -> Self {
        if endpoint.disabled_at.is_some() {
            Self::Disabled
        } else if endpoint.failures > 0 {
            Self::Failing
        } else {
            Self::Active
        }
    }
}

/// An endpoint as the API shows it (never its secrets).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EndpointView {
    #[schema(example = "we_3f9a1c0e5b7d2a4c6e8f0a1b")]
    pub id: String,
    pub url: WebhookUrl,
    /// The types posted; all when empty.
    pub event_types: Vec<EventType>,
    pub created_at: DateTime<Utc>,
    pub state: EndpointState,
    pub failures: u32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed (`http 503`, `timeout`…).
    pub last_error: Option<String>,
    /// The position of the last event it accepted.
    pub cursor: Option<String>,
    /// Only when created or rotated: `whsec_…`, shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl EndpointView {
    fn of(endpoint: &WebhookEndpoint, secret: Option<String>) -> Self {
        let state = EndpointState::of(endpoint);
        Self {
            id: endpoint.id.clone(),
            url: endpoint.url.clone(),
            event_types: endpoint.event_types.clone(),
            created_at: endpoint.created_at,
            state,
            failures: endpoint.failures,
            next_attempt_at: endpoint.next_attempt_at,
            last_error: endpoint.last_error.clone(),
            cursor: endpoint.cursor.clone(),
            secret,
        }
    }
}

/// What registering an endpoint takes.
pub struct NewEndpoint {
    pub url: WebhookUrl,
    pub event_types: Vec<EventType>,
}

fn random_bytes<const N: usize>() -> Result<[u8; N], EndpointError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| EndpointError::NoRandomness(e.to_string()))?;
    Ok(bytes)
}

/// Registers an endpoint: it receives the business's events from now on.
pub async fn create_endpoint(
    s: &ApiServices,
    tenant: &TenantId,
    new: NewEndpoint,
) -> Result<EndpointView, EndpointError> {
    if s.webhooks.of_business(tenant).await?.len() >= MAX_ENDPOINTS {
        return Err(EndpointError::TooMany);
    }
    let now = s.clock.now();
    let secret = WebhookSecret::from_key(random_bytes::<SECRET_BYTES>()?).expose();
    let endpoint = WebhookEndpoint {
        tenant: tenant.clone(),
        id: format!("we_{}", hex::encode(random_bytes::<12>()?)),
        url: new.url,
        event_types: new.event_types,
        secrets: vec![SecretInForce {
            secret: secret.clone(),
            expires_at: None,
        }],
        created_at: now,
        // From now on.
        cursor: s.events.position_now(tenant, now).await?,
        failures: 0,
        failing_since: None,
        next_attempt_at: None,
        last_error: None,
        disabled_at: None,
    };
    s.webhooks.save(&endpoint).await?;
    Ok(EndpointView::of(&endpoint, Some(secret)))
}

pub async fn list_endpoints(
    s: &ApiServices,
    tenant: &TenantId,
) -> Result<Vec<EndpointView>, EndpointError> {
    Ok(s.webhooks
        .of_business(tenant)
        .await?
        .iter()
        .map(|e| EndpointView::of(e, None))
        .collect())
}

/// A new secret signs from now on; the previous one too, for 24 hours.
pub async fn rotate_secret(
    s: &ApiServices,
    tenant: &TenantId,
    id: &str,
) -> Result<EndpointView, EndpointError> {
    let mut endpoint = endpoint_of(s, tenant, id).await?;
    let now = s.clock.now();
    let secret = WebhookSecret::from_key(random_bytes::<SECRET_BYTES>()?).expose();
    let previous = endpoint
        .secrets
        .iter()
        .find(|s| s.expires_at.is_none_or(|until| now < until))
        .map(|s| SecretInForce {
            secret: s.secret.clone(),
            expires_at: Some(now + OLD_SECRET_VALID_FOR),
        });
    endpoint.secrets = std::iter::once(SecretInForce {
        secret: secret.clone(),
        expires_at: None,
    })
    .chain(previous)
    .collect();
    s.webhooks.save(&endpoint).await?;
    Ok(EndpointView::of(&endpoint, Some(secret)))
}

/// Enables `id` again: its failures forgotten, tried at once, from where it stopped (what it
/// missed while disabled is posted first, for as long as events are kept: 30 days). An
/// endpoint that is not disabled is left as it is.
pub async fn enable_endpoint(
    s: &ApiServices,
    tenant: &TenantId,
    id: &str,
) -> Result<EndpointView, EndpointError> {
    let mut endpoint = endpoint_of(s, tenant, id).await?;
    if endpoint.enable() {
        s.webhooks.save(&endpoint).await?;
    }
    // Its run is queued whether or not this call enabled it: an enable retried because its
    // first attempt saved the endpoint but could not queue the run must still queue it (a run
    // more is harmless: it posts from the endpoint's cursor).
    let now = s.clock.now();
    if endpoint.is_due(now) {
        s.webhook_retries.retry_at(&endpoint, now).await?;
    }
    Ok(EndpointView::of(&endpoint, None))
}

/// `tenant`'s endpoint `id` (another business's is not found).
async fn endpoint_of(
    s: &ApiServices,
    tenant: &TenantId,
    id: &str,
) -> Result<WebhookEndpoint, EndpointError> {
    s.webhooks
        .of_business(tenant)
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or(EndpointError::NotFound)
}

pub async fn delete_endpoint(
    s: &ApiServices,
    tenant: &TenantId,
    id: &str,
) -> Result<(), EndpointError> {
    if s.webhooks.delete(tenant, id).await? {
        Ok(())
    } else {
        Err(EndpointError::NotFound)
    }
}
