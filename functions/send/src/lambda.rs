//! The Lambda glue: the send queue's event in, a partial batch response out.

use crate::{
    DELIVERIES_METRIC, SendHandlerError, SendPace, error_type, handle_send, outcome_name,
    parse_request,
};
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::{Diagnostic, LambdaEvent};
use rappel_app::deliver::prefetch;
use rappel_app::{DeliveryError, DeliveryServices};
use rappel_ports::schedules::SendRequest;

/// The Lambda handler for a batch of the send queue: every message is handled on its own, at
/// the pace given; the ids of those to retry are returned.
pub async fn function_handler(
    event: LambdaEvent<SqsEvent>,
    services: &DeliveryServices,
    pace: &SendPace,
) -> Result<SqsBatchResponse, std::convert::Infallible> {
    // One batch, one memory of what it read: the messages of one change share their records.
    let services = &services.for_batch();
    let parsed: Vec<_> = event
        .payload
        .records
        .iter()
        .map(|m| parse_request(m.body.as_deref().unwrap_or_default()))
        .collect();
    let readable: Vec<SendRequest> = parsed
        .iter()
        .filter_map(|r| r.as_ref().ok().cloned())
        .collect();
    prefetch(services, &readable).await;
    let mut retry: Vec<String> = Vec::new();
    let mut throttled = false;
    for (message, request) in event.payload.records.iter().zip(parsed) {
        let id = message.message_id.clone().unwrap_or_default();
        if throttled {
            retry.push(id);
            continue;
        }
        let request = match request {
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

impl From<SendHandlerError> for Diagnostic {
    fn from(error: SendHandlerError) -> Self {
        Diagnostic {
            error_type: error_type(&error).into(),
            error_message: error.to_string(),
        }
    }
}

fn is_throttling(error: &SendHandlerError) -> bool {
    matches!(
        error,
        SendHandlerError::Delivery(DeliveryError::Throttled(_))
    )
}
