//! The dispatcher: for each endpoint due, the business's events after its cursor, posted one
//! at a time in stream order — `webhook-id` the event's id (the same on every retry: a
//! receiver drops a duplicate by it), `webhook-timestamp` now, `webhook-signature` one `v1`
//! per secret in force. A 2xx moves the cursor; anything else stops the endpoint there until
//! its next attempt ([`WebhookEndpoint::failed`]): nothing is lost, and the order is kept. At
//! most [`PAGE`] events per endpoint per pass, so one busy endpoint never holds the others.

use chrono::{DateTime, Duration, Utc};
use rappel_core::events::{
    AfterFailure, DeliveryEvent, EventWebhook, WebhookEndpoint, signature_header,
};
use rappel_core::model::TenantId;
use rappel_ports::clock::Clock;
use rappel_ports::deadline::{CALL_BOUND, Deadline};
use rappel_ports::events::{EventError, EventLog};
use rappel_ports::webhooks::{WebhookPoster, WebhookRetries, WebhookStore, WebhookStoreError};
use std::sync::Arc;

/// Events read per page.
pub const PAGE: usize = 100;
/// Pages one run posts to one endpoint (1,000 events) before it hands the rest to a run of
/// its own, right away ([`WebhookRetries`]): one endpoint's backlog never holds the others.
pub const PAGES_PER_RUN: usize = 10;
/// The longest one post can take (the posters' timeout), with the endpoint's save after it:
/// a post is only begun when this much of the invocation is left.
pub const POST_BOUND: std::time::Duration =
    std::time::Duration::from_secs(5 + CALL_BOUND.as_secs());

