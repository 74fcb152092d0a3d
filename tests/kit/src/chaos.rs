//! Transient failures for the local stack's soak (composed through
//! [`rappel_local::Disturbance`], see [`crate::disturbed`]): decorators of the record store, the
//! scheduler, the providers and the ledger's settling that fail a share of calls as their AWS
//! counterparts fail (unavailable, throttled) — always *before* doing the work, as a refused
//! request does — drawn from one seeded source, and counted.
//!
//! A share of *attempts* fails, and each decorator tries again as the AWS adapters' SDK does
//! (`MAX_ATTEMPTS` attempts, standard retry mode): most faults are absorbed there, as on AWS.
//! Now and then an outage outlasts the retries — a run of failed attempts on one operation —
//! and the failure reaches the handlers and their triggers (retries, dead letters).
//!
//! The ledger's `settle_sent` failing after a provider accepted a message is the documented
//! window (sent, not yet recorded): the soak measures how often it is hit and what follows.

use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::message::{RecurringSchedule, ScheduleName};
use rappel_core::model::{PhoneNumber, TenantId};
use rappel_core::render::{OutgoingEmail, OutgoingSms};
use rappel_ports::delivery::{Mailer, ProviderReceipt, SendError, SmsSender};
use rappel_ports::history::CommunicationRecord;
use rappel_ports::ledger::{Claim, DeliveryLedger, Filed, LedgerEntry, LedgerError, LedgerState};
use rappel_ports::records::{Answer, Query};
use rappel_ports::records::{Expected, Record, RecordKey, RecordReader, RecordStore};
use rappel_ports::records::{RecordWriter, StoreError};
use rappel_ports::schedules::{ScheduleEntry, ScheduleError, Schedules};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The seeded source of failures, shared by every decorator of one stack (and kept across the
/// stack's restarts by whoever runs the soak).
#[derive(Debug)]
pub struct Chaos {
    state: Mutex<ChaosState>,
}

#[derive(Debug)]
struct ChaosState {
    rate: f64,
    /// Attempts per call ([`ATTEMPTS`] unless told).
    attempts: u32,
    draws: u64,
    /// Failed attempts still to come on one operation (an outage).
    outage: Option<(&'static str, u32)>,
    /// Calls whose every attempt failed.
    surfaced: BTreeMap<&'static str, u64>,
    /// Calls and failures by what was called (`records.put`, `mail.send`…).
    calls: BTreeMap<&'static str, u64>,
    failures: BTreeMap<&'static str, u64>,
}

impl Chaos {
    pub fn new(rate: f64, seed: u64) -> Self {
        Self {
            state: Mutex::new(ChaosState {
                rate,
                attempts: ATTEMPTS,
                draws: seed,
                outage: None,
                surfaced: BTreeMap::new(),
                calls: BTreeMap::new(),
                failures: BTreeMap::new(),
            }),
        }
    }
}

/// Attempts per call, as the AWS adapters' SDK makes them (`rappel_aws::sdk::MAX_ATTEMPTS`).
pub const ATTEMPTS: u32 = 4;

/// Chance that a failed attempt starts an outage, and how many attempts it lasts.
const OUTAGE_CHANCE: f64 = 0.01;
const OUTAGE_ATTEMPTS: u32 = 6;

impl ChaosState {
    fn unit(&mut self) -> f64 {
        self.draws = self.draws.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.draws;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Whether this attempt of `what` fails.
    fn attempt_fails(&mut self, what: &'static str) -> bool {
        *self.calls.entry(what).or_default() += 1;
        let fails = match self.outage {
            Some((during, left)) if during == what && left > 0 => {
                self.outage = Some((during, left - 1));
                true
            }
            _ => {
                let fails = self.rate > 0.0 && self.unit() < self.rate;
                if fails && self.outage.is_none_or(|(_, left)| left == 0) {
                    let starts = self.unit() < OUTAGE_CHANCE;
                    if starts {
                        self.outage = Some((what, OUTAGE_ATTEMPTS));
                    }
                }
                fails
            }
        };
        if fails {
            *self.failures.entry(what).or_default() += 1;
        }
        fails
    }
}

impl Chaos {
    /// Whether this call of `what` fails after the SDK-like retries: each of its attempts is
    /// drawn; it fails only if all of them do.
    pub fn strikes(&self, what: &'static str) -> bool {
        let mut state = lock(&self.state);
        for _ in 0..state.attempts {
            if !state.attempt_fails(what) {
                return false;
            }
        }
        *state.surfaced.entry(what).or_default() += 1;
        true
    }

    /// Calls whose every attempt failed, by what was called.
    pub fn surfaced(&self) -> BTreeMap<&'static str, u64> {
        lock(&self.state).surfaced.clone()
    }

    /// A draw in `0..n` from the same source (the runtime's duplicated and reordered
    /// deliveries use it).
    pub fn pick(&self, n: usize) -> usize {
        let mut state = lock(&self.state);
        state.draws = state
            .draws
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state.draws >> 33) as usize) % n.max(1)
    }

    /// Calls tried `attempts` times instead of [`ATTEMPTS`] (1: every failed attempt surfaces).
    pub fn with_attempts(self, attempts: u32) -> Self {
        lock(&self.state).attempts = attempts.max(1);
        self
    }

    /// Stops failing (the outage is over); counts are kept.
    pub fn calm(&self) {
        lock(&self.state).rate = 0.0;
    }

    pub fn set_rate(&self, rate: f64) {
        lock(&self.state).rate = rate;
    }

    pub fn is_on(&self) -> bool {
        lock(&self.state).rate > 0.0
    }

    /// `(attempts, failed attempts)` by what was called.
    pub fn counts(&self) -> BTreeMap<&'static str, (u64, u64)> {
        let state = lock(&self.state);
        state
            .calls
            .iter()
            .map(|(what, calls)| {
                (
                    *what,
                    (*calls, state.failures.get(what).copied().unwrap_or(0)),
                )
            })
            .collect()
    }
}

