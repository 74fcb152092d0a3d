//! The dispatcher: for each endpoint due, the business's events after its cursor, posted one
//! at a time in stream order — `webhook-id` the event's id (the same on every retry: a
//! receiver drops a duplicate by it), `webhook-timestamp` now, `webhook-signature` one `v1`
//! per secret in force. A 2xx moves the cursor; anything else stops the endpoint there until
//! its next attempt ([`WebhookEndpoint::failed`]): nothing is lost, and the order is kept. At
//! most [`PAGE`] events per endpoint per pass, so one busy endpoint never holds the others.

use chrono::{DateTime, Duration, Utc};
use rappel_core::events::{AfterFailure, DeliveryEvent, WebhookEndpoint, signature_header};
use rappel_ports::clock::Clock;
use rappel_ports::events::{EventError, EventLog};
use rappel_ports::webhooks::{WebhookPoster, WebhookStore, WebhookStoreError};
use std::sync::Arc;

/// Events posted per endpoint per pass.
pub const PAGE: usize = 100;

#[derive(Clone)]
pub struct WebhookDispatch {
    pub events: Arc<dyn EventLog>,
    pub store: Arc<dyn WebhookStore>,
    pub poster: Arc<dyn WebhookPoster>,
    pub clock: Arc<dyn Clock>,
    /// The clock a signature's `webhook-timestamp` is read from: the real one even where
    /// `clock` is virtual (the local stack), since a receiver checks it against its own.
    pub wall: Arc<dyn Clock>,
    /// How old an event must be to be posted (0 where writes are never concurrent: the local
    /// stack; the settle window of `GET /v1/events` elsewhere).
    pub settle: Duration,
}

/// What a pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DispatchReport {
    pub posted: usize,
    pub failed: usize,
    pub disabled: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    #[error(transparent)]
    Events(#[from] EventError),
    #[error(transparent)]
    Store(#[from] WebhookStoreError),
}

impl WebhookDispatch {
    /// One pass over every endpoint due now.
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
            if let Err(error) = self.run(endpoint, now, &mut report).await {
                tracing::warn!(%error, "a webhook endpoint's pass stopped");
            }
        }
        report
    }

    async fn run(
        &self,
        mut endpoint: WebhookEndpoint,
        now: DateTime<Utc>,
        report: &mut DispatchReport,
    ) -> Result<(), DispatchError> {
        let page = self
            .events
            .page(
                &endpoint.tenant,
                endpoint.cursor.as_deref(),
                PAGE,
                now - self.settle,
            )
            .await?;
        if page.events.is_empty() {
            return Ok(());
        }
        let before = endpoint.clone();
        for positioned in &page.events {
            let event = &positioned.event;
            if !endpoint.wants(event.event_type) {
                endpoint.accepted(positioned.position.clone());
                continue;
            }
            match self.post(&endpoint, event, now).await {
                Ok(()) => {
                    endpoint.accepted(positioned.position.clone());
                    report.posted += 1;
                }
                Err(error) => {
                    report.failed += 1;
                    match endpoint.failed(error, now) {
                        AfterFailure::RetryAt(at) => {
                            tracing::info!(tenant = %endpoint.tenant, endpoint = %endpoint.id, %at, "webhook refused; retried later");
                        }
                        AfterFailure::Disable => {
                            report.disabled += 1;
                            tracing::error!(tenant = %endpoint.tenant, endpoint = %endpoint.id, "webhook endpoint failing for days: disabled");
                        }
                    }
                    break;
                }
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
