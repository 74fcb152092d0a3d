//! # rappel-send
//!
//! The consumer of the send queue. Each queue message names one planned message
//! (`{"v": 2, "key": {...}}`, from a schedule firing or a change's immediate message) or a
//! recurring digest schedule's firing (`{"v": 2, "digest": {...}, "fired_at": ...}`), never
//! content. Each message is delivered through the single delivery path, which re-checks the
//! current state, claims the key (a duplicate sends once) and renders at send time.
//!
//! A batch answers with the messages to retry (`ReportBatchItemFailures`): they become visible
//! again after the queue's visibility timeout and, after `maxReceiveCount` receives, go to the
//! dead-letter queue with their body — everything needed to replay them. One failing message
//! never fails the others, except throttling: when the provider says "too fast", the rest of
//! the batch is handed back untried rather than spent against the limit.

mod pace;

pub use pace::SendPace;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::{Diagnostic, LambdaEvent};
use rappel_app::{DeliveryError, DeliveryOutcome, DeliveryServices, deliver_request};
use rappel_ports::schedules::SendRequest;

#[derive(Debug, thiserror::Error)]
pub enum SendHandlerError {
    #[error("the send request is not valid: {0}")]
    BadRequest(String),
    #[error(transparent)]
    Delivery(#[from] DeliveryError),
}

/// Parses a queue message's body.
pub fn parse_request(body: &str) -> Result<SendRequest, SendHandlerError> {
    serde_json::from_str(body).map_err(|e| SendHandlerError::BadRequest(e.to_string()))
}

/// Delivers what one request stands for: one message, or the digest messages of a firing.
pub async fn handle_send(
    services: &DeliveryServices,
    request: &SendRequest,
) -> Result<Vec<DeliveryOutcome>, SendHandlerError> {
    let outcomes = deliver_request(services, request).await?;
    for (key, outcome) in &outcomes {
        tracing::info!(kind = %key.kind, channel = %key.channel, outcome = outcome_name(outcome), "message handled");
    }
    Ok(outcomes.into_iter().map(|(_, outcome)| outcome).collect())
}

/// CloudWatch metric: queued messages handled, by outcome (sent, suppressed, stale, failed,
/// duplicate, retry, unreadable).
pub const DELIVERIES_METRIC: &str = "ScheduledDeliveries";

fn is_throttling(error: &SendHandlerError) -> bool {
    matches!(
        error,
        SendHandlerError::Delivery(DeliveryError::Throttled(_))
    )
}

/// The Lambda handler for a batch of the send queue: every message is handled on its own, at
/// the pace given; the ids of those to retry are returned.
pub async fn function_handler(
    event: LambdaEvent<SqsEvent>,
    services: &DeliveryServices,
    pace: &SendPace,
) -> Result<SqsBatchResponse, std::convert::Infallible> {
    let mut retry: Vec<String> = Vec::new();
    let mut throttled = false;
    for message in &event.payload.records {
        let id = message.message_id.clone().unwrap_or_default();
        if throttled {
            retry.push(id);
            continue;
        }
        let request = match parse_request(message.body.as_deref().unwrap_or_default()) {
            Ok(request) => request,
            Err(error) => {
                // Retried until the queue dead-letters it: an operator can read it there.
                tracing::error!(message_id = %id, %error, "unreadable send request");
                metrics::counter!(DELIVERIES_METRIC, "Outcome" => "unreadable").increment(1);
                retry.push(id);
                continue;
            }
        };
        pace.wait_turn().await;
        match handle_send(services, &request).await {
            Ok(outcomes) => {
                for outcome in &outcomes {
                    metrics::counter!(DELIVERIES_METRIC, "Outcome" => outcome_name(outcome))
                        .increment(1);
                }
            }
            Err(error) => {
                let receives = message
                    .attributes
                    .get("ApproximateReceiveCount")
                    .map_or("?", String::as_str);
                tracing::warn!(message_id = %id, kind = request.kind_name(), receives, error_type = error_type(&error), %error, "delivery to retry");
                metrics::counter!(DELIVERIES_METRIC, "Outcome" => "retry").increment(1);
                throttled = is_throttling(&error);
                retry.push(id);
            }
        }
    }
    Ok(batch_response(retry))
}

/// The partial batch response Lambda expects (`ReportBatchItemFailures`).
pub fn batch_response(retry: Vec<String>) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = retry
        .into_iter()
        .map(|id| {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            failure
        })
        .collect();
    response
}

/// A short, stable name for an error, as Lambda diagnostics and logs carry it.
pub fn error_type(error: &SendHandlerError) -> &'static str {
    match error {
        SendHandlerError::BadRequest(_) => "Rappel.BadSendRequest",
        SendHandlerError::Delivery(DeliveryError::Transient(_)) => "Rappel.TransientDelivery",
        SendHandlerError::Delivery(DeliveryError::Throttled(_)) => "Rappel.Throttled",
        SendHandlerError::Delivery(DeliveryError::InProgress { .. }) => "Rappel.DeliveryInProgress",
        SendHandlerError::Delivery(DeliveryError::SentUnrecorded(_)) => "Rappel.SentUnrecorded",
        SendHandlerError::Delivery(_) => "Rappel.StorageUnavailable",
    }
}

impl From<SendHandlerError> for Diagnostic {
    fn from(error: SendHandlerError) -> Self {
        Diagnostic {
            error_type: error_type(&error).into(),
            error_message: error.to_string(),
        }
    }
}

pub fn outcome_name(outcome: &DeliveryOutcome) -> &'static str {
    match outcome {
        DeliveryOutcome::Sent { .. } => "sent",
        DeliveryOutcome::Suppressed(_) => "suppressed",
        DeliveryOutcome::Stale(_) => "stale",
        DeliveryOutcome::Failed(_) => "failed",
        DeliveryOutcome::Duplicate => "duplicate",
    }
}
