//! The Lambda glue: the deliveries table's stream or the webhook retry queue in, the partial
//! batch response both sources read (`batchItemFailures` of `itemIdentifier`s) out.

use crate::{PublishOutcome, PublishServices, handle_retries, handle_stream};
use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::LambdaEvent;
use rappel_aws::event_stream::decode_events;
use rappel_ports::deadline::Deadline;
use serde_json::{Value, json};

/// CloudWatch metric: events published on the bus.
pub const EVENTS_METRIC: &str = "EventsPublished";
/// CloudWatch metric: webhook posts, by `Outcome` (`accepted`, `refused`).
pub const POSTS_METRIC: &str = "WebhookPosts";
/// CloudWatch metric: endpoints disabled after failing for days (alarmed).
pub const DISABLED_METRIC: &str = "WebhookEndpointsDisabled";

/// What an invocation carries.
#[derive(Debug)]
pub enum PublishInput {
    Stream(Event),
    Retries(SqsEvent),
}

impl PublishInput {
    /// Told apart by the first record's `eventSource` (`aws:dynamodb`, `aws:sqs`).
    pub fn read(payload: Value) -> Result<Self, String> {
        let source = payload["Records"][0]["eventSource"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match source.as_str() {
            "aws:sqs" => serde_json::from_value(payload)
                .map(Self::Retries)
                .map_err(|e| e.to_string()),
            // A stream batch, or an empty one.
            _ => serde_json::from_value(payload)
                .map(Self::Stream)
                .map_err(|e| e.to_string()),
        }
    }
}

pub async fn function_handler(
    event: LambdaEvent<Value>,
    services: &PublishServices,
) -> Result<Value, lambda_runtime::Error> {
    let deadline = Deadline::from_epoch_millis(event.context.deadline);
    let outcome = match PublishInput::read(event.payload)? {
        PublishInput::Stream(batch) => {
            let decoded = decode_events(&batch);
            for unreadable in &decoded.unreadable {
                tracing::error!(event_id = %unreadable.event_id, reason = %unreadable.reason, "unreadable event record skipped");
            }
            handle_stream(services, &decoded.events, deadline).await
        }
        PublishInput::Retries(batch) => {
            let messages: Vec<(String, String)> = batch
                .records
                .iter()
                .map(|m| {
                    (
                        m.message_id.clone().unwrap_or_default(),
                        m.body.clone().unwrap_or_default(),
                    )
                })
                .collect();
            handle_retries(services, &messages, deadline).await
        }
    };
    count(&outcome);
    Ok(batch_response(&outcome))
}

fn count(outcome: &PublishOutcome) {
    let report = outcome.report;
    metrics::counter!(EVENTS_METRIC).increment(outcome.published as u64);
    metrics::counter!(POSTS_METRIC, "Outcome" => "accepted").increment(report.posted as u64);
    metrics::counter!(POSTS_METRIC, "Outcome" => "refused").increment(report.failed as u64);
    metrics::counter!(DISABLED_METRIC).increment(report.disabled as u64);
    tracing::info!(
        published = outcome.published,
        posted = report.posted,
        refused = report.failed,
        disabled = report.disabled,
        continued = report.continued,
        handed_back = outcome.retry.len(),
        "events published"
    );
}

/// `{"batchItemFailures": [{"itemIdentifier": …}]}`: the same for the stream and the queue.
pub fn batch_response(outcome: &PublishOutcome) -> Value {
    let failures: Vec<Value> = outcome
        .retry
        .iter()
        .map(|id| json!({"itemIdentifier": id}))
        .collect();
    json!({ "batchItemFailures": failures })
}
