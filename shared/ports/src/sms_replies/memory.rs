//! The embedded SMS replies store: the texts per (two-way number, number) and the stops per
//! (business, number), optionally persisted.

use super::{RepliesError, SmsReplies, TEXT_KEPT, TEXTS_READ};
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::{PhoneNumber, TenantId};
use rappel_core::privacy::AddressDigest;
use rappel_core::replies::{ReplyContext, TextedNumber};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

pub struct MemorySmsReplies {
    /// `<two-way>/<keyed hash of the number>` → the latest texts, oldest first.
    texts: Mutex<Durable<BTreeMap<String, Vec<TextedNumber>>>>,
    /// `<tenant>/<keyed hash of the number>` → since when.
    stops: Mutex<Durable<BTreeMap<String, DateTime<Utc>>>>,
}

fn texts_key(two_way: &PhoneNumber, number: &AddressDigest) -> String {
    format!("{}/{number}", two_way.as_str())
}

fn stop_key(tenant: &TenantId, number: &AddressDigest) -> String {
    format!("{tenant}/{number}")
}

impl MemorySmsReplies {
    pub fn in_memory() -> Self {
        Self {
            texts: Mutex::new(Durable::in_memory(BTreeMap::new())),
            stops: Mutex::new(Durable::in_memory(BTreeMap::new())),
        }
    }

    /// Kept in two files of `dir`.
    pub fn persisted(dir: &Path) -> std::io::Result<Self> {
        Ok(Self {
            texts: Mutex::new(Durable::open(dir.join("sms-texts.json"))?),
            stops: Mutex::new(Durable::open(dir.join("sms-stops.json"))?),
        })
    }
}

#[async_trait]
impl SmsReplies for MemorySmsReplies {
    async fn remember(&self, to: &AddressDigest, text: &TextedNumber) -> Result<(), RepliesError> {
        let key = texts_key(&text.from, to);
        let mut texts = lock(&self.texts);
        let mut kept: Vec<TextedNumber> = texts
            .get(&key)
            .into_iter()
            .flatten()
            .filter(|t| t.at + TEXT_KEPT > text.at)
            .cloned()
            .collect();
        kept.push(text.clone());
        let excess = kept.len().saturating_sub(TEXTS_READ);
        kept.drain(..excess);
        texts.change_or_log(MapChange::Put(key, kept), "SMS texts");
        Ok(())
    }

    async fn context_of(
        &self,
        two_way: &PhoneNumber,
        number: &AddressDigest,
    ) -> Result<ReplyContext, RepliesError> {
        let texts = lock(&self.texts);
        Ok(ReplyContext::of_texts(
            texts.get(&texts_key(two_way, number)).into_iter().flatten(),
        ))
    }

    async fn forget_texts(
        &self,
        two_way: &PhoneNumber,
        number: &AddressDigest,
        tenant: &TenantId,
    ) -> Result<u32, RepliesError> {
        let key = texts_key(two_way, number);
        let mut texts = lock(&self.texts);
        let kept: Vec<TextedNumber> = texts.get(&key).into_iter().flatten().cloned().collect();
        let (forgotten, kept): (Vec<_>, Vec<_>) =
            kept.into_iter().partition(|t| &t.tenant == tenant);
        if forgotten.is_empty() {
            return Ok(0);
        }
        let change = if kept.is_empty() {
            MapChange::Remove(key)
        } else {
            MapChange::Put(key, kept)
        };
        texts.change_or_log(change, "SMS texts");
        Ok(u32::try_from(forgotten.len()).unwrap_or(u32::MAX))
    }

    async fn set_stopped(
        &self,
        tenant: &TenantId,
        number: &AddressDigest,
        stopped: Option<DateTime<Utc>>,
    ) -> Result<(), RepliesError> {
        let key = stop_key(tenant, number);
        let change = match stopped {
            Some(at) => MapChange::Put(key, at),
            None => MapChange::Remove(key),
        };
        lock(&self.stops).change_or_log(change, "SMS stops");
        Ok(())
    }

    async fn stopped_since(
        &self,
        tenant: &TenantId,
        number: &AddressDigest,
    ) -> Result<Option<DateTime<Utc>>, RepliesError> {
        Ok(lock(&self.stops).get(&stop_key(tenant, number)).copied())
    }
}

crate::compact_by!(MemorySmsReplies, texts, stops);
