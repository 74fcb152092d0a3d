//! The queues on SQS, in batches of up to ten (`SendMessageBatch`): the send queue (the change
//! handler puts the messages due now on it, EventBridge Scheduler its firings, the send function
//! its settle requests; the send function consumes it) and the re-plan queue (re-plan steps,
//! put by the change handler and by the steps themselves; the re-plan function consumes it).

use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
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

#[async_trait]
impl SendQueue for SqsQueue {
    async fn enqueue(&self, requests: &[SendRequest]) -> Result<(), QueueError> {
        self.send_all(requests).await
    }
}

#[async_trait]
impl ReplanQueue for SqsQueue {
    async fn enqueue(&self, work: &[ReplanWork]) -> Result<(), QueueError> {
        self.send_all(work).await
    }
}

impl SqsQueue {
    /// Each item as one message, ten per `SendMessageBatch`.
    async fn send_all<T: Serialize + Sync>(&self, requests: &[T]) -> Result<(), QueueError> {
        for chunk in requests.chunks(BATCH) {
            let mut batch = self.client.send_message_batch().queue_url(&self.queue_url);
            for (index, request) in chunk.iter().enumerate() {
                let body = serde_json::to_string(request)
                    .map_err(|e| QueueError(format!("queue message: {e}")))?;
                let entry = SendMessageBatchRequestEntry::builder()
                    .id(index.to_string())
                    .message_body(body)
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
