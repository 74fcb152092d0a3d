//! The send queue: every message to deliver now — a schedule firing, an immediate message of a
//! change — is put on it, and the send handler consumes it at a pace the providers accept.
//! Between the triggers and the providers it absorbs a burst (a 09:00 wave of reminders waits
//! in the queue instead of spending its retries against throttling) and keeps a slow provider
//! from holding back the stream of record changes.

mod in_process;

use crate::schedules::SendRequest;
use async_trait::async_trait;

pub use in_process::{Finished, InProcessQueue, Queued, QueuedRequest};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the send queue is unavailable: {0}")]
pub struct QueueError(pub String);

/// How many times a request is received before it is dead-lettered (SQS `maxReceiveCount`).
pub const MAX_RECEIVES: u32 = 10;

#[async_trait]
pub trait SendQueue: Send + Sync {
    /// Puts requests on the queue, all or none reported as failed.
    async fn enqueue(&self, requests: &[SendRequest]) -> Result<(), QueueError>;
}
