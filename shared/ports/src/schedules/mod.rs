//! The schedules port: one-shot entries, created and deleted by name. Creating a name that
//! exists and deleting one that is gone both succeed, so replays are harmless.

mod in_process;
mod send_request;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::message::{MessageKey, ScheduleName};
use serde::{Deserialize, Serialize};

pub use in_process::InProcessScheduler;
pub use send_request::{SEND_REQUEST_VERSION, SendRequest, UnreadableRequest};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleEntry {
    pub name: ScheduleName,
    pub due: DateTime<Utc>,
    pub request: SendRequest,
}

impl ScheduleEntry {
    pub fn for_key(key: &MessageKey) -> Self {
        Self {
            name: key.schedule_name(),
            due: key.due,
            request: SendRequest { key: key.clone() },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the scheduler is unavailable: {0}")]
pub struct ScheduleError(pub String);

#[async_trait]
pub trait Schedules: Send + Sync {
    async fn create(&self, entry: ScheduleEntry) -> Result<(), ScheduleError>;
    async fn delete(&self, name: &ScheduleName) -> Result<(), ScheduleError>;
}
