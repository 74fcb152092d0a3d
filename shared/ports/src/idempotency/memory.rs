//! The embedded idempotency keys: a map, optionally persisted (the local stack's journal), its
//! stale entries dropped as they are met.

use super::{IdempotencyError, IdempotencyKeys, KeptAnswer, KeyClaim, KeyEntry};
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::TenantId;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct MemoryIdempotency {
    keys: Mutex<Durable<BTreeMap<String, KeyEntry>>>,
}

/// Every this many claims, the keys forgotten for good (a day old) are dropped, so a long-lived
/// data directory keeps about a day of keys rather than every key ever used.
const SWEEP_EVERY: usize = 1_000;

/// The tenant and the key, apart: a tenant id holds no `/`.
fn slot(tenant: &TenantId, key: &str) -> String {
    format!("{tenant}/{key}")
}

impl MemoryIdempotency {
    pub fn in_memory() -> Self {
        Self {
            keys: Mutex::new(Durable::in_memory(BTreeMap::new())),
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self {
            keys: Mutex::new(Durable::open(path)?),
        })
    }
}

fn unavailable(error: std::io::Error) -> IdempotencyError {
    IdempotencyError(error.to_string())
}

#[async_trait]
impl IdempotencyKeys for MemoryIdempotency {
    async fn claim(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> Result<KeyClaim, IdempotencyError> {
        let slot = slot(tenant, key);
        let mut keys = lock(&self.keys);
        if let Some(entry) = keys.get(&slot).filter(|e| e.holds(now)) {
            let verdict = entry.verdict(fingerprint, now);
            if verdict != KeyClaim::Fresh {
                return Ok(verdict);
            }
        }
        let claim = KeyEntry::claim(fingerprint, now);
        keys.change(MapChange::Put(slot, claim))
            .map_err(unavailable)?;
        if keys.len().is_multiple_of(SWEEP_EVERY) {
            let stale: Vec<String> = keys
                .iter()
                .filter(|(_, e)| !e.holds(now))
                .map(|(k, _)| k.clone())
                .collect();
            for slot in stale {
                keys.change_or_log(MapChange::Remove(slot), "idempotency keys");
            }
        }
        Ok(KeyClaim::Fresh)
    }

    async fn keep(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
        answer: KeptAnswer,
        now: DateTime<Utc>,
    ) -> Result<(), IdempotencyError> {
        let slot = slot(tenant, key);
        let mut keys = lock(&self.keys);
        if keys.get(&slot).is_none_or(|e| e.fingerprint != fingerprint) {
            return Err(IdempotencyError(
                "the key's claim was taken over meanwhile".into(),
            ));
        }
        let kept = KeyEntry::answered(fingerprint, answer, now);
        keys.change(MapChange::Put(slot, kept)).map_err(unavailable)
    }

    async fn release(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
    ) -> Result<(), IdempotencyError> {
        let slot = slot(tenant, key);
        let mut keys = lock(&self.keys);
        let ours = keys
            .get(&slot)
            .is_some_and(|e| e.fingerprint == fingerprint && e.answer.is_none());
        if ours {
            keys.change(MapChange::Remove(slot)).map_err(unavailable)?;
        }
        Ok(())
    }
}

crate::compact_by!(MemoryIdempotency, keys);

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()
    }

    fn answer() -> KeptAnswer {
        KeptAnswer {
            status: 201,
            body: r#"{"id":"cl_1"}"#.into(),
        }
    }

    #[tokio::test]
    async fn a_kept_answer_is_answered_again_for_a_day_then_forgotten() {
        let keys = MemoryIdempotency::in_memory();
        let salon = TenantId::parse("salon-lea").unwrap();
        assert_eq!(
            keys.claim(&salon, "k", "f", now()).await.unwrap(),
            KeyClaim::Fresh
        );
        keys.keep(&salon, "k", "f", answer(), now()).await.unwrap();

        let later = now() + Duration::hours(23);
        assert_eq!(
            keys.claim(&salon, "k", "f", later).await.unwrap(),
            KeyClaim::Answered(answer())
        );
        assert_eq!(
            keys.claim(&salon, "k", "other", later).await.unwrap(),
            KeyClaim::OtherRequest
        );
        let next_day = now() + Duration::hours(25);
        assert_eq!(
            keys.claim(&salon, "k", "other", next_day).await.unwrap(),
            KeyClaim::Fresh
        );
    }

    #[tokio::test]
    async fn a_claim_without_an_answer_is_taken_over_by_its_own_request_after_its_lease() {
        let keys = MemoryIdempotency::in_memory();
        let salon = TenantId::parse("salon-lea").unwrap();
        keys.claim(&salon, "k", "f", now()).await.unwrap();

        let soon = now() + Duration::seconds(5);
        assert_eq!(
            keys.claim(&salon, "k", "f", soon).await.unwrap(),
            KeyClaim::InProgress
        );
        let after_lease = now() + super::super::CLAIM_LEASE + Duration::seconds(1);
        assert_eq!(
            keys.claim(&salon, "k", "f", after_lease).await.unwrap(),
            KeyClaim::Fresh
        );
    }

    #[tokio::test]
    async fn keys_a_day_old_are_swept_away_as_new_ones_come() {
        let keys = MemoryIdempotency::in_memory();
        let salon = TenantId::parse("salon-lea").unwrap();
        for n in 0..SWEEP_EVERY - 1 {
            keys.claim(&salon, &format!("old-{n}"), "f", now())
                .await
                .unwrap();
        }
        let next_day = now() + Duration::hours(25);

        keys.claim(&salon, "new", "f", next_day).await.unwrap();

        assert_eq!(lock(&keys.keys).len(), 1, "only the new key is left");
    }

    #[tokio::test]
    async fn a_released_key_is_free_and_keys_are_per_business() {
        let keys = MemoryIdempotency::in_memory();
        let (lea, max) = (
            TenantId::parse("salon-lea").unwrap(),
            TenantId::parse("salon-max").unwrap(),
        );
        keys.claim(&lea, "k", "f", now()).await.unwrap();
        assert_eq!(
            keys.claim(&max, "k", "f", now()).await.unwrap(),
            KeyClaim::Fresh
        );

        keys.release(&lea, "k", "f").await.unwrap();
        assert_eq!(
            keys.claim(&lea, "k", "g", now()).await.unwrap(),
            KeyClaim::Fresh
        );
    }
}
