//! The send queue on SQS: the change handler puts the messages due now on it, in batches of
//! up to ten (`SendMessageBatch`); EventBridge Scheduler puts the firings on it directly. The
//! send function consumes it through an event source mapping.

use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use rappel_ports::schedules::SendRequest;
use rappel_ports::send_queue::{QueueError, SendQueue};

/// SQS takes at most ten messages per batch.
const BATCH: usize = 10;

#[derive(Debug, Clone)]
pub struct SqsSendQueue {
    client: Client,
    queue_url: String,
}

impl SqsSendQueue {
    pub fn new(client: Client, queue_url: impl Into<String>) -> Self {
        Self {
            client,
            queue_url: queue_url.into(),
        }
    }
}

#[async_trait]
impl SendQueue for SqsSendQueue {
    async fn enqueue(&self, requests: &[SendRequest]) -> Result<(), QueueError> {
        for chunk in requests.chunks(BATCH) {
            let mut batch = self.client.send_message_batch().queue_url(&self.queue_url);
            for (index, request) in chunk.iter().enumerate() {
                let body = serde_json::to_string(request)
                    .map_err(|e| QueueError(format!("send request: {e}")))?;
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
