//! Integrators' credentials: their API keys (a digest each, never the secret) and the
//! businesses each integrator may act for. Split by capability: the check the authorizer makes
//! on every uncached request, and the administration an operator does now and then.

mod memory;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use rappel_core::access::{ApiKeyId, IntegratorId, SecretDigest};
use rappel_core::model::TenantId;
use serde::{Deserialize, Serialize};

pub use memory::MemoryCredentials;

/// How long a revoked key stays listed (for the record) before it is forgotten.
pub const REVOKED_KEPT_FOR: Duration = Duration::days(90);

/// One key of an integrator as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredKey {
    pub id: ApiKeyId,
    pub digest: SecretDigest,
    /// What the operator called it ("production 2026-12"), to tell keys apart when rotating.
    pub label: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl StoredKey {
    pub fn is_live(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// What one check reads: the presented key's stored entry and whether the business named by
/// the request is granted to its integrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAndGrant {
    pub key: Option<StoredKey>,
    pub granted: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("credentials unavailable: {0}")]
pub struct CredentialsError(pub String);

/// The authorizer's read: one round trip.
#[async_trait]
pub trait CredentialCheck: Send + Sync {
    async fn key_and_grant(
        &self,
        integrator: &IntegratorId,
        key: &ApiKeyId,
        business: &TenantId,
    ) -> Result<KeyAndGrant, CredentialsError>;
}

/// The operator's writes and lists.
#[async_trait]
pub trait CredentialAdmin: Send + Sync {
    /// Stores a new key (its id is fresh: never overwrites).
    async fn put_key(
        &self,
        integrator: &IntegratorId,
        key: &StoredKey,
    ) -> Result<(), CredentialsError>;

    /// Marks a key revoked at `at`; `false` when the integrator has no such key.
    async fn revoke_key(
        &self,
        integrator: &IntegratorId,
        key: &ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<bool, CredentialsError>;

    /// The integrator's keys, live and recently revoked (a handful: see `MAX_LIVE_KEYS` in the
    /// app), oldest first.
    async fn keys(&self, integrator: &IntegratorId) -> Result<Vec<StoredKey>, CredentialsError>;

    /// Lets the integrator act for `business` (again: a no-op).
    async fn grant(
        &self,
        integrator: &IntegratorId,
        business: &TenantId,
        at: DateTime<Utc>,
    ) -> Result<(), CredentialsError>;

    /// Stops the integrator acting for `business`; `false` when it could not.
    async fn withdraw(
        &self,
        integrator: &IntegratorId,
        business: &TenantId,
    ) -> Result<bool, CredentialsError>;

    /// The businesses granted to the integrator, by id, `limit` after `after` (a page: an
    /// integrator may serve thousands).
    async fn grants(
        &self,
        integrator: &IntegratorId,
        after: Option<&TenantId>,
        limit: usize,
    ) -> Result<Vec<TenantId>, CredentialsError>;
}
