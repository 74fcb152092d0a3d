//! The delivery ledger: a message key is claimed before anything is sent, so a duplicate
//! trigger (replayed stream record, schedule fired twice) finds the claim and sends nothing.

mod memory;

use crate::history::CommunicationRecord;
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
    /// For a sent message: its history entry, settled with it in one write. A crash (or an
    /// outage) right after the settle cannot lose the entry: the next trigger of the same key,
    /// a duplicate, writes it again (history writes are idempotent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<Box<CommunicationRecord>>,
    /// For a sent e-mail: what the provider said became of it since (delivered, bounced,
    /// complained).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<ProviderOutcome>,
}

/// What the provider reported after it accepted a message, weakest first: a later report
/// never replaces a stronger one (SES may report a delivery after the complaint it caused).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// The recipient's mail server accepted it.
    Delivered,
    /// Refused for good: the address bounced.
    Bounced,
    /// The recipient marked it as spam.
    Complained,
}

impl OutcomeKind {
    /// Its weight (what a store's condition compares).
    pub fn rank(self) -> u8 {
        match self {
            Self::Delivered => 1,
            Self::Bounced => 2,
            Self::Complained => 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderOutcome {
    pub kind: OutcomeKind,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This caller owns the key and must complete or release it.
    Claimed,
    /// The key is held: settled for good (a duplicate: do nothing), or claimed by another
    /// attempt whose lease has not run out (retry later — it may still fail or crash).
    Taken(LedgerEntry),
}

/// Ledger entries outlive any trigger that could replay them (stream records: 24 h; schedule
/// retries and dead letters: 14 days), then expire — sooner with the copy of a history entry
/// whose retention is shorter (30 days at least: still past every replay).
pub const KEEP_FOR: Duration = Duration::days(400);

/// When a ledger entry written at `written_at` is deleted: [`KEEP_FOR`] later, or when its
/// copy of a history entry (`copy_expires`) goes if that is sooner. The one rule for the entry
/// as written and for a store that re-stamps its copy in place.
pub fn expiry(written_at: DateTime<Utc>, copy_expires: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let kept = written_at + KEEP_FOR;
    copy_expires.map_or(kept, |copy| kept.min(copy))
}

impl LedgerEntry {
    /// When the stores delete it (DynamoDB's TTL; the local stack's sweep): [`KEEP_FOR`] after
    /// it was written, or with its copy of a history entry if that goes sooner.
    pub fn expires_at(&self) -> DateTime<Utc> {
        expiry(self.at, self.record.as_ref().map(|copy| copy.expires_at()))
    }

    /// A delivery finished for good at `now` (with its history entry when it was sent).
    pub fn settled(
        state: LedgerState,
        now: DateTime<Utc>,
        record: Option<&CommunicationRecord>,
    ) -> Self {
        Self {
            state,
            at: now,
            lease_until: None,
            record: record.map(|r| Box::new(r.clone())),
            outcome: None,
        }
    }

    /// Takes `outcome` if it is stronger than the one it has; answers whether it did.
    pub fn take_outcome(&mut self, outcome: ProviderOutcome) -> bool {
        if self.outcome.is_some_and(|had| had.kind >= outcome.kind) {
            return false;
        }
        self.outcome = Some(outcome);
        true
    }

    /// Finished for good: sent, suppressed or failed. Only a settled key makes a trigger a
    /// duplicate; a live claim does not.
    pub fn is_settled(&self) -> bool {
        self.state != LedgerState::Claimed
    }
}

/// What settling a sent message wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    /// The ledger entry and the history entry, in one write (DynamoDB: one transaction).
    WithHistory,
    /// The ledger entry only: the caller files the history entry.
    LedgerOnly,
    /// The key was `sent` already (a settle request the queue delivered twice): nothing was
    /// written, and the message must not be counted again.
    AlreadySent,
}

/// The longest timeout of any function in `template.yaml` (the change handler's 120 s). Only
/// the send function (60 s) claims keys today; sizing the lease from the longest keeps it safe
/// if another function ever does. The template sync test checks it is the template's longest.
pub const LONGEST_FUNCTION_TIMEOUT: Duration = Duration::seconds(120);

/// Margin for the clocks of two Lambda hosts and the last SDK call of an attempt that the
/// runtime is tearing down.
pub const LEASE_MARGIN: Duration = Duration::seconds(30);

/// How long a claim protects a delivery in progress: an attempt cannot outlive its function's
/// timeout, so once `LONGEST_FUNCTION_TIMEOUT + LEASE_MARGIN` = 120 s + 30 s = **150 s** have
/// passed since the claim, its holder is certainly gone and the key may be claimed again.
///
/// Retries must come back after the lease or keep coming until it has run out: a retry inside
/// it is answered with a retryable error, never taken for a duplicate. The SDK's per-call
/// timeouts (`rappel_aws::sdk`) keep an attempt well inside its function's timeout, the send
/// queue's visibility timeout (360 s) is above the lease, and the template sync test checks
/// these numbers against `template.yaml`.
pub const CLAIM_LEASE: Duration = Duration::seconds(150);

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
    /// Marks a claimed key sent, keeping the history entry that records it — and filing that
    /// entry in the history in the same write where the store can ([`Filed`]).
    async fn settle_sent(
        &self,
        key: &str,
        record: &CommunicationRecord,
        now: DateTime<Utc>,
    ) -> Result<Filed, LedgerError>;
    /// Records what the provider reported about the sent message `key` (a stronger report
    /// is kept: [`OutcomeKind`]), with `record`, its history entry — in the same write where
    /// the store can ([`Filed::WithHistory`]); otherwise, or when the ledger kept a stronger
    /// report or has no entry for the key, the caller files the history entry
    /// ([`Filed::LedgerOnly`]).
    async fn record_outcome(
        &self,
        key: &str,
        outcome: ProviderOutcome,
        record: &CommunicationRecord,
    ) -> Result<Filed, LedgerError>;
    /// Gives a claim back (the delivery will be retried, or the message may apply again later).
    async fn release(&self, key: &str) -> Result<(), LedgerError>;
    async fn entry(&self, key: &str) -> Result<Option<LedgerEntry>, LedgerError>;
    /// Drops the copy of the history entry a sent message's ledger entry keeps (its
    /// recipient's erasure); the entry itself stays, so a late trigger of the message is
    /// still a duplicate. No entry, or no copy: nothing to do.
    async fn forget_copy(&self, key: &str) -> Result<(), LedgerError>;
    /// The copy of the history entry a sent message's ledger entry keeps is now kept until
    /// `kept_until` (its business changed its history retention), and the entry with it but
    /// never past [`KEEP_FOR`] from `recorded_at`. No entry, or no copy: nothing to do.
    async fn restamp_copy(
        &self,
        key: &str,
        recorded_at: DateTime<Utc>,
        kept_until: DateTime<Utc>,
    ) -> Result<(), LedgerError>;
}
