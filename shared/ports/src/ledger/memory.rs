//! The embedded ledger: a map guarded by a mutex (the claim is atomic, like DynamoDB's
//! conditional put).

use super::{
    CLAIM_LEASE, Claim, DeliveryLedger, Filed, LedgerEntry, LedgerError, LedgerState,
    ProviderOutcome,
};
use crate::history::CommunicationRecord;
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct MemoryLedger {
    entries: Mutex<Durable<BTreeMap<String, LedgerEntry>>>,
}

impl MemoryLedger {
    pub fn in_memory() -> Self {
        Self {
            entries: Mutex::new(Durable::in_memory(BTreeMap::new())),
        }
    }

    /// The ledger of a data dir that one process owns: a claim found on load was held by an
    /// earlier run of it, which is certainly gone, so it is released rather than left to block
    /// the retry of its delivery until the lease runs out.
    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        let mut entries = Durable::<BTreeMap<String, LedgerEntry>>::open(path)?;
        let claims: Vec<String> = entries
            .iter()
            .filter(|(_, e)| !e.is_settled())
            .map(|(key, _)| key.clone())
            .collect();
        for key in claims {
            entries.change(MapChange::Remove(key))?;
        }
        Ok(Self {
            entries: Mutex::new(entries),
        })
    }

    fn settle(&self, key: &str, entry: LedgerEntry) {
        lock(&self.entries).change_or_log(MapChange::Put(key.to_owned(), entry), "ledger");
    }

    /// Deletes every entry whose time ran out by `now` ([`LedgerEntry::expires_at`]: with its
    /// copy of a history entry, or after [`super::KEEP_FOR`]), as DynamoDB's TTL does; how many.
    pub fn expire_due(&self, now: DateTime<Utc>) -> usize {
        let mut entries = lock(&self.entries);
        let due: Vec<String> = entries
            .iter()
            .filter(|(_, e)| e.is_settled() && e.expires_at() <= now)
            .map(|(key, _)| key.clone())
            .collect();
        for key in &due {
            entries.change_or_log(MapChange::Remove(key.clone()), "ledger");
        }
        due.len()
    }
}

#[async_trait]
impl DeliveryLedger for MemoryLedger {
    async fn claim(&self, key: &str, now: DateTime<Utc>) -> Result<Claim, LedgerError> {
        let mut entries = lock(&self.entries);
        if let Some(existing) = entries.get(key) {
            let lease_over = existing.state == LedgerState::Claimed
                && existing.lease_until.is_some_and(|until| until <= now);
            if !lease_over {
                return Ok(Claim::Taken(existing.clone()));
            }
        }
        let claim = LedgerEntry {
            state: LedgerState::Claimed,
            at: now,
            lease_until: Some(now + CLAIM_LEASE),
            record: None,
            outcome: None,
        };
        entries.change_or_log(MapChange::Put(key.to_owned(), claim), "ledger");
        Ok(Claim::Claimed)
    }

    async fn complete(
        &self,
        key: &str,
        state: LedgerState,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.settle(key, LedgerEntry::settled(state, now, None));
        Ok(())
    }

    async fn settle_sent(
        &self,
        key: &str,
        record: &CommunicationRecord,
        now: DateTime<Utc>,
    ) -> Result<Filed, LedgerError> {
        let already_sent = lock(&self.entries)
            .get(key)
            .is_some_and(|e| e.state == LedgerState::Sent);
        if already_sent {
            return Ok(Filed::AlreadySent);
        }
        self.settle(
            key,
            LedgerEntry::settled(LedgerState::Sent, now, Some(record)),
        );
        crate::crash_point::crash_point("ledger.settled");
        // The embedded history is another store: the delivery path files the entry.
        Ok(Filed::LedgerOnly)
    }

    async fn record_outcome(
        &self,
        key: &str,
        outcome: ProviderOutcome,
        _record: &CommunicationRecord,
    ) -> Result<Filed, LedgerError> {
        let mut entries = lock(&self.entries);
        let Some(mut entry) = entries.get(key).cloned() else {
            return Ok(Filed::LedgerOnly);
        };
        if entry.take_outcome(outcome) {
            entries.change_or_log(MapChange::Put(key.to_owned(), entry), "ledger");
        }
        Ok(Filed::LedgerOnly)
    }

