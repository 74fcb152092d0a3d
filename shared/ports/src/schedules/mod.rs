//! The schedules port: one-shot entries (one per planned message) and recurring ones (one per
//! digest recipient), created and deleted by name. Creating a name that exists and deleting
//! one that is gone both succeed, so replays are harmless.

mod in_process;
mod send_request;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::message::{MessageKey, RecurringSchedule, ScheduleName};
use serde::{Deserialize, Serialize};

pub use in_process::{Firing, InProcessScheduler, PendingRecurring};
pub use send_request::{
    SCHEDULED_TIME_PLACEHOLDER, SEND_REQUEST_VERSION, SendRequest, TestSend, UnreadableRequest,
    Unsubscribe,
};

/// A one-shot schedule: at `due`, put the request for `key` on the send queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScheduleEntry {
    pub name: ScheduleName,
    pub due: DateTime<Utc>,
    pub key: MessageKey,
}

impl ScheduleEntry {
    pub fn for_key(key: &MessageKey) -> Self {
        Self {
            name: key.schedule_name(),
            due: key.due,
            key: key.clone(),
        }
    }

    /// What its firing puts on the send queue.
    pub fn request(&self) -> SendRequest {
        SendRequest::message(self.key.clone())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the scheduler is unavailable: {0}")]
pub struct ScheduleError(pub String);

#[async_trait]
pub trait Schedules: Send + Sync {
    async fn create(&self, entry: ScheduleEntry) -> Result<(), ScheduleError>;
    /// A daily schedule in the schedule's own zone, firing from `starts` on.
    async fn create_recurring(
        &self,
        schedule: &RecurringSchedule,
        starts: DateTime<Utc>,
    ) -> Result<(), ScheduleError>;
    /// Deletes a one-shot or recurring schedule.
    async fn delete(&self, name: &ScheduleName) -> Result<(), ScheduleError>;
}
