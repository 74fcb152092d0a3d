//! # rappel-erase
//!
//! The consumer of the erasure queue: each message wakes one client's erasure job
//! (`rappel_ports::erasure::ErasureWork`), which runs the step its record says is next
//! (`rappel_app::erasure`): a page of the client's records, of their history, their texts, the
//! refusals kept by hash. Every step is bounded and idempotent, so a wake-up delivered twice
//! (or retried after a failure) does no harm.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::LambdaEvent;
use rappel_app::erasure::{ErasureServices, StepRun, run_step};
use rappel_ports::erasure::ErasureWork;

/// CloudWatch metric: wake-ups handled, by outcome (`ran`, `idle`, `overtaken`, `retry`,
/// `unreadable`).
pub const STEPS_METRIC: &str = "ErasureSteps";

/// The Lambda handler: each wake-up on its own; the ids of those to retry are returned — the
/// queue delivers them again, then dead-letters them.
pub async fn function_handler(
    event: LambdaEvent<SqsEvent>,
    services: &ErasureServices,
) -> Result<SqsBatchResponse, std::convert::Infallible> {
    let mut retry = Vec::new();
    for message in &event.payload.records {
        let id = message.message_id.clone().unwrap_or_default();
        let body = message.body.as_deref().unwrap_or_default();
        let outcome = match serde_json::from_str::<ErasureWork>(body) {
            Ok(work) => match run_step(services, &work).await {
                Ok(StepRun::Ran { .. }) => "ran",
                Ok(StepRun::Idle) => "idle",
                Ok(StepRun::Overtaken) => "overtaken",
                Err(error) => {
                    // Ids and the error only: never the client's data (the work holds none).
                    tracing::warn!(message_id = %id, tenant = %work.tenant, %error, "erasure step to retry");
                    retry.push(id);
                    "retry"
                }
            },
            Err(error) => {
                tracing::warn!(message_id = %id, %error, "unreadable erasure wake-up");
                retry.push(id);
                "unreadable"
            }
        };
        metrics::counter!(STEPS_METRIC, "Outcome" => outcome).increment(1);
    }
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = retry
        .into_iter()
        .map(|id| {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            failure
        })
        .collect();
    Ok(response)
}
