//! The event bus port on EventBridge: each delivery event as one bus event — source
//! `rappel`, detail type the event's type (`message.sent`, …), detail the event's JSON, time
//! when it occurred — ten to a `PutEvents` call. The integrator's own rules match on them
//! (`{"source": ["rappel"], "detail": {"business": ["salon-lea"]}}`) and route them to its
//! targets. Entries the bus refused are sent again a few times, then the call fails (the
//! stream delivers the batch again; an event published twice has the same `id`).

use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_eventbridge::Client;
use aws_sdk_eventbridge::primitives::DateTime as SmithyTime;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use rappel_core::events::DeliveryEvent;
use rappel_ports::events::{EventBus, EventError};

/// The events' source on the bus.
pub const EVENT_SOURCE: &str = "rappel";
/// `PutEvents` takes at most this many entries.
const ENTRIES_PER_CALL: usize = 10;
/// How often entries the bus refused are sent again.
const REFUSED_RETRIES: usize = 3;

#[derive(Debug, Clone)]
pub struct EventBridgeBus {
    client: Client,
    bus_name: String,
}

impl EventBridgeBus {
    pub fn new(client: Client, bus_name: impl Into<String>) -> Self {
        Self {
            client,
            bus_name: bus_name.into(),
        }
    }

    fn entry(&self, event: &DeliveryEvent) -> Result<PutEventsRequestEntry, EventError> {
        let detail = serde_json::to_string(event).map_err(|e| EventError(e.to_string()))?;
        Ok(PutEventsRequestEntry::builder()
            .event_bus_name(&self.bus_name)
            .source(EVENT_SOURCE)
            .detail_type(event.event_type.as_str())
            .detail(detail)
            .time(SmithyTime::from_millis(
                event.occurred_at.timestamp_millis(),
            ))
            .build())
    }
}

#[async_trait]
impl EventBus for EventBridgeBus {
    async fn publish(&self, events: &[DeliveryEvent]) -> Result<(), EventError> {
        for chunk in events.chunks(ENTRIES_PER_CALL) {
            let mut entries = chunk
                .iter()
                .map(|event| self.entry(event))
                .collect::<Result<Vec<_>, _>>()?;
            for attempt in 0..=REFUSED_RETRIES {
                let output = self
                    .client
                    .put_events()
                    .set_entries(Some(entries.clone()))
                    .send()
                    .await
                    .map_err(|e| EventError(describe(&e)))?;
                if output.failed_entry_count() == 0 {
                    break;
                }
                // The answer's entries are in the request's order; a refused one has an
                // error code.
                entries = entries
                    .into_iter()
                    .zip(output.entries())
                    .filter(|(_, result)| result.error_code().is_some())
                    .map(|(entry, _)| entry)
                    .collect();
                if attempt == REFUSED_RETRIES {
                    return Err(EventError(format!(
                        "the event bus refused {} events",
                        entries.len()
                    )));
                }
            }
        }
        Ok(())
    }
}
