//! # rappel-publish
//!
//! Publishes each business's delivery events as they are written. Its two event sources:
//!
//! - **the deliveries table's stream**, filtered to the events' partitions (`E#…`, inserts):
//!   the batch's events go onto the deployment's EventBridge bus, in order, then each business
//!   in the batch has its due webhook endpoints run — each posts what follows its cursor,
//!   events at least the settle window old ([`rappel_core::events::SETTLE_WINDOW`]: the
//!   function waits out the rest of it first, 2 seconds at most). An endpoint that is failing
//!   is not run here: its retry is.
//! - **the webhook retry queue**: one message per endpoint's next run (after a failure, on the
//!   backoff schedule; at once when a run stopped with events left).
//!
//! The send path never waits for any of it: an event is written with its history entry, and
//! leaves through the stream. [`handle_stream`] and [`handle_retries`] are the logic; the
//! Lambda glue ([`function_handler`]) tells the sources apart and answers the partial batch
//! response both expect.

mod https_poster;
mod lambda;

pub use https_poster::{HttpsPoster, POST_TIMEOUT, PosterError};
pub use lambda::{DISABLED_METRIC, EVENTS_METRIC, POSTS_METRIC, PublishInput, function_handler};

use rappel_app::webhooks::{DispatchReport, WebhookDispatch};
use rappel_aws::event_stream::StreamedEvent;
use rappel_core::events::SETTLE_WINDOW;
use rappel_core::model::TenantId;
use rappel_ports::deadline::Deadline;
use rappel_ports::events::EventBus;
use rappel_ports::webhooks::WebhookRetry;
use std::sync::Arc;

/// What the publish function is made of.
#[derive(Clone)]
pub struct PublishServices {
    pub dispatch: WebhookDispatch,
    pub bus: Arc<dyn EventBus>,
}

/// What a batch did: the positions to hand back for a retry (the stream's sequence numbers,
/// the queue's message ids), and the webhooks' runs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PublishOutcome {
    pub published: usize,
    pub retry: Vec<String>,
    pub report: DispatchReport,
}

/// A batch of the stream's events: onto the bus, then each business's due endpoints run.
/// The bus refusing hands the whole batch back (a retry publishes again: same ids); a
/// business whose endpoints could not be run hands back its first event (Lambda retries
/// from the earliest position handed back).
pub async fn handle_stream(
    services: &PublishServices,
    events: &[StreamedEvent],
    deadline: Deadline,
) -> PublishOutcome {
    let mut outcome = PublishOutcome::default();
    let Some(first) = events.first() else {
        return outcome;
    };
    let all: Vec<_> = events.iter().map(|e| e.event.clone()).collect();
    if let Err(error) = services.bus.publish(&all).await {
        tracing::warn!(%error, events = all.len(), "events not published on the bus; the batch is retried");
        outcome.retry.push(first.sequence.clone());
        return outcome;
    }
    outcome.published = all.len();
    wait_for_settle(services, events).await;
    let mut businesses: Vec<(&TenantId, &str)> = Vec::new();
    for streamed in events {
        if !businesses
            .iter()
            .any(|(t, _)| *t == &streamed.event.business)
        {
            businesses.push((&streamed.event.business, &streamed.sequence));
        }
    }
    for (tenant, first_sequence) in businesses {
        match services.dispatch.run_business(tenant, deadline).await {
            Ok(run) => outcome.report += run,
            Err(error) => {
                tracing::warn!(%tenant, %error, "webhooks not run; retried from the business's first event");
                outcome.retry.push(first_sequence.to_owned());
            }
        }
    }
    outcome
}

/// Waits until the newest event is the settle window old (at most the window): the runs
/// then post it.
async fn wait_for_settle(services: &PublishServices, events: &[StreamedEvent]) {
    let Some(newest) = events.iter().map(|e| e.event.occurred_at).max() else {
        return;
    };
    let wait = newest + SETTLE_WINDOW - services.dispatch.clock.now();
    if let Ok(wait) = wait.to_std() {
        tokio::time::sleep(wait.min(SETTLE_WINDOW.to_std().unwrap_or_default())).await;
    }
}

/// The retry queue's messages `(id, body)`: each names one endpoint to run. An unreadable
/// message is dropped with a log (a retry cannot make it readable; the endpoint's next event
/// runs it anyway); a run that failed is handed back.
pub async fn handle_retries(
    services: &PublishServices,
    messages: &[(String, String)],
    deadline: Deadline,
) -> PublishOutcome {
    let mut outcome = PublishOutcome::default();
    for (id, body) in messages {
        let retry = match serde_json::from_str::<WebhookRetry>(body) {
            Ok(retry) => retry.webhook_retry,
            Err(error) => {
                tracing::error!(message_id = %id, %error, "unreadable webhook retry dropped");
                continue;
            }
        };
        match services
            .dispatch
            .run_endpoint(&retry.business, &retry.endpoint, deadline)
            .await
        {
            Ok(run) => outcome.report += run,
            Err(error) => {
                tracing::warn!(tenant = %retry.business, endpoint = %retry.endpoint, %error, "webhook retry to run again");
                outcome.retry.push(id.clone());
            }
        }
    }
    outcome
}
