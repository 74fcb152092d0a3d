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
//!
//! [`handle_send`] is what the local stack calls; the Lambda glue (queue event in, partial
//! batch response out) is behind the `lambda` feature, which only the Lambda binary enables.

#[cfg(feature = "lambda")]
mod lambda;
mod pace;

#[cfg(feature = "lambda")]
pub use lambda::{batch_response, function_handler};
pub use pace::SendPace;

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

pub fn outcome_name(outcome: &DeliveryOutcome) -> &'static str {
    match outcome {
        DeliveryOutcome::Sent { .. } => "sent",
        DeliveryOutcome::Suppressed(_) => "suppressed",
        DeliveryOutcome::Stale(_) => "stale",
        DeliveryOutcome::Failed(_) => "failed",
        DeliveryOutcome::Duplicate => "duplicate",
    }
}
