//! Address marks read at most once per address in one invocation (a batch of messages):
//! three e-mails to one client check one mark. Safe for the same reason as
//! [`RecordsCache`](crate::records::RecordsCache): a mark written during the invocation (a bounce
//! reported meanwhile) is the same race as one reported just after the send.

use super::{AddressMarks, MarksError};
use async_trait::async_trait;
use rappel_core::feedback::AddressMark;
use rappel_core::model::TenantId;
use rappel_core::privacy::AddressDigest;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

pub struct MarksCache {
    inner: Arc<dyn AddressMarks>,
    remembered: Mutex<HashMap<(TenantId, AddressDigest), Option<AddressMark>>>,
}

impl MarksCache {
    pub fn new(inner: Arc<dyn AddressMarks>) -> Self {
        Self {
            inner,
            remembered: Mutex::new(HashMap::new()),
        }
    }

    fn remembered(
        &self,
    ) -> MutexGuard<'_, HashMap<(TenantId, AddressDigest), Option<AddressMark>>> {
        self.remembered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl AddressMarks for MarksCache {
    async fn mark(
        &self,
        tenant: &TenantId,
        address: &AddressDigest,
        mark: AddressMark,
    ) -> Result<(), MarksError> {
        let result = self.inner.mark(tenant, address, mark.clone()).await;
        let key = (tenant.clone(), address.clone());
        match &result {
            Ok(()) => self.remembered().insert(key, Some(mark)),
            Err(_) => self.remembered().remove(&key),
        };
        result
    }

    async fn mark_of(
        &self,
        tenant: &TenantId,
        address: &AddressDigest,
    ) -> Result<Option<AddressMark>, MarksError> {
        let key = (tenant.clone(), address.clone());
        if let Some(found) = self.remembered().get(&key) {
            return Ok(found.clone());
        }
        let found = self.inner.mark_of(tenant, address).await?;
        self.remembered().insert(key, found.clone());
        Ok(found)
    }

    async fn marks_of(
        &self,
        recipients: &[(TenantId, AddressDigest)],
    ) -> Result<Vec<Option<AddressMark>>, MarksError> {
        let mut missing: Vec<(TenantId, AddressDigest)> = {
            let remembered = self.remembered();
            recipients
                .iter()
                .filter(|r| !remembered.contains_key(r))
                .cloned()
                .collect()
        };
        missing.dedup();
        if !missing.is_empty() {
            let found = self.inner.marks_of(&missing).await?;
            let mut remembered = self.remembered();
            for (key, mark) in missing.into_iter().zip(found) {
                remembered.insert(key, mark);
            }
        }
        let remembered = self.remembered();
        Ok(recipients
            .iter()
            .map(|r| remembered.get(r).cloned().flatten())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address_marks::MemoryAddressMarks;
    use rappel_core::model::EmailAddress;
    use rappel_core::privacy::Pseudonyms;

    #[tokio::test]
    async fn a_batch_checks_each_address_once() {
        let store = Arc::new(MemoryAddressMarks::in_memory());
        let marks = MarksCache::new(store.clone());
        let tenant = TenantId::parse("salon-lea").unwrap();
        let pseudonyms = Pseudonyms::new([7u8; 32]).unwrap();
        let lea = pseudonyms.email(&EmailAddress::parse("lea@example.fr").unwrap());
        let sam = pseudonyms.email(&EmailAddress::parse("sam@example.fr").unwrap());
        let both = [(tenant.clone(), lea.clone()), (tenant.clone(), sam.clone())];
        assert_eq!(marks.marks_of(&both).await, Ok(vec![None, None]));
        // Marked behind its back: the batch keeps what it read.
        let bounced = AddressMark {
            reason: rappel_core::feedback::MarkReason::Bounced,
            at: chrono::Utc::now(),
        };
        store.mark(&tenant, &lea, bounced).await.unwrap();
        assert_eq!(marks.mark_of(&tenant, &lea).await, Ok(None));
        assert_eq!(marks.mark_of(&tenant, &sam).await, Ok(None));
    }
}