    async fn release(&self, key: &str) -> Result<(), LedgerError> {
        let mut entries = lock(&self.entries);
        if entries
            .get(key)
            .is_some_and(|e| e.state == LedgerState::Claimed)
        {
            entries.change_or_log(MapChange::Remove(key.to_owned()), "ledger");
        }
        Ok(())
    }

    async fn entry(&self, key: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        Ok(lock(&self.entries).get(key).cloned())
    }

    async fn forget_copy(&self, key: &str) -> Result<(), LedgerError> {
        let mut entries = lock(&self.entries);
        let Some(mut entry) = entries.get(key).cloned() else {
            return Ok(());
        };
        if entry.record.take().is_none() {
            return Ok(());
        }
        entries
            .change(MapChange::Put(key.to_owned(), entry))
            .map_err(|e| LedgerError(e.to_string()))
    }

    async fn restamp_copy(
        &self,
        key: &str,
        _recorded_at: DateTime<Utc>,
        kept_until: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        let mut entries = lock(&self.entries);
        let Some(mut entry) = entries.get(key).cloned() else {
            return Ok(());
        };
        let Some(copy) = entry.record.as_mut() else {
            return Ok(());
        };
        copy.kept_until = Some(kept_until);
        entries.change_or_log(MapChange::Put(key.to_owned(), entry), "ledger");
        Ok(())
    }
}

crate::compact_by!(MemoryLedger, entries);

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[tokio::test]
    async fn a_claim_left_by_a_stopped_run_is_released_when_the_ledger_is_reopened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.json");
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let ledger = MemoryLedger::persisted(&path).unwrap();
        assert_eq!(ledger.claim("in-flight", t0).await.unwrap(), Claim::Claimed);
        assert_eq!(ledger.claim("sent", t0).await.unwrap(), Claim::Claimed);
        ledger
            .complete("sent", LedgerState::Sent, t0)
            .await
            .unwrap();

        let reopened = MemoryLedger::persisted(&path).unwrap();
        assert_eq!(
            reopened.claim("in-flight", t0).await.unwrap(),
            Claim::Claimed
        );
        assert!(matches!(
            reopened.claim("sent", t0).await.unwrap(),
            Claim::Taken(_)
        ));
    }

    #[tokio::test]
    async fn a_settle_delivered_twice_finds_the_message_sent_and_writes_nothing() {
        use crate::history::{CommunicationRecord, CommunicationStatus};
        use rappel_core::message::{Channel, MessageKind, Recipient, Subject};
        use rappel_core::model::{ClientId, TenantId};
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let client = ClientId::parse("c").unwrap();
        let record = CommunicationRecord {
            tenant: TenantId::parse("t").unwrap(),
            about: Subject::Client(client.clone()),
            client: Some(client.clone()),
            message_key: "k".into(),
            kind: MessageKind::Reengagement,
            recipient: Recipient::Client(client),
            channel: Channel::Email,
            due: t0,
            recorded_at: t0,
            status: CommunicationStatus::Sent,
            reason: None,
            subject: None,
            provider_message_id: Some("m".into()),
            sms: None,
            kept_until: None,
        };
        let ledger = MemoryLedger::in_memory();
        assert_eq!(ledger.claim("k", t0).await.unwrap(), Claim::Claimed);
        let first = ledger.settle_sent("k", &record, t0).await.unwrap();
        assert_eq!(first, Filed::LedgerOnly);
        let again = ledger.settle_sent("k", &record, t0).await.unwrap();
        assert_eq!(again, Filed::AlreadySent);
    }

    #[tokio::test]
    async fn a_key_is_claimed_once_until_released_or_its_lease_runs_out() {
        let ledger = MemoryLedger::in_memory();
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(ledger.claim("k", t0).await.unwrap(), Claim::Claimed);
        assert!(matches!(
            ledger.claim("k", t0).await.unwrap(),
            Claim::Taken(_)
        ));
        ledger.release("k").await.unwrap();
        assert_eq!(ledger.claim("k", t0).await.unwrap(), Claim::Claimed);
        assert_eq!(
            ledger.claim("k", t0 + CLAIM_LEASE).await.unwrap(),
            Claim::Claimed,
            "a crashed delivery can be retried"
        );
        ledger.complete("k", LedgerState::Sent, t0).await.unwrap();
        assert!(
            matches!(
                ledger.claim("k", t0 + CLAIM_LEASE * 10).await.unwrap(),
                Claim::Taken(_)
            ),
            "a sent message is never sent again"
        );
    }
}
