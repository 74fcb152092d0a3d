//! # rappel-send
//!
//! The target of the one-shot schedules: its input names one planned message
//! (`{"key": {...}}`), never its content. It delivers through the single delivery path, which
//! re-checks the current state, claims the key (a double firing sends once) and renders at send
//! time. A temporary failure is returned as an error so that the scheduler retries (and, past
//! its retry policy, dead-letters the input with everything needed to replay it).

use lambda_runtime::{Diagnostic, LambdaEvent};
use rappel_app::{DeliveryError, DeliveryOutcome, DeliveryServices, deliver};
use rappel_ports::schedules::SendRequest;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum SendHandlerError {
    #[error("the send request is not valid: {0}")]
    BadRequest(String),
    #[error(transparent)]
    Delivery(#[from] DeliveryError),
}

/// Parses the scheduler's JSON input.
pub fn parse_request(input: &serde_json::Value) -> Result<SendRequest, SendHandlerError> {
    serde_json::from_value(input.clone()).map_err(|e| SendHandlerError::BadRequest(e.to_string()))
}

pub async fn handle_send(
    services: &DeliveryServices,
    request: &SendRequest,
) -> Result<DeliveryOutcome, SendHandlerError> {
    let outcome = deliver(services, &request.key).await?;
    tracing::info!(kind = %request.key.kind, channel = %request.key.channel, outcome = ?outcome_name(&outcome), "scheduled message handled");
    Ok(outcome)
}

/// CloudWatch metric: scheduled messages handled, by outcome (sent, suppressed, stale,
/// failed, duplicate).
pub const DELIVERIES_METRIC: &str = "ScheduledDeliveries";

/// What the function answers (visible in the invocation result, never personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SendResponse {
    pub outcome: &'static str,
}

/// The Lambda handler: the schedule's input in, the outcome out. An error makes EventBridge
/// Scheduler retry the invocation (then dead-letter it), so only what may succeed later, or
/// needs an operator, is an error.
pub async fn function_handler(
    event: LambdaEvent<serde_json::Value>,
    services: &DeliveryServices,
) -> Result<SendResponse, SendHandlerError> {
    let request = parse_request(&event.payload)?;
    let outcome = handle_send(services, &request).await?;
    let outcome = outcome_name(&outcome);
    // CloudWatch EMF once `main` installs the collector; a no-op in tests.
    metrics::counter!(DELIVERIES_METRIC, "Outcome" => outcome).increment(1);
    Ok(SendResponse { outcome })
}

impl From<SendHandlerError> for Diagnostic {
    fn from(error: SendHandlerError) -> Self {
        let error_type = match &error {
            SendHandlerError::BadRequest(_) => "Rappel.BadSendRequest",
            SendHandlerError::Delivery(DeliveryError::Transient(_)) => "Rappel.TransientDelivery",
            SendHandlerError::Delivery(DeliveryError::InProgress { .. }) => {
                "Rappel.DeliveryInProgress"
            }
            SendHandlerError::Delivery(DeliveryError::SentUnrecorded(_)) => "Rappel.SentUnrecorded",
            SendHandlerError::Delivery(_) => "Rappel.StorageUnavailable",
        };
        Diagnostic {
            error_type: error_type.into(),
            error_message: error.to_string(),
        }
    }
}

fn outcome_name(outcome: &DeliveryOutcome) -> &'static str {
    match outcome {
        DeliveryOutcome::Sent { .. } => "sent",
        DeliveryOutcome::Suppressed(_) => "suppressed",
        DeliveryOutcome::Stale(_) => "stale",
        DeliveryOutcome::Failed(_) => "failed",
        DeliveryOutcome::Duplicate => "duplicate",
    }
}
