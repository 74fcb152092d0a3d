//! Idempotency keys: what makes a retried `POST` safe. The first request with a key claims it
//! with its fingerprint; its answer is kept under the key for [`KEEP_FOR`]; the same key asked
//! again answers that answer, with another request is refused, and while the first still runs
//! is told to wait. Keys belong to a business: another business's key is another key.

mod memory;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use rappel_core::model::TenantId;
use serde::{Deserialize, Serialize};

pub use memory::MemoryIdempotency;

/// How long an answer is kept under its key: a day, as integrators' retry policies expect.
pub const KEEP_FOR: Duration = Duration::hours(24);
/// How long a claim without an answer holds its key: longer than a request may run (the API
/// function's timeout), so a request that crashed mid-way frees its key for a retry.
pub const CLAIM_LEASE: Duration = Duration::seconds(60);

/// An answer as it was sent: its status and its JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptAnswer {
    pub status: u16,
    pub body: String,
}

/// What is stored under a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEntry {
    /// The request the key was first used for (a digest of its method, path and body).
    pub fingerprint: String,
    /// `None` while the first request runs (left out of a stored item, so a condition can ask
    /// `attribute_not_exists(answer)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<KeptAnswer>,
    pub claimed_at: DateTime<Utc>,
    /// When the key is forgotten (also the DynamoDB TTL).
    pub kept_until: DateTime<Utc>,
}

impl KeyEntry {
    pub fn claim(fingerprint: &str, now: DateTime<Utc>) -> Self {
        Self {
            fingerprint: fingerprint.to_owned(),
            answer: None,
            claimed_at: now,
            kept_until: now + KEEP_FOR,
        }
    }

    /// The request's answer, kept a day from `now`.
    pub fn answered(fingerprint: &str, answer: KeptAnswer, now: DateTime<Utc>) -> Self {
        Self {
            fingerprint: fingerprint.to_owned(),
            answer: Some(answer),
            claimed_at: now,
            kept_until: now + KEEP_FOR,
        }
    }

    /// Whether the key is still bound to its request at `now` ([`KEEP_FOR`] from its claim or
    /// its answer). A stale entry is as good as none.
    pub fn holds(&self, now: DateTime<Utc>) -> bool {
        now < self.kept_until
    }

    /// What a request with `fingerprint` finds under a key this entry holds: another request's
    /// key stays refused for the whole day, even if that request never finished; the same
    /// request gets the kept answer, waits while its claim's lease runs, and takes the key
    /// over once the lease has run out ([`KeyClaim::Fresh`]: it stopped before answering).
    pub fn verdict(&self, fingerprint: &str, now: DateTime<Utc>) -> KeyClaim {
        if self.fingerprint != fingerprint {
            return KeyClaim::OtherRequest;
        }
        match &self.answer {
            Some(answer) => KeyClaim::Answered(answer.clone()),
            None if now < self.claimed_at + CLAIM_LEASE => KeyClaim::InProgress,
            None => KeyClaim::Fresh,
        }
    }
}

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// The key is this request's: run it, then keep its answer (or release the key). Also
    /// what the same request finds after its earlier run stopped without answering: that run
    /// may have written, so the request must be one that finds its own write (an id derived
    /// from the key, an upsert).
    Fresh,
    /// The same request was answered: answer the same.
    Answered(KeptAnswer),
    /// The same request is still running: try again shortly.
    InProgress,
    /// The key was used for another request.
    OtherRequest,
}

#[derive(Debug, thiserror::Error)]
#[error("idempotency keys unavailable: {0}")]
pub struct IdempotencyError(pub String);

#[async_trait]
pub trait IdempotencyKeys: Send + Sync {
    /// Claims `key` for the request `fingerprint`, or says what holds it.
    async fn claim(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> Result<KeyClaim, IdempotencyError>;

    /// Keeps the answer of the request that claimed `key`.
    async fn keep(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
        answer: KeptAnswer,
        now: DateTime<Utc>,
    ) -> Result<(), IdempotencyError>;

    /// Frees `key` after its request failed in a way worth trying again (an outage).
    async fn release(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
    ) -> Result<(), IdempotencyError>;
}
