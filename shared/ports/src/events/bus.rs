//! The deployment's event bus: every business's delivery events, for the integrator's own
//! rules and targets (EventBridge on AWS). The local stack has none: its integrators use
//! webhooks and `GET /v1/events`.

use super::EventError;
use crate::lock;
use async_trait::async_trait;
use rappel_core::events::DeliveryEvent;
use std::sync::Mutex;

#[async_trait]
pub trait EventBus: Send + Sync {
    /// Publishes `events` in their order (a retry may publish one again: its id tells).
    async fn publish(&self, events: &[DeliveryEvent]) -> Result<(), EventError>;
}

/// The events published, kept in memory.
#[derive(Default)]
pub struct MemoryEventBus {
    published: Mutex<Vec<DeliveryEvent>>,
}

impl MemoryEventBus {
    pub fn published(&self) -> Vec<DeliveryEvent> {
        lock(&self.published).clone()
    }
}

#[async_trait]
impl EventBus for MemoryEventBus {
    async fn publish(&self, events: &[DeliveryEvent]) -> Result<(), EventError> {
        lock(&self.published).extend_from_slice(events);
        Ok(())
    }
}
