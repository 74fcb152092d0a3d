//! The embedded address marks: a map, optionally persisted.

use super::{AddressMarks, MarksError};
use crate::json_file::{JsonFile, persist};
use crate::lock;
use async_trait::async_trait;
use rappel_core::feedback::AddressMark;
use rappel_core::message::Recipient;
use rappel_core::model::TenantId;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct MemoryAddressMarks {
    marks: Mutex<BTreeMap<String, AddressMark>>,
    file: Option<JsonFile>,
}

fn key(tenant: &TenantId, recipient: &Recipient) -> String {
    format!("{tenant}/{recipient}")
}

impl MemoryAddressMarks {
    pub fn in_memory() -> Self {
        Self {
            marks: Mutex::new(BTreeMap::new()),
            file: None,
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        let file = JsonFile::new(path);
        let marks = file.load()?;
        Ok(Self {
            marks: Mutex::new(marks),
            file: Some(file),
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
        let mut marks = lock(&self.marks);
        marks.insert(key(tenant, recipient), mark);
        persist(self.file.as_ref(), &*marks, "address marks");
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
