//! The embedded usage counters: one entry per business and month, and one per business and
//! hour (in a file of their own beside the months'), optionally persisted.

use super::{HourUsage, MonthUsage, UsageError, UsageMeter, counts, hour_of, month_of};
use crate::history::CommunicationRecord;
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use rappel_core::budget::{UsageHour, UsageMonth};
use rappel_core::model::TenantId;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct MemoryUsage {
    months: Mutex<Durable<BTreeMap<String, MonthUsage>>>,
    hours: Mutex<Durable<BTreeMap<String, HourUsage>>>,
}

fn key(tenant: &TenantId, period: &impl std::fmt::Display) -> String {
    format!("{tenant}/{period}")
}

impl MemoryUsage {
    pub fn in_memory() -> Self {
        Self {
            months: Mutex::new(Durable::in_memory(BTreeMap::new())),
            hours: Mutex::new(Durable::in_memory(BTreeMap::new())),
        }
    }

    /// Kept at `path` (the months) and beside it, `-hours` added to its stem (the hours).
    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        let path = path.into();
        let stem = path
            .file_stem()
            .map_or_else(|| "usage".into(), |s| s.to_string_lossy().into_owned());
        let hours = path.with_file_name(format!("{stem}-hours.json"));
        Ok(Self {
            months: Mutex::new(Durable::open(path)?),
            hours: Mutex::new(Durable::open(hours)?),
        })
    }

    fn change_hour(&self, key: String, change: impl FnOnce(&mut HourUsage)) -> HourUsage {
        let mut hours = lock(&self.hours);
        let mut usage = hours.get(&key).copied().unwrap_or_default();
        change(&mut usage);
        hours.change_or_log(MapChange::Put(key, usage), "usage");
        usage
    }
}

#[async_trait]
impl UsageMeter for MemoryUsage {
    async fn count(&self, record: &CommunicationRecord) -> Result<(), UsageError> {
        if !counts(record) {
            return Ok(());
        }
        let month_key = key(&record.tenant, &month_of(record));
        let mut months = lock(&self.months);
        let mut usage = months.get(&month_key).cloned().unwrap_or_default();
        usage.count(record);
        months.change_or_log(MapChange::Put(month_key, usage), "usage");
        drop(months);
        self.change_hour(key(&record.tenant, &hour_of(record)), |h| h.sent += 1);
        Ok(())
    }

    async fn count_refused(&self, tenant: &TenantId, month: &UsageMonth) -> Result<(), UsageError> {
        let key = key(tenant, month);
        let mut months = lock(&self.months);
        let mut usage = months.get(&key).cloned().unwrap_or_default();
        usage.sms_refused += 1;
        months.change_or_log(MapChange::Put(key, usage), "usage");
        Ok(())
    }

    async fn month(&self, tenant: &TenantId, month: &UsageMonth) -> Result<MonthUsage, UsageError> {
        Ok(lock(&self.months)
            .get(&key(tenant, month))
            .cloned()
            .unwrap_or_default())
    }

    async fn hour(&self, tenant: &TenantId, hour: &UsageHour) -> Result<HourUsage, UsageError> {
        Ok(lock(&self.hours)
            .get(&key(tenant, hour))
            .copied()
            .unwrap_or_default())
    }

    async fn hold(&self, tenant: &TenantId, hour: &UsageHour) -> Result<u64, UsageError> {
        Ok(self.change_hour(key(tenant, hour), |h| h.held += 1).held)
    }
}
