//! The delivery ledger: a message key is claimed before anything is sent, so a duplicate
//! trigger (replayed stream record, schedule fired twice) finds the claim and sends nothing.

mod memory;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use memory::MemoryLedger;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerState {
    /// Claimed by a delivery in progress (until `lease_until`).
    Claimed,
    Sent,
    Suppressed,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub state: LedgerState,
    pub at: DateTime<Utc>,
    pub lease_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This caller owns the key and must complete or release it.
    Claimed,
    /// Another delivery of the same key is in progress or finished: do nothing.
    Taken(LedgerEntry),
}

/// How long a claim protects a delivery in progress. A delivery that crashed without
/// completing can be retried once the lease has run out.
pub const CLAIM_LEASE: Duration = Duration::minutes(5);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the delivery ledger is unavailable: {0}")]
pub struct LedgerError(pub String);

#[async_trait]
pub trait DeliveryLedger: Send + Sync {
    async fn claim(&self, key: &str, now: DateTime<Utc>) -> Result<Claim, LedgerError>;
    /// Marks a claimed key finished for good.
    async fn complete(
        &self,
        key: &str,
        state: LedgerState,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError>;
    /// Gives a claim back (the delivery will be retried, or the message may apply again later).
    async fn release(&self, key: &str) -> Result<(), LedgerError>;
    async fn entry(&self, key: &str) -> Result<Option<LedgerEntry>, LedgerError>;
}
