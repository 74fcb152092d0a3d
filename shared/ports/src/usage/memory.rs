//! The embedded usage counters: one entry per business and month, optionally persisted.

use super::{MonthUsage, UsageError, UsageMeter, counts, month_of};
use crate::history::CommunicationRecord;
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use rappel_core::budget::UsageMonth;
use rappel_core::model::TenantId;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct MemoryUsage {
    months: Mutex<Durable<BTreeMap<String, MonthUsage>>>,
}

fn key(tenant: &TenantId, month: &UsageMonth) -> String {
    format!("{tenant}/{month}")
}

impl MemoryUsage {
    pub fn in_memory() -> Self {
        Self {
            months: Mutex::new(Durable::in_memory(BTreeMap::new())),
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self {
            months: Mutex::new(Durable::open(path)?),
        })
    }
}

#[async_trait]
impl UsageMeter for MemoryUsage {
    async fn count(&self, record: &CommunicationRecord) -> Result<(), UsageError> {
        if !counts(record) {
            return Ok(());
        }
        let key = key(&record.tenant, &month_of(record));
        let mut months = lock(&self.months);
        let mut usage = months.get(&key).cloned().unwrap_or_default();
        usage.count(record);
        months.change_or_log(MapChange::Put(key, usage), "usage");
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
}
