//! A business's usage per calendar month: messages sent by kind and channel, SMS parts, and
//! what the SMS cost — what `GET /v1/usage` shows and what its SMS budget is checked against.
//! Counted once per message sent: on AWS in the very transaction that settles it (the ledger's
//! `settle_sent`), in the embedded stores by the delivery path after the ledger. The same
//! count goes to the message's UTC hour, which a business's send cap is checked against.

mod memory;

use crate::history::{CommunicationRecord, CommunicationStatus};
use async_trait::async_trait;
use rappel_core::budget::{Cost, UsageHour, UsageMonth};
use rappel_core::message::{Channel, MessageKind};
use rappel_core::model::TenantId;
use serde::{Deserialize, Serialize};

pub use memory::MemoryUsage;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the usage counters are unavailable: {0}")]
pub struct UsageError(pub String);

/// Messages of one kind on one channel, and their SMS parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageLine {
    pub kind: MessageKind,
    pub channel: Channel,
    pub messages: u64,
    pub parts: u64,
}

/// One month of a business.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthUsage {
    /// One line per kind and channel sent, in the order first sent.
    pub lines: Vec<UsageLine>,
    /// What the month's SMS cost.
    pub sms_cost: Cost,
    /// SMS not sent because they would have passed the business's budget.
    #[serde(default)]
    pub sms_refused: u64,
}

impl MonthUsage {
    /// What one record adds, if it counts (see [`counts`]).
    pub fn count(&mut self, record: &CommunicationRecord) {
        if !counts(record) {
            return;
        }
        let parts = record.sms.as_ref().map_or(0, |sms| u64::from(sms.parts));
        let cost = record.sms.as_ref().map_or(Cost::ZERO, |sms| sms.cost);
        self.add(record.kind, record.channel, 1, parts, cost);
    }

    /// Adds `messages` of `kind` on `channel`, their `parts` and `cost`.
    pub fn add(
        &mut self,
        kind: MessageKind,
        channel: Channel,
        messages: u64,
        parts: u64,
        cost: Cost,
    ) {
        match self
            .lines
            .iter_mut()
            .find(|l| l.kind == kind && l.channel == channel)
        {
            Some(line) => {
                line.messages += messages;
                line.parts += parts;
            }
            None => self.lines.push(UsageLine {
                kind,
                channel,
                messages,
                parts,
            }),
        }
        self.sms_cost = self.sms_cost.plus(cost);
    }

    pub fn sms_parts(&self) -> u64 {
        self.lines
            .iter()
            .filter(|l| l.channel == Channel::Sms)
            .map(|l| l.parts)
            .sum()
    }
}

/// One UTC hour of a business: what its send cap is checked against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourUsage {
    /// Messages sent in the hour, every kind and channel together.
    pub sent: u64,
    /// Messages held back in the hour by the send cap (each given a later slot).
    pub held: u64,
}

/// Whether a record is traffic the month counts: a subject's message the provider accepted
/// (a template's test is not counted).
pub fn counts(record: &CommunicationRecord) -> bool {
    record.status == CommunicationStatus::Sent
}

/// The month a record counts in: when it was recorded, in UTC.
pub fn month_of(record: &CommunicationRecord) -> UsageMonth {
    UsageMonth::of(record.recorded_at)
}

/// The hour a record counts in: when it was recorded, in UTC.
pub fn hour_of(record: &CommunicationRecord) -> UsageHour {
    UsageHour::of(record.recorded_at)
}

#[async_trait]
pub trait UsageMeter: Send + Sync {
    /// Counts a message sent (nothing for a record that does not count).
    async fn count(&self, record: &CommunicationRecord) -> Result<(), UsageError>;

    /// Counts an SMS refused because it would have passed the budget.
    async fn count_refused(&self, tenant: &TenantId, month: &UsageMonth) -> Result<(), UsageError>;

    /// A month of a business (empty if nothing was sent).
    async fn month(&self, tenant: &TenantId, month: &UsageMonth) -> Result<MonthUsage, UsageError>;

    /// An hour of a business (zero if nothing was sent or held).
    async fn hour(&self, tenant: &TenantId, hour: &UsageHour) -> Result<HourUsage, UsageError>;

    /// Counts a message held back by the send cap in `hour`, and answers its ticket: how many
    /// the hour has held with this one (1 for the first). Concurrent holds get distinct tickets.
    async fn hold(&self, tenant: &TenantId, hour: &UsageHour) -> Result<u64, UsageError>;
}
