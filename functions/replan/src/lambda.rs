//! The Lambda glue: the re-plan queue's event in, a partial batch response out.

use crate::{ReplanHandlerError, handle_step, parse_work};
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::LambdaEvent;
use rappel_app::ReactionServices;
use rappel_ports::deadline::Deadline;

/// CloudWatch metric: steps handled, by outcome (`done`, `retry`, `unreadable`).
pub const STEPS_METRIC: &str = "ReplanSteps";

/// The Lambda handler for the re-plan queue: each step on its own (the mapping hands one at a
/// time), inside the invocation's deadline; the ids of the steps to retry are returned — the
/// queue delivers them again, then dead-letters them.
pub async fn function_handler(
    event: LambdaEvent<SqsEvent>,
    services: &ReactionServices,
) -> Result<SqsBatchResponse, std::convert::Infallible> {
    let deadline = Deadline::from_epoch_millis(event.context.deadline);
    let mut retry = Vec::new();
    for message in &event.payload.records {
        let id = message.message_id.clone().unwrap_or_default();
        let mut tenant = None;
        let outcome = match parse_work(message.body.as_deref().unwrap_or_default()) {
            Ok(work) => {
                tenant = Some(work.job.tenant.clone());
                handle_step(services, &work, deadline).await.map(|_| ())
            }
            Err(error) => Err(error),
        };
        match outcome {
            Ok(()) => metrics::counter!(STEPS_METRIC, "Outcome" => "done").increment(1),
            Err(error) => {
                let outcome = match error {
                    ReplanHandlerError::BadWork(_) => "unreadable",
                    ReplanHandlerError::Step(_) => "retry",
                };
                // Ids and the error only: a step's body holds images of records.
                tracing::warn!(message_id = %id, tenant = tenant.as_ref().map(|t| t.as_str()), %error, "re-plan step to retry");
                metrics::counter!(STEPS_METRIC, "Outcome" => outcome).increment(1);
                retry.push(id);
            }
        }
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
