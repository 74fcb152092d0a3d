//! What a test may put between the local stack and its stores and providers, and how it may
//! disturb the change feed and the scheduler — the soak's failing calls, write log, reordered
//! and doubled feed, doubled firings (`rappel-testkit`'s chaos). The stack composes none
//! unless its config carries one: no production path knows what disturbs it.

use rappel_ports::clock::Clock;
use rappel_ports::delivery::{Mailer, Outbox, SmsSender};
use rappel_ports::ledger::DeliveryLedger;
use rappel_ports::records::{ChangeRecord, RecordStore};
use rappel_ports::schedules::Schedules;
use std::sync::Arc;

pub trait Disturbance: Send + Sync + std::fmt::Debug {
    /// The record store the handlers see (`clock` dates what it may log).
    fn records(&self, inner: Arc<dyn RecordStore>, clock: Arc<dyn Clock>) -> Arc<dyn RecordStore>;
    fn schedules(&self, inner: Arc<dyn Schedules>) -> Arc<dyn Schedules>;
    /// The mail and SMS providers in front of the outbox.
    fn providers(&self, outbox: Arc<Outbox>) -> (Arc<dyn Mailer>, Arc<dyn SmsSender>);
    fn ledger(&self, inner: Arc<dyn DeliveryLedger>) -> Arc<dyn DeliveryLedger>;
    /// How a batch of changes reaches the change handler: each inner list is one delivery, in
    /// its order (a stream keeps each record's own changes in order; Lambda may deliver a
    /// batch again).
    fn deliveries(&self, batch: &[ChangeRecord]) -> Vec<Vec<ChangeRecord>>;
    /// Whether this firing is delivered twice (EventBridge Scheduler may).
    fn fires_twice(&self) -> bool;
}
