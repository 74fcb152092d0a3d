//! The soak's [`Disturbance`] of the local stack: every store, provider and ledger call fails
//! at the [`Chaos`] rate (retried as the SDK would), every accepted write goes to the
//! [`WriteLog`], the change feed is reordered (each record's own changes keep their order) and
//! at times delivered twice, and a firing is at times delivered twice. A calm chaos (rate 0)
//! disturbs nothing but still logs.

use crate::chaos::{Chaos, FlakyLedger, FlakyProviders, FlakyRecords, FlakySchedules};
use crate::write_log::{LoggedWrites, WriteLog};
use rappel_local::Disturbance;
use rappel_ports::clock::Clock;
use rappel_ports::delivery::{Mailer, Outbox, SmsSender};
use rappel_ports::ledger::DeliveryLedger;
use rappel_ports::records::{ChangeRecord, RecordStore};
use rappel_ports::schedules::Schedules;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Soaked {
    pub chaos: Arc<Chaos>,
    pub log: Arc<WriteLog>,
}

impl Disturbance for Soaked {
    fn records(&self, inner: Arc<dyn RecordStore>, clock: Arc<dyn Clock>) -> Arc<dyn RecordStore> {
        let logged = Arc::new(LoggedWrites {
            inner,
            log: self.log.clone(),
            clock,
        });
        Arc::new(FlakyRecords {
            inner: logged,
            chaos: self.chaos.clone(),
        })
    }

    fn schedules(&self, inner: Arc<dyn Schedules>) -> Arc<dyn Schedules> {
        Arc::new(FlakySchedules {
            inner,
            chaos: self.chaos.clone(),
        })
    }

    fn providers(&self, outbox: Arc<Outbox>) -> (Arc<dyn Mailer>, Arc<dyn SmsSender>) {
        let providers = Arc::new(FlakyProviders {
            inner: outbox,
            chaos: self.chaos.clone(),
        });
        (providers.clone(), providers)
    }

    fn ledger(&self, inner: Arc<dyn DeliveryLedger>) -> Arc<dyn DeliveryLedger> {
        Arc::new(FlakyLedger {
            inner,
            chaos: self.chaos.clone(),
        })
    }

    /// The batch in another order — each change at a random place after the last change of
    /// the same record, as a stream's shard keeps one record's changes in order — and, one
    /// time in five, the same delivery again (a batch Lambda retried although it had been
    /// handled).
    fn deliveries(&self, batch: &[ChangeRecord]) -> Vec<Vec<ChangeRecord>> {
        if !self.chaos.is_on() {
            return vec![batch.to_vec()];
        }
        let mut shuffled: Vec<ChangeRecord> = Vec::with_capacity(batch.len());
        for change in batch {
            let key = change_key(change);
            let after = shuffled
                .iter()
                .rposition(|c| change_key(c) == key)
                .map_or(0, |i| i + 1);
            let at = after + self.chaos.pick(shuffled.len() - after + 1);
            shuffled.insert(at, change.clone());
        }
        if self.chaos.pick(5) == 0 {
            vec![shuffled.clone(), shuffled]
        } else {
            vec![shuffled]
        }
    }

    /// One firing in five, while the chaos is on.
    fn fires_twice(&self) -> bool {
        self.chaos.is_on() && self.chaos.pick(5) == 0
    }
}

/// The record a change is about (its key), to keep one record's changes in order.
fn change_key(change: &ChangeRecord) -> Option<String> {
    change
        .new
        .as_ref()
        .or(change.old.as_ref())
        .map(|r| r.key().to_string())
}
