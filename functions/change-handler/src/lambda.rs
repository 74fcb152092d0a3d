//! The Lambda glue: the records table's stream event in, a partial batch response out.

use crate::{BatchOutcome, handle_changes};
use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use lambda_runtime::LambdaEvent;
use rappel_app::ReactionServices;
use rappel_aws::stream::decode_batch;

/// CloudWatch metric: stream records that could not be decoded (handed back, alarmed).
pub const UNREADABLE_RECORDS_METRIC: &str = "UnreadableStreamRecords";
/// CloudWatch metric: records whose reaction failed (returned for retry).
pub const FAILED_RECORDS_METRIC: &str = "FailedChangeRecords";
/// The Lambda handler for the records table's stream. Records whose reaction failed, and
/// records that cannot be decoded, are returned as `batchItemFailures`: Lambda retries from the
/// first of them and nothing before it, a bounded number of times (`MaximumRetryAttempts`),
/// then sets the batch's position aside in the stream failure queue, from which
/// `infra/replay-dead-letters.sh stream` replays it — once a release that reads it is
/// deployed, say. (Fields a newer release added no longer make a record unreadable: they are
/// left out, `rappel_ports::forward_compatible`.) Unreadable records are logged (position and
/// reason, never content) and counted (alarmed); the rest of the batch is handled meanwhile.
pub async fn function_handler(
    event: LambdaEvent<Event>,
    services: &ReactionServices,
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
    let mut outcome = handle_changes(services, &decoded.changes).await;
    let failed_reactions = outcome.failed_sequences.len();
    // Without a position there is nothing to hand back (Lambda always gives one).
    outcome.failed_sequences.extend(
        decoded
            .unreadable
            .iter()
            .filter_map(|unreadable| unreadable.sequence.clone()),
    );
    // Embedded-metric counters (CloudWatch EMF once `main` installs the collector; no-ops in
    // tests): the template alarms on unreadable records.
    metrics::counter!(UNREADABLE_RECORDS_METRIC).increment(decoded.unreadable.len() as u64);
    metrics::counter!(FAILED_RECORDS_METRIC).increment(failed_reactions as u64);
    tracing::info!(
        received = event.payload.records.len(),
        processed = outcome.processed,
        failed = failed_reactions,
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
