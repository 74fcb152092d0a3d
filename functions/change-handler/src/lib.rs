//! # rappel-change-handler
//!
//! Reacts to a batch of record changes (old and new images, in stream order): schedules and
//! withdraws future messages and puts the immediate ones on the send queue, through
//! `rappel_app::react_to_change`. It never sends.
//!
//! One bad record never blocks the batch: each record is handled on its own and the sequence
//! numbers of the failed ones are returned, as Lambda's `ReportBatchItemFailures` expects. The
//! reaction is idempotent (schedule create/delete by deterministic name; a message queued twice
//! is claimed once in the ledger by the send function), so retrying a record — or a whole
//! batch — is harmless.
//!
//! [`handle_changes`] is what the local stack calls; the Lambda glue (stream event in, partial
//! batch response out) is behind the `lambda` feature, which only the Lambda binary enables, so
//! the local stack builds without the AWS SDK or the Lambda runtime.

#[cfg(feature = "lambda")]
mod lambda;

#[cfg(feature = "lambda")]
pub use lambda::{
    FAILED_RECORDS_METRIC, UNREADABLE_RECORDS_METRIC, batch_response, function_handler,
};
use rappel_app::{ReactionServices, react_to_change};
use rappel_ports::records::ChangeRecord;

/// The result of one batch: which records to retry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub processed: usize,
    pub failed_sequences: Vec<String>,
}

/// Reacts to each change of a batch in order; the records they plan from are read once for
/// the whole batch ([`ReactionServices::for_batch`]).
pub async fn handle_changes(services: &ReactionServices, batch: &[ChangeRecord]) -> BatchOutcome {
    let (services, events) = services.for_batch().buffering_events();
    let services = &services;
    let mut outcome = BatchOutcome::default();
    for change in batch {
        match react_to_change(services, change).await {
            Ok(reaction) => {
                tracing::debug!(sequence = %change.sequence, ?reaction, "change handled");
                outcome.processed += 1;
            }
            Err(error) => {
                // Ids and sequence only: never the images, which hold personal data.
                let key = change.new.as_ref().or(change.old.as_ref()).map(|r| r.key());
                tracing::error!(
                    sequence = %change.sequence,
                    tenant = key.as_ref().map(|k| k.tenant.as_str()),
                    kind = ?change.kind(),
                    record_id = key.as_ref().map(|k| k.id.as_str()),
                    %error,
                    "change failed; it will be retried"
                );
                outcome.failed_sequences.push(change.sequence.clone());
            }
        }
    }
    // The batch's planning events in one write. Not written: the whole batch is retried (its
    // effects are idempotent) so that no event of it is lost.
    if let Err(error) = events.flush().await {
        tracing::error!(%error, "the batch's events could not be written; the batch is retried");
        outcome.processed = 0;
        outcome.failed_sequences = batch.iter().map(|c| c.sequence.clone()).collect();
    }
    outcome
}