#[derive(Clone)]
pub struct WebhookDispatch {
    pub events: Arc<dyn EventLog>,
    pub store: Arc<dyn WebhookStore>,
    pub poster: Arc<dyn WebhookPoster>,
    /// What brings an endpoint back: at its next attempt after a failure, or at once when a
    /// run stopped with events left.
    pub retries: Arc<dyn WebhookRetries>,
    pub clock: Arc<dyn Clock>,
    /// The clock a signature's `webhook-timestamp` is read from: the real one even where
    /// `clock` is virtual (the local stack), since a receiver checks it against its own.
    pub wall: Arc<dyn Clock>,
    /// How old an event must be to be posted (0 where writes are never concurrent: the local
    /// stack; the settle window of `GET /v1/events` elsewhere).
    pub settle: Duration,
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DispatchReport {
    pub posted: usize,
    pub failed: usize,
    pub disabled: usize,
    /// Runs that stopped with events left (the page bound or the deadline): continued by a
    /// retry at once.
    pub continued: usize,
}

impl std::ops::AddAssign for DispatchReport {
    fn add_assign(&mut self, run: Self) {
        self.posted += run.posted;
        self.failed += run.failed;
        self.disabled += run.disabled;
        self.continued += run.continued;
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    #[error(transparent)]
    Events(#[from] EventError),
    #[error(transparent)]
    Store(#[from] WebhookStoreError),
}

/// How an endpoint's run ended.
enum RunEnd {
    CaughtUp,
    More,
    Failed(AfterFailure),
}

impl WebhookDispatch {
    /// One run of every endpoint due now, of every business (the local stack, which holds
    /// them all in memory).
    pub async fn run_due(&self) -> DispatchReport {
        let now = self.clock.now();
        let mut report = DispatchReport::default();
        let endpoints = match self.store.due(now).await {
            Ok(endpoints) => endpoints,
            Err(error) => {
                tracing::warn!(%error, "webhook endpoints unreadable");
                return report;
            }
        };
        for endpoint in endpoints {
            if let Err(error) = self.run(endpoint, now, Deadline::NONE, &mut report).await {
                tracing::warn!(%error, "a webhook endpoint's run stopped");
            }
        }
        report
    }

    /// One run of each of `tenant`'s endpoints that is due (new events of that business
    /// arrived); a failing endpoint waits for its own retry.
    pub async fn run_business(
        &self,
        tenant: &TenantId,
        deadline: Deadline,
    ) -> Result<DispatchReport, DispatchError> {
        let now = self.clock.now();
        let mut report = DispatchReport::default();
        for endpoint in self.store.of_business(tenant).await? {
            if endpoint.is_due(now) {
                self.run(endpoint, now, deadline, &mut report).await?;
            }
        }
        Ok(report)
    }

    /// One run of the endpoint `id` of `tenant`, if it is still there and due (its retry).
    pub async fn run_endpoint(
        &self,
        tenant: &TenantId,
        id: &str,
        deadline: Deadline,
    ) -> Result<DispatchReport, DispatchError> {
        let now = self.clock.now();
        let mut report = DispatchReport::default();
        let endpoint = self
            .store
            .of_business(tenant)
            .await?
            .into_iter()
            .find(|e| e.id == id);
        if let Some(endpoint) = endpoint.filter(|e| e.is_due(now)) {
            self.run(endpoint, now, deadline, &mut report).await?;
        }
        Ok(report)
    }

    async fn run(
        &self,
        mut endpoint: WebhookEndpoint,
        now: DateTime<Utc>,
        deadline: Deadline,
        report: &mut DispatchReport,
    ) -> Result<(), DispatchError> {
        let before = endpoint.clone();
        let mut end = RunEnd::More;
        'pages: for _ in 0..PAGES_PER_RUN {
            let page = self
                .events
                .page(
                    &endpoint.tenant,
                    endpoint.cursor.as_deref(),
                    PAGE,
                    now - self.settle,
                )
                .await?;
            for positioned in &page.events {
                let event = &positioned.event;
                if !endpoint.wants(event.event_type) {
                    endpoint.accepted(positioned.position.clone());
                    continue;
                }
                if !deadline.allows(POST_BOUND) {
                    end = RunEnd::More;
                    break 'pages;
                }
                match self.post(&endpoint, event, now).await {
                    Ok(()) => {
                        endpoint.accepted(positioned.position.clone());
                        report.posted += 1;
                    }
                    Err(error) => {
                        report.failed += 1;
                        end = RunEnd::Failed(endpoint.failed(error, now));
                        break 'pages;
                    }
                }
            }
            if page.next.is_none() {
                end = RunEnd::CaughtUp;
                break;
            }
        }
        match end {
            RunEnd::CaughtUp => {}
            RunEnd::More => {
                report.continued += 1;
                self.retries.retry_at(&endpoint, now).await?;
            }
            RunEnd::Failed(AfterFailure::RetryAt(at)) => {
                tracing::info!(tenant = %endpoint.tenant, endpoint = %endpoint.id, %at, "webhook refused; retried later");
                // The retry is asked for before the state that waits for it is saved: a
                // failing endpoint is never left without one.
                self.retries.retry_at(&endpoint, at).await?;
            }
            RunEnd::Failed(AfterFailure::Disable) => {
                report.disabled += 1;
                tracing::error!(tenant = %endpoint.tenant, endpoint = %endpoint.id, "webhook endpoint failing for days: disabled");
                // Published before the endpoint is saved disabled: a run that stops between
                // the two disables it again, publishing the same event (same id).
                self.events
                    .append(&[disabled_event(&endpoint, now)])
                    .await?;
            }
        }
        if endpoint != before {
            self.store.save(&endpoint).await?;
        }
        Ok(())
    }

    async fn post(
        &self,
        endpoint: &WebhookEndpoint,
        event: &DeliveryEvent,
        now: DateTime<Utc>,
    ) -> Result<(), String> {
        let body = serde_json::to_string(event).map_err(|e| e.to_string())?;
        let timestamp = self.wall.now().timestamp();
        let signature =
            signature_header(&endpoint.signing_secrets(now), &event.id, timestamp, &body);
        let headers = [
            ("webhook-id", event.id.clone()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signature),
            ("content-type", "application/json".to_owned()),
        ];
        self.poster
            .post(endpoint.url.as_str(), &headers, body)
            .await
            .map_err(|failure| failure.0)
    }
}

/// The `webhook.disabled` event of `endpoint`, just disabled at `now` (its failing streak
/// names the event: the same streak disabled twice is one event).
fn disabled_event(endpoint: &WebhookEndpoint, now: DateTime<Utc>) -> DeliveryEvent {
    DeliveryEvent::webhook_disabled(
        EventWebhook {
            id: endpoint.id.clone(),
            url: endpoint.url.as_str().to_owned(),
            failing_since: endpoint.failing_since,
            last_error: endpoint.last_error.clone(),
        },
        endpoint.tenant.clone(),
        now,
    )
}
