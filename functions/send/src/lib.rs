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
//! **A batch ends inside its deadline.** A message is only started with [`START_RESERVE`] of
//! the invocation left, and the provider only called with the delivery path's commit reserve
//! left ([`rappel_app::deliver::COMMIT_RESERVE`]); what cannot be finished is handed back
//! untried. The template sizes a full batch to fit: see [`FUNCTION_TIMEOUT`].
//!
//! [`handle_send`] is what the local stack calls; the Lambda glue (queue event in, partial
//! batch response out) is behind the `lambda` feature, which only the Lambda binary enables.

mod batch;
#[cfg(feature = "lambda")]
mod lambda;
mod lanes;

pub use batch::{HandBack, SendBatch, Step};
#[cfg(feature = "lambda")]
pub use lambda::{batch_response, function_handler, handle_batch};
pub use lanes::{LanePaces, PaceTooSlow, checked_pace};

use rappel_app::deliver::COMMIT_RESERVE;
use rappel_app::{
    DeliveryError, DeliveryOutcome, DeliveryServices, Settlement, deliver_request_within,
};
use rappel_core::message::StaleReason;
use rappel_ports::deadline::{CALL_BOUND, Deadline};
use rappel_ports::schedules::SendRequest;
use std::time::Duration;

/// The send function's timeout (`template.yaml`, checked by the template sync test).
pub const FUNCTION_TIMEOUT: Duration = Duration::from_secs(60);
/// Messages per batch (the queue mapping's `BatchSize`).
pub const BATCH_SIZE: u32 = 10;
/// The longest pause a copy makes between two sends: `SendConcurrency / SendRatePerSecond`,
/// which the template's rules keep at 2 s or less (and the cold start refuses above).
pub const MAX_PACING_INTERVAL: Duration = Duration::from_secs(2);
/// What one message takes when AWS answers as it does when healthy: its claim, reads, send and
/// settle, half a dozen calls of tens of milliseconds.
pub const HEALTHY_MESSAGE: Duration = Duration::from_millis(500);
/// A message is only started with this much of the invocation left: the commit reserve (send,
/// settle, settle request: 26 s) and one bounded call for its claim and reads (8 s) = **34 s**.
pub const START_RESERVE: Duration =
    Duration::from_secs(COMMIT_RESERVE.as_secs() + CALL_BOUND.as_secs());

/// The arithmetic the template relies on: a full batch, paced at the slowest pace allowed,
/// each message as long as a healthy one, and the last one started with its reserve still
/// left, ends inside the timeout — 10 × (2 s + 0.5 s) + 34 s = 59 s ≤ 60 s. When AWS is slow
/// instead, what would not fit is handed back untried, never cut by Lambda.
const _: () = assert!(
    BATCH_SIZE as u128 * (MAX_PACING_INTERVAL.as_millis() + HEALTHY_MESSAGE.as_millis())
        + START_RESERVE.as_millis()
        <= FUNCTION_TIMEOUT.as_millis()
);

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

/// Delivers what one request stands for: one message, or the digest messages of a firing
/// (the local stack: no deadline).
pub async fn handle_send(
    services: &DeliveryServices,
    request: &SendRequest,
) -> Result<Vec<DeliveryOutcome>, SendHandlerError> {
    handle_send_within(services, request, Deadline::NONE).await
}

/// [`handle_send`] inside an invocation's deadline.
pub async fn handle_send_within(
    services: &DeliveryServices,
    request: &SendRequest,
    deadline: Deadline,
) -> Result<Vec<DeliveryOutcome>, SendHandlerError> {
    let outcomes = deliver_request_within(services, request, deadline).await?;
    for (key, outcome) in &outcomes {
        tracing::info!(kind = %key.kind, channel = %key.channel, outcome = outcome_name(outcome), "message handled");
    }
    Ok(outcomes.into_iter().map(|(_, outcome)| outcome).collect())
}

/// CloudWatch metric: queued messages handled, by outcome (sent, suppressed, stale, too_late,
/// failed, duplicate, retry, unreadable, out_of_time).
pub const DELIVERIES_METRIC: &str = "ScheduledDeliveries";

/// CloudWatch metric: firings of one-shot schedules handled (a duplicate firing counts none):
/// each such schedule deleted itself once fired, which the group's growth alarm subtracts.
pub const SCHEDULE_FIRINGS_METRIC: &str = "ScheduleFirings";

/// Whether a queue message is a one-shot schedule's firing: its input carries
/// `"via": "schedule"` beside the send request (the scheduler adapter puts it there).
pub fn fired_by_a_schedule(body: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Via {
        via: Option<String>,
    }
    serde_json::from_str::<Via>(body).is_ok_and(|v| v.via.as_deref() == Some("schedule"))
}

/// A short, stable name for an error, as Lambda diagnostics and logs carry it.
pub fn error_type(error: &SendHandlerError) -> &'static str {
    match error {
        SendHandlerError::BadRequest(_) => "Rappel.BadSendRequest",
        SendHandlerError::Delivery(DeliveryError::Transient(_)) => "Rappel.TransientDelivery",
        SendHandlerError::Delivery(DeliveryError::Throttled(_)) => "Rappel.Throttled",
        SendHandlerError::Delivery(DeliveryError::InProgress { .. }) => "Rappel.DeliveryInProgress",
        SendHandlerError::Delivery(DeliveryError::OutOfTime) => "Rappel.OutOfTime",
        SendHandlerError::Delivery(_) => "Rappel.StorageUnavailable",
    }
}

pub fn outcome_name(outcome: &DeliveryOutcome) -> &'static str {
    match outcome {
        DeliveryOutcome::Sent {
            settlement: Settlement::Settled,
            ..
        } => "sent",
        // Sent, and recorded later by its settle request.
        DeliveryOutcome::Sent {
            settlement: Settlement::Deferred,
            ..
        } => "sent_settle_queued",
        // Sent, and neither the ledger nor the queue could record it (alarmed).
        DeliveryOutcome::Sent {
            settlement: Settlement::Unsettled,
            ..
        } => "sent_unrecorded",
        DeliveryOutcome::SettledLate => "settled_late",
        DeliveryOutcome::TestSent { .. } => "test_sent",
        DeliveryOutcome::Suppressed(_) => "suppressed",
        // Its own outcome: a message that arrived too late is a silent loss, alarmed.
        DeliveryOutcome::Stale(StaleReason::TooLate) => "too_late",
        DeliveryOutcome::Stale(_) => "stale",
        DeliveryOutcome::Failed(_) => "failed",
        DeliveryOutcome::Duplicate => "duplicate",
        // Over its business's send cap: scheduled again for a later hour.
        DeliveryOutcome::Held { .. } => "held",
    }
}
