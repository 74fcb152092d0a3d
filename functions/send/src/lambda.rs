//! The Lambda glue: the send queue's event in, a partial batch response out.

use crate::batch::{HandBack, SendBatch, Step};
use crate::{
    DELIVERIES_METRIC, LanePaces, SCHEDULE_FIRINGS_METRIC, SendHandlerError, error_type,
    fired_by_a_schedule, outcome_name, parse_request,
};
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use lambda_runtime::{Diagnostic, LambdaEvent};
use rappel_app::DeliveryServices;
use rappel_ports::deadline::Deadline;
use rappel_ports::schedules::SendRequest;

/// The Lambda handler for a batch of one lane's queue: every message is handled on its own, at
/// its lane's pace, inside the invocation's deadline; the ids of those to retry are returned.
pub async fn function_handler(
    event: LambdaEvent<SqsEvent>,
    services: &DeliveryServices,
    paces: &LanePaces,
) -> Result<SqsBatchResponse, std::convert::Infallible> {
    let deadline = Deadline::from_epoch_millis(event.context.deadline);
    let source = event
        .payload
        .records
        .first()
        .and_then(|r| r.event_source_arn.as_deref());
    let services = DeliveryServices {
        pace: paces.pace(paces.lane_of(source)),
        ..services.clone()
    };
    Ok(handle_batch(&event.payload.records, &services, deadline).await)
}

/// One batch under the shared policy ([`SendBatch`]): what it hands back, and what failed, is
/// returned to the queue; an unreadable message is retried until the queue dead-letters it.
pub async fn handle_batch(
    records: &[SqsMessage],
    services: &DeliveryServices,
    deadline: Deadline,
) -> SqsBatchResponse {
    let parsed: Vec<_> = records
        .iter()
        .map(|m| parse_request(m.body.as_deref().unwrap_or_default()))
        .collect();
    let readable: Vec<SendRequest> = parsed
        .iter()
        .filter_map(|r| r.as_ref().ok().cloned())
        .collect();
    let mut batch = SendBatch::begin(services, deadline, &readable).await;
    let mut retry: Vec<String> = Vec::new();
    for (message, request) in records.iter().zip(parsed) {
        let id = message.message_id.clone().unwrap_or_default();
        let request = match request {
            Ok(request) => request,
            Err(_) if batch.out_of_time() => {
                retry.push(id);
                continue;
            }
            Err(error) => {
                // Retried until the queue dead-letters it: an operator can read it there.
                tracing::error!(message_id = %id, %error, "unreadable send request");
                metrics::counter!(DELIVERIES_METRIC, "Outcome" => "unreadable").increment(1);
                retry.push(id);
                continue;
            }
        };
        let was_out_of_time = batch.out_of_time();
        match batch.handle(&request).await {
            Step::Handled(outcomes) => {
                for outcome in &outcomes {
                    metrics::counter!(DELIVERIES_METRIC, "Outcome" => outcome_name(outcome))
                        .increment(1);
                }
                let first_firing = !outcomes
                    .iter()
                    .any(|o| matches!(o, rappel_app::DeliveryOutcome::Duplicate));
                if first_firing && fired_by_a_schedule(message.body.as_deref().unwrap_or_default())
                {
                    metrics::counter!(SCHEDULE_FIRINGS_METRIC).increment(1);
                }
            }
            Step::HandedBack(why) => {
                if why == HandBack::OutOfTime && !was_out_of_time {
                    tracing::warn!(message_id = %id, "too little of the invocation left: the rest of the batch is handed back untried");
                    metrics::counter!(DELIVERIES_METRIC, "Outcome" => "out_of_time").increment(1);
                }
                retry.push(id);
            }
            Step::Failed(error) => {
                let receives = message
                    .attributes
                    .get("ApproximateReceiveCount")
                    .map_or("?", String::as_str);
                // The business and the message key name what failed; never who it is for.
                tracing::warn!(
                    message_id = %id,
                    tenant = %request.tenant(),
                    message_key = request.key().map(|k| k.schedule_name().to_string()),
                    kind = request.kind_name(),
                    receives,
                    error_type = error_type(&error),
                    %error,
                    "delivery to retry"
                );
                metrics::counter!(DELIVERIES_METRIC, "Outcome" => "retry").increment(1);
                retry.push(id);
            }
        }
    }
    batch_response(retry)
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

impl From<SendHandlerError> for Diagnostic {
    fn from(error: SendHandlerError) -> Self {
        Diagnostic {
            error_type: error_type(&error).into(),
            error_message: error.to_string(),
        }
    }
}
