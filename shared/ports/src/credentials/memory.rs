//! The embedded credentials: one map (optionally persisted, the local stack's journal) holding
//! keys under `<integrator>/K/<key id>` and grants under `<integrator>/B/<business>`.

use super::{CredentialAdmin, CredentialCheck, CredentialsError, KeyAndGrant, StoredKey};
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::access::{ApiKeyId, IntegratorId};
use rappel_core::model::TenantId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Entry {
    Key(StoredKey),
    Grant { at: DateTime<Utc> },
}

pub struct MemoryCredentials {
    entries: Mutex<Durable<BTreeMap<String, Entry>>>,
}

fn key_slot(integrator: &IntegratorId, key: &ApiKeyId) -> String {
    format!("{integrator}/K/{key}")
}

fn grant_slot(integrator: &IntegratorId, business: &TenantId) -> String {
    format!("{integrator}/B/{business}")
}

fn unavailable(error: std::io::Error) -> CredentialsError {
    CredentialsError(error.to_string())
}

impl MemoryCredentials {
    pub fn in_memory() -> Self {
        Self {
            entries: Mutex::new(Durable::in_memory(BTreeMap::new())),
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self {
            entries: Mutex::new(Durable::open(path)?),
        })
    }
}

#[async_trait]
impl CredentialCheck for MemoryCredentials {
    async fn key_and_grant(
        &self,
        integrator: &IntegratorId,
        key: &ApiKeyId,
        business: &TenantId,
    ) -> Result<KeyAndGrant, CredentialsError> {
        let entries = lock(&self.entries);
        let key = match entries.get(&key_slot(integrator, key)) {
            Some(Entry::Key(stored)) => Some(stored.clone()),
            _ => None,
        };
        let granted = matches!(
            entries.get(&grant_slot(integrator, business)),
            Some(Entry::Grant { .. })
        );
        Ok(KeyAndGrant { key, granted })
    }
}

#[async_trait]
impl CredentialAdmin for MemoryCredentials {
    async fn put_key(
        &self,
        integrator: &IntegratorId,
        key: &StoredKey,
    ) -> Result<(), CredentialsError> {
        let slot = key_slot(integrator, &key.id);
        let mut entries = lock(&self.entries);
        if entries.contains_key(&slot) {
            return Err(CredentialsError("a key with this id exists".into()));
        }
        entries
            .change(MapChange::Put(slot, Entry::Key(key.clone())))
            .map_err(unavailable)
    }

    async fn revoke_key(
        &self,
        integrator: &IntegratorId,
        key: &ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<bool, CredentialsError> {
        let slot = key_slot(integrator, key);
        let mut entries = lock(&self.entries);
        let Some(Entry::Key(stored)) = entries.get(&slot).cloned() else {
            return Ok(false);
        };
        let revoked = StoredKey {
            revoked_at: stored.revoked_at.or(Some(at)),
            ..stored
        };
        entries
            .change(MapChange::Put(slot, Entry::Key(revoked)))
            .map_err(unavailable)?;
        Ok(true)
    }

    async fn keys(&self, integrator: &IntegratorId) -> Result<Vec<StoredKey>, CredentialsError> {
        let prefix = format!("{integrator}/K/");
        let entries = lock(&self.entries);
        let mut keys: Vec<StoredKey> = entries
            .range(prefix.clone()..)
            .take_while(|(slot, _)| slot.starts_with(&prefix))
            .filter_map(|(_, entry)| match entry {
                Entry::Key(key) => Some(key.clone()),
                Entry::Grant { .. } => None,
            })
            .collect();
        keys.sort_by_key(|key| key.created_at);
        Ok(keys)
    }

    async fn grant(
        &self,
        integrator: &IntegratorId,
        business: &TenantId,
        at: DateTime<Utc>,
    ) -> Result<(), CredentialsError> {
        let slot = grant_slot(integrator, business);
        let mut entries = lock(&self.entries);
        if entries.contains_key(&slot) {
            return Ok(());
        }
        entries
            .change(MapChange::Put(slot, Entry::Grant { at }))
            .map_err(unavailable)
    }

    async fn withdraw(
        &self,
        integrator: &IntegratorId,
        business: &TenantId,
    ) -> Result<bool, CredentialsError> {
        let slot = grant_slot(integrator, business);
        let mut entries = lock(&self.entries);
        if !entries.contains_key(&slot) {
            return Ok(false);
        }
        entries
            .change(MapChange::Remove(slot))
            .map_err(unavailable)?;
        Ok(true)
    }

    async fn grants(
        &self,
        integrator: &IntegratorId,
        after: Option<&TenantId>,
        limit: usize,
    ) -> Result<Vec<TenantId>, CredentialsError> {
        let prefix = format!("{integrator}/B/");
        let start = match after {
            Some(after) => Bound::Excluded(grant_slot(integrator, after)),
            None => Bound::Included(prefix.clone()),
        };
        let entries = lock(&self.entries);
        Ok(entries
            .range((start, Bound::Unbounded))
            .take_while(|(slot, _)| slot.starts_with(&prefix))
            .filter_map(|(slot, _)| TenantId::parse(&slot[prefix.len()..]).ok())
            .take(limit)
            .collect())
    }
}
