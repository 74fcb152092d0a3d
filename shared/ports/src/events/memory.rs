//! The embedded event log: every business's events by position, optionally persisted.

use super::{EventError, EventLog, EventPage};
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::events::DeliveryEvent;
use rappel_core::model::TenantId;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct MemoryEventLog {
    events: Mutex<Durable<BTreeMap<String, DeliveryEvent>>>,
}

/// Sorts a business's events together, by position.
fn entry_key(tenant: &TenantId, position: &str) -> String {
    format!("{tenant}\u{1}{position}")
}

impl MemoryEventLog {
    pub fn in_memory() -> Self {
        Self {
            events: Mutex::new(Durable::in_memory(BTreeMap::new())),
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self {
            events: Mutex::new(Durable::open(path)?),
        })
    }

    /// Every event of every business, oldest first (the local stack's `/_local/events`).
    pub fn all(&self) -> Vec<DeliveryEvent> {
        let mut all: Vec<DeliveryEvent> = lock(&self.events).values().cloned().collect();
        all.sort_by_key(DeliveryEvent::position);
        all
    }
}

#[async_trait]
impl EventLog for MemoryEventLog {
    async fn append(&self, events: &[DeliveryEvent]) -> Result<(), EventError> {
        let mut log = lock(&self.events);
        for event in events {
            let key = entry_key(&event.business, &event.position());
            if !log.contains_key(&key) {
                log.change_or_log(MapChange::Put(key, event.clone()), "events");
            }
        }
        Ok(())
    }

    async fn page(
        &self,
        tenant: &TenantId,
        after: Option<&str>,
        limit: usize,
        until: DateTime<Utc>,
    ) -> Result<EventPage, EventError> {
        let log = lock(&self.events);
        let start = entry_key(tenant, after.unwrap_or(""));
        let end = entry_key(tenant, "\u{7f}");
        let mut events: Vec<DeliveryEvent> = log
            .range(start..end)
            .map(|(_, event)| event)
            .filter(|event| Some(event.position().as_str()) != after)
            .take_while(|event| event.occurred_at <= until)
            .take(limit + 1)
            .cloned()
            .collect();
        let more = events.len() > limit;
        events.truncate(limit);
        let next = match events.last() {
            Some(last) if more => Some(last.position()),
            _ => None,
        };
        Ok(EventPage { events, next })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rappel_core::events::EventType;
    use rappel_core::message::Subject;
    use rappel_core::model::ClientId;

    fn event(tenant: &str, minute: u32) -> DeliveryEvent {
        let client = ClientId::parse("cl_1").unwrap();
        DeliveryEvent::new(
            EventType::ClientUnsubscribed,
            Utc.with_ymd_and_hms(2026, 3, 20, 9, minute, 0).unwrap(),
            TenantId::parse(tenant).unwrap(),
            Subject::Client(client.clone()),
            Some(client),
            None,
            None,
        )
    }

    #[tokio::test]
    async fn a_business_reads_its_own_events_in_order_a_page_at_a_time() {
        let log = MemoryEventLog::in_memory();
        let mine: Vec<_> = (0..5).map(|m| event("a", m)).collect();
        log.append(&[mine[3].clone(), event("b", 1), mine[0].clone()])
            .await
            .unwrap();
        log.append(&[
            mine[1].clone(),
            mine[2].clone(),
            mine[4].clone(),
            mine[0].clone(),
        ])
        .await
        .unwrap();
        let a = TenantId::parse("a").unwrap();
        let until = Utc.with_ymd_and_hms(2026, 3, 20, 10, 0, 0).unwrap();
        let first = log.page(&a, None, 2, until).await.unwrap();
        assert_eq!(first.events, mine[..2].to_vec());
        let second = log
            .page(&a, first.next.as_deref(), 10, until)
            .await
            .unwrap();
        assert_eq!(second.events, mine[2..].to_vec());
        assert_eq!(second.next, None);
        let settled = Utc.with_ymd_and_hms(2026, 3, 20, 9, 2, 0).unwrap();
        assert_eq!(
            log.page(&a, None, 10, settled).await.unwrap().events.len(),
            3
        );
    }
}
