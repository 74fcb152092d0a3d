//! The embedded event log: every business's events in the order they were appended (one
//! process appends them all), optionally persisted. A position is the append's sequence
//! number, so an event appended later never sorts before one a reader has passed — even at
//! the same instant of a virtual clock.

use super::{EventError, EventLog, EventPage, Positioned};
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::events::DeliveryEvent;
use rappel_core::model::TenantId;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;

/// The width of a position: sequences sort as text.
const WIDTH: usize = 16;

struct Log {
    events: Durable<BTreeMap<String, DeliveryEvent>>,
    ids: HashSet<String>,
    next: u64,
}

pub struct MemoryEventLog {
    log: Mutex<Log>,
}

/// Sorts a business's events together, by position.
fn entry_key(tenant: &TenantId, position: &str) -> String {
    format!("{tenant}\u{1}{position}")
}

impl MemoryEventLog {
    pub fn in_memory() -> Self {
        Self::of(Durable::in_memory(BTreeMap::new()))
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self::of(Durable::open(path)?))
    }

    fn of(events: Durable<BTreeMap<String, DeliveryEvent>>) -> Self {
        let ids = events.values().map(|e| e.id.clone()).collect();
        let next = events
            .keys()
            .filter_map(|k| k.rsplit('\u{1}').next()?.parse::<u64>().ok())
            .max()
            .map_or(1, |n| n + 1);
        Self {
            log: Mutex::new(Log { events, ids, next }),
        }
    }

    /// Every event of every business, in the order appended (the local stack's
    /// `/_local/events`).
    pub fn all(&self) -> Vec<DeliveryEvent> {
        let log = lock(&self.log);
        let mut all: Vec<(&str, &DeliveryEvent)> = log
            .events
            .iter()
            .map(|(k, e)| (k.rsplit('\u{1}').next().unwrap_or_default(), e))
            .collect();
        all.sort_by_key(|(position, _)| *position);
        all.into_iter().map(|(_, e)| e.clone()).collect()
    }
}

#[async_trait]
impl EventLog for MemoryEventLog {
    async fn append(&self, events: &[DeliveryEvent]) -> Result<(), EventError> {
        let mut log = lock(&self.log);
        for event in events {
            if log.ids.contains(&event.id) {
                continue;
            }
            let position = format!("{:0WIDTH$}", log.next);
            log.next += 1;
            log.ids.insert(event.id.clone());
            let key = entry_key(&event.business, &position);
            log.events
                .change_or_log(MapChange::Put(key, event.clone()), "events");
        }
        Ok(())
    }

    /// The business's last position so far.
    async fn position_now(
        &self,
        tenant: &TenantId,
        _now: DateTime<Utc>,
    ) -> Result<Option<String>, EventError> {
        let log = lock(&self.log);
        let start = entry_key(tenant, "");
        let end = entry_key(tenant, "~");
        Ok(log
            .events
            .range(start..end)
            .next_back()
            .and_then(|(key, _)| key.rsplit('\u{1}').next().map(str::to_owned)))
    }

    async fn page(
        &self,
        tenant: &TenantId,
        after: Option<&str>,
        limit: usize,
        until: DateTime<Utc>,
    ) -> Result<EventPage, EventError> {
        let log = lock(&self.log);
        let start = entry_key(tenant, after.unwrap_or(""));
        let end = entry_key(tenant, "~");
        let mut events: Vec<Positioned> = log
            .events
            .range(start..end)
            .map(|(key, event)| Positioned {
                position: key.rsplit('\u{1}').next().unwrap_or_default().to_owned(),
                event: event.clone(),
            })
            .filter(|p| Some(p.position.as_str()) != after)
            .take_while(|p| p.event.occurred_at <= until)
            .take(limit + 1)
            .collect();
        let more = events.len() > limit;
        events.truncate(limit);
        let next = match events.last() {
            Some(last) if more => Some(last.position.clone()),
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

    fn event(tenant: &str, client: &str) -> DeliveryEvent {
        let client = ClientId::parse(client).unwrap();
        DeliveryEvent::new(
            EventType::ClientUnsubscribed,
            Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(),
            TenantId::parse(tenant).unwrap(),
            Some(Subject::Client(client.clone())),
            Some(client),
            None,
            None,
        )
    }

    #[tokio::test]
    async fn a_business_reads_its_own_events_in_the_order_appended_a_page_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.json");
        let log = MemoryEventLog::persisted(&path).unwrap();
        let mine: Vec<_> = (0..5).map(|n| event("a", &format!("c{n}"))).collect();
        log.append(&[mine[0].clone(), event("b", "x"), mine[1].clone()])
            .await
            .unwrap();
        let a = TenantId::parse("a").unwrap();
        let until = Utc.with_ymd_and_hms(2026, 3, 20, 10, 0, 0).unwrap();
        let first = log.page(&a, None, 2, until).await.unwrap();
        let ids = |page: &EventPage| -> Vec<String> {
            page.events.iter().map(|p| p.event.id.clone()).collect()
        };
        assert_eq!(ids(&first), [mine[0].id.clone(), mine[1].id.clone()]);
        // Appended later at the same instant: after the reader's position, never before.
        let reopened = MemoryEventLog::persisted(&path).unwrap();
        reopened
            .append(&[
                mine[2].clone(),
                mine[0].clone(),
                mine[3].clone(),
                mine[4].clone(),
            ])
            .await
            .unwrap();
        let after = first.events.last().map(|p| p.position.clone());
        let second = reopened
            .page(&a, after.as_deref(), 10, until)
            .await
            .unwrap();
        assert_eq!(
            ids(&second),
            mine[2..].iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
            "each once, in the order appended"
        );
        assert_eq!(second.next, None);
    }
}
