//! The embedded address marks: a map, optionally persisted.

use super::{AddressMarks, MarksError};
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use rappel_core::feedback::AddressMark;
use rappel_core::message::Recipient;
use rappel_core::model::TenantId;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct MemoryAddressMarks {
    marks: Mutex<Durable<BTreeMap<String, AddressMark>>>,
}

fn key(tenant: &TenantId, recipient: &Recipient) -> String {
    format!("{tenant}/{recipient}")
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
        recipient: &Recipient,
        mark: AddressMark,
    ) -> Result<(), MarksError> {
        let change = MapChange::Put(key(tenant, recipient), mark);
        lock(&self.marks).change_or_log(change, "address marks");
        Ok(())
    }

    async fn mark_of(
        &self,
        tenant: &TenantId,
        recipient: &Recipient,
    ) -> Result<Option<AddressMark>, MarksError> {
        Ok(lock(&self.marks).get(&key(tenant, recipient)).cloned())
    }
}
