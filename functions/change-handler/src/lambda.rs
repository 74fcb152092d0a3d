//! The Lambda glue: the records table's stream event in, a partial batch response out.

use crate::{BatchOutcome, handle_changes};
use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use lambda_runtime::LambdaEvent;
use rappel_app::Services;
use rappel_aws::stream::decode_batch;

/// CloudWatch metric: stream records that could not be decoded (skipped).
pub const UNREADABLE_RECORDS_METRIC: &str = "UnreadableStreamRecords";
/// CloudWatch metric: records whose reaction failed (returned for retry).
pub const FAILED_RECORDS_METRIC: &str = "FailedChangeRecords";
/// The Lambda handler for the records table's stream. Unreadable records are logged (position
/// and reason, never content) and counted, then skipped: retrying cannot make them readable and
/// would hold the shard back. Records whose reaction failed are returned as
/// `batchItemFailures`, so Lambda retries from the first of them and nothing before it.
pub async fn function_handler(
    event: LambdaEvent<Event>,
    services: &Services,
) -> Result<DynamoDbEventResponse, std::convert::Infallible> {
    let decoded = decode_batch(&event.payload);
    for unreadable in &decoded.unreadable {
        tracing::error!(
            event_id = %unreadable.event_id,
            sequence = ?unreadable.sequence,
            reason = %unreadable.reason,
            "unreadable stream record skipped"
        );
    }
    let outcome = handle_changes(services, &decoded.changes).await;
    // Embedded-metric counters (CloudWatch EMF once `main` installs the collector; no-ops in
    // tests): the template alarms on unreadable records.
    metrics::counter!(UNREADABLE_RECORDS_METRIC).increment(decoded.unreadable.len() as u64);
    metrics::counter!(FAILED_RECORDS_METRIC).increment(outcome.failed_sequences.len() as u64);
    tracing::info!(
        received = event.payload.records.len(),
        processed = outcome.processed,
        failed = outcome.failed_sequences.len(),
        unreadable_records = decoded.unreadable.len(),
        "stream batch handled"
    );
    Ok(batch_response(&outcome))
}

/// The partial batch response Lambda expects (`ReportBatchItemFailures`).
pub fn batch_response(outcome: &BatchOutcome) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    response.batch_item_failures = outcome
        .failed_sequences
        .iter()
        .map(|sequence| {
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = Some(sequence.clone());
            failure
        })
        .collect();
    response
}
