//! # rappel-send
//!
//! The target of the one-shot schedules: its input names one planned message
//! (`{"key": {...}}`), never its content. It delivers through the single delivery path, which
//! re-checks the current state, claims the key (a double firing sends once) and renders at send
//! time. A temporary failure is returned as an error so that the scheduler retries (and, past
//! its retry policy, dead-letters the input with everything needed to replay it).

use rappel_app::{DeliveryError, DeliveryOutcome, Services, deliver};
use rappel_ports::schedules::SendRequest;

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
    services: &Services,
    request: &SendRequest,
) -> Result<DeliveryOutcome, SendHandlerError> {
    let outcome = deliver(services, &request.key).await?;
    tracing::info!(kind = %request.key.kind, channel = %request.key.channel, outcome = ?outcome_name(&outcome), "scheduled message handled");
    Ok(outcome)
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