fn store_down() -> StoreError {
    StoreError::Unavailable("injected: the store is unavailable".into())
}

/// The record store, failing a share of reads and writes.
pub struct FlakyRecords {
    pub inner: Arc<dyn RecordStore>,
    pub chaos: Arc<Chaos>,
}

impl FlakyRecords {
    fn check(&self, what: &'static str) -> Result<(), StoreError> {
        if self.chaos.strikes(what) {
            Err(store_down())
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl RecordReader for FlakyRecords {
    async fn get(&self, key: &RecordKey) -> Result<Option<Record>, StoreError> {
        self.check("records.get")?;
        self.inner.get(key).await
    }
    async fn get_many(&self, keys: &[RecordKey]) -> Result<Vec<Option<Record>>, StoreError> {
        self.check("records.get")?;
        self.inner.get_many(keys).await
    }
    async fn query(&self, tenant: &TenantId, query: &Query) -> Result<Answer, StoreError> {
        self.check("records.query")?;
        self.inner.query(tenant, query).await
    }
}

#[async_trait]
impl RecordWriter for FlakyRecords {
    async fn put_kept(
        &self,
        record: Record,
        expected: Expected,
        kept_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.check("records.put")?;
        self.inner.put_kept(record, expected, kept_until).await
    }
    async fn restamp(
        &self,
        key: &RecordKey,
        version: u64,
        kept_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.check("records.restamp")?;
        self.inner.restamp(key, version, kept_until).await
    }
    async fn delete(&self, key: &RecordKey, version: u64) -> Result<(), StoreError> {
        self.check("records.delete")?;
        self.inner.delete(key, version).await
    }
}

/// The scheduler, failing a share of creations and deletions.
pub struct FlakySchedules {
    pub inner: Arc<dyn Schedules>,
    pub chaos: Arc<Chaos>,
}

impl FlakySchedules {
    fn check(&self, what: &'static str) -> Result<(), ScheduleError> {
        if self.chaos.strikes(what) {
            Err(ScheduleError(
                "injected: the scheduler is throttling".into(),
            ))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl Schedules for FlakySchedules {
    async fn create(&self, entry: ScheduleEntry) -> Result<(), ScheduleError> {
        self.check("schedules.create")?;
        self.inner.create(entry).await
    }
    async fn create_recurring(
        &self,
        schedule: &RecurringSchedule,
        starts: DateTime<Utc>,
    ) -> Result<(), ScheduleError> {
        self.check("schedules.create")?;
        self.inner.create_recurring(schedule, starts).await
    }
    async fn delete(&self, name: &ScheduleName) -> Result<(), ScheduleError> {
        self.check("schedules.delete")?;
        self.inner.delete(name).await
    }
}

/// The mail and SMS providers, throttling or unavailable for a share of sends.
pub struct FlakyProviders<P> {
    pub inner: Arc<P>,
    pub chaos: Arc<Chaos>,
}

impl<P> FlakyProviders<P> {
    fn check(&self, what: &'static str) -> Result<(), SendError> {
        if !self.chaos.strikes(what) {
            return Ok(());
        }
        Err(if self.chaos.pick(2) == 0 {
            SendError::throttled("Throttling", "injected: provider throttled")
        } else {
            SendError::transient("ServiceUnavailable", "injected: provider unavailable")
        })
    }
}

#[async_trait]
impl<P: Mailer + 'static> Mailer for FlakyProviders<P> {
    async fn send_email(
        &self,
        email: &OutgoingEmail,
        now: DateTime<Utc>,
    ) -> Result<ProviderReceipt, SendError> {
        self.check("mail.send")?;
        self.inner.send_email(email, now).await
    }
}

#[async_trait]
impl<P: SmsSender + 'static> SmsSender for FlakyProviders<P> {
    async fn is_opted_out(&self, phone: &PhoneNumber) -> Result<bool, SendError> {
        self.check("sms.opt_out")?;
        self.inner.is_opted_out(phone).await
    }
    async fn send_sms(
        &self,
        sms: &OutgoingSms,
        now: DateTime<Utc>,
    ) -> Result<ProviderReceipt, SendError> {
        self.check("sms.send")?;
        self.inner.send_sms(sms, now).await
    }
}

/// The delivery ledger, failing a share of claims and settlements. A settlement failing after
/// the provider accepted is the documented window.
pub struct FlakyLedger {
    pub inner: Arc<dyn DeliveryLedger>,
    pub chaos: Arc<Chaos>,
}

impl FlakyLedger {
    fn check(&self, what: &'static str) -> Result<(), LedgerError> {
        if self.chaos.strikes(what) {
            Err(LedgerError("injected: the ledger is unavailable".into()))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl DeliveryLedger for FlakyLedger {
    async fn claim(&self, key: &str, now: DateTime<Utc>) -> Result<Claim, LedgerError> {
        self.check("ledger.claim")?;
        self.inner.claim(key, now).await
    }
    async fn complete(
        &self,
        key: &str,
        state: LedgerState,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.check("ledger.settle")?;
        self.inner.complete(key, state, now).await
    }
    async fn settle_sent(
        &self,
        key: &str,
        record: &CommunicationRecord,
        now: DateTime<Utc>,
    ) -> Result<Filed, LedgerError> {
        self.check("ledger.settle_sent")?;
        self.inner.settle_sent(key, record, now).await
    }
    async fn record_outcome(
        &self,
        key: &str,
        outcome: rappel_ports::ledger::ProviderOutcome,
        record: &CommunicationRecord,
    ) -> Result<Filed, LedgerError> {
        self.check("ledger.record_outcome")?;
        self.inner.record_outcome(key, outcome, record).await
    }
    async fn release(&self, key: &str) -> Result<(), LedgerError> {
        self.check("ledger.release")?;
        self.inner.release(key).await
    }
    async fn entry(&self, key: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        self.inner.entry(key).await
    }
    async fn forget_copy(&self, key: &str) -> Result<(), LedgerError> {
        self.inner.forget_copy(key).await
    }
    async fn restamp_copy(
        &self,
        key: &str,
        recorded_at: DateTime<Utc>,
        kept_until: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.inner.restamp_copy(key, recorded_at, kept_until).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_of_attempts_fails_few_calls_fail_and_the_same_seed_fails_the_same() {
        let run = |seed| {
            let chaos = Chaos::new(0.1, seed);
            let calls: Vec<bool> = (0..20_000).map(|_| chaos.strikes("records.put")).collect();
            (calls, chaos.counts()["records.put"])
        };
        let (calls, (attempts, failed)) = run(7);
        assert!(!calls.is_empty());
        let share = failed as f64 / attempts as f64;
        assert!(
            (0.09..0.13).contains(&share),
            "{failed} of {attempts} attempts"
        );
        let surfaced = calls.iter().filter(|f| **f).count();
        assert!(surfaced > 0, "outages outlast the retries now and then");
        assert!(surfaced < 100, "{surfaced} of 20,000 calls failed");
        assert_eq!(calls, run(7).0);
        assert_ne!(calls, run(8).0);
    }

    #[test]
    fn a_calm_source_fails_nothing_and_keeps_its_counts() {
        let chaos = Chaos::new(1.0, 1);
        assert!(chaos.strikes("mail.send"));
        chaos.calm();
        assert!(!chaos.strikes("mail.send"));
        assert_eq!(chaos.counts()["mail.send"], (5, 4));
    }
}
