//! The queues on SQS, in batches of up to ten (`SendMessageBatch`): the send queue's two lanes
//! (the change handler puts the messages due now on them, EventBridge Scheduler its firings,
//! the send function its settle requests; the send function consumes both, each at its own
//! pace), the re-plan queue (re-plan steps, put by the change handler and by the steps
//! themselves; the re-plan function consumes it) and the erasure queue (wake-ups of erasure
//! jobs, put by the API and by the steps; the erase function consumes it).
//!
//! **Fair shares.** Every message carries its business as `MessageGroupId`. On a standard
//! queue that makes it an SQS *fair queue*: when one business has a backlog (20,000 reminders
//! at 09:00, a re-plan of a busy calendar), SQS hands the consumers the other businesses'
//! messages first, so their dwell time stays low; nothing is dropped or reordered for good.

use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use rappel_core::message::Lane;
use rappel_ports::erasure::{ErasureQueue, ErasureWork};
use rappel_ports::replan::{ReplanQueue, ReplanWork};
use rappel_ports::schedules::SendRequest;
use rappel_ports::send_queue::{QueueError, SendQueue};
use serde::Serialize;

/// SQS takes at most ten messages per batch.
const BATCH: usize = 10;

#[derive(Debug, Clone)]
pub struct SqsQueue {
    client: Client,
    queue_url: String,
}

impl SqsQueue {
    pub fn new(client: Client, queue_url: impl Into<String>) -> Self {
        Self {
            client,
            queue_url: queue_url.into(),
        }
    }
}

/// The send queue's lanes: one SQS queue each.
#[derive(Debug, Clone)]
pub struct SqsSendLanes {
    urgent: SqsQueue,
    bulk: SqsQueue,
}

impl SqsSendLanes {
    pub fn new(client: Client, urgent_url: impl Into<String>, bulk_url: impl Into<String>) -> Self {
        Self {
            urgent: SqsQueue::new(client.clone(), urgent_url),
            bulk: SqsQueue::new(client, bulk_url),
        }
    }
}

#[async_trait]
impl SendQueue for SqsSendLanes {
    /// Each request onto its lane's queue, its business as its message group.
    async fn enqueue(&self, requests: &[SendRequest]) -> Result<(), QueueError> {
        let (urgent, bulk): (Vec<_>, Vec<_>) = requests
            .iter()
            .partition(|request| request.lane() == Lane::Urgent);
        let group = |request: &&SendRequest| request.tenant().to_string();
        self.urgent.send_all(&urgent, group).await?;
        self.bulk.send_all(&bulk, group).await
    }
}

#[async_trait]
impl ReplanQueue for SqsQueue {
    async fn enqueue(&self, work: &[ReplanWork]) -> Result<(), QueueError> {
        self.send_all(work, |w| w.job.tenant.to_string()).await
    }
}

#[async_trait]
impl ErasureQueue for SqsQueue {
    async fn wake(&self, work: &ErasureWork) -> Result<(), QueueError> {
        self.send_all(std::slice::from_ref(work), |w| w.tenant.to_string())
            .await
    }
}

impl SqsQueue {
    /// Each item as one message in its `group`, ten per `SendMessageBatch`.
    async fn send_all<T: Serialize + Sync>(
        &self,
        requests: &[T],
        group: impl Fn(&T) -> String,
    ) -> Result<(), QueueError> {
        for chunk in requests.chunks(BATCH) {
            let mut batch = self.client.send_message_batch().queue_url(&self.queue_url);
            for (index, request) in chunk.iter().enumerate() {
                let body = serde_json::to_string(request)
                    .map_err(|e| QueueError(format!("queue message: {e}")))?;
                let entry = SendMessageBatchRequestEntry::builder()
                    .id(index.to_string())
                    .message_body(body)
                    .message_group_id(group(request))
                    .build()
                    .map_err(|e| QueueError(e.to_string()))?;
                batch = batch.entries(entry);
            }
            let output = batch.send().await.map_err(|e| QueueError(describe(&e)))?;
            // Partial failures: the whole change is retried (the ledger makes the messages
            // already queued duplicates, never second sends).
            if let Some(failed) = output.failed().first() {
                return Err(QueueError(format!(
                    "{} of {} messages refused ({})",
                    output.failed().len(),
                    chunk.len(),
                    failed.code()
                )));
            }
        }
        Ok(())
    }
}
