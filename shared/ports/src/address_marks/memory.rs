//! The embedded address marks: a map, optionally persisted.

use super::{AddressMarks, MarksError};
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use rappel_core::feedback::AddressMark;
use rappel_core::model::TenantId;
use rappel_core::privacy::AddressDigest;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct MemoryAddressMarks {
    marks: Mutex<Durable<BTreeMap<String, AddressMark>>>,
}

fn key(tenant: &TenantId, address: &AddressDigest) -> String {
    format!("{tenant}/{address}")
}

impl MemoryAddressMarks {
    pub fn in_memory() -> Self {
        Self {
            marks: Mutex::new(Durable::in_memory(BTreeMap::new())),
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self {
            marks: Mutex::new(Durable::open(path)?),
        })
    }
}

#[async_trait]
impl AddressMarks for MemoryAddressMarks {
    async fn mark(
        &self,
        tenant: &TenantId,
        address: &AddressDigest,
        mark: AddressMark,
    ) -> Result<(), MarksError> {
        let change = MapChange::Put(key(tenant, address), mark);
        lock(&self.marks).change_or_log(change, "address marks");
        Ok(())
    }

    async fn mark_of(
        &self,
        tenant: &TenantId,
        address: &AddressDigest,
    ) -> Result<Option<AddressMark>, MarksError> {
        Ok(lock(&self.marks).get(&key(tenant, address)).cloned())
    }
}

crate::compact_by!(MemoryAddressMarks, marks);
