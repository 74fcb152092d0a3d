//! An endpoint's next run, on the webhook retry queue (the publish function consumes it):
//! within SQS's 15-minute delay a message with that delay (the 5-second and 5-minute
//! retries, a run continued at once), later a one-shot schedule in the schedules' group that
//! puts the same message on the queue then (its name: the endpoint and the time, so asking
//! twice is one schedule). The message names the endpoint, never an event.

use crate::scheduler::{SCHEDULE_TIME_ZONE, at_expression};
use crate::sdk_error::{code, describe};
use async_trait::async_trait;
use aws_sdk_scheduler::types::{
    ActionAfterCompletion, DeadLetterConfig, FlexibleTimeWindow, FlexibleTimeWindowMode,
    RetryPolicy, Target,
};
use chrono::{DateTime, Utc};
use rappel_core::events::WebhookEndpoint;
use rappel_ports::clock::Clock;
use rappel_ports::webhooks::{WebhookRetries, WebhookRetry, WebhookStoreError};
use std::sync::Arc;

/// SQS delays a message at most this long.
pub const MAX_QUEUE_DELAY_SECONDS: i64 = 900;

#[derive(Clone)]
pub struct QueuedWebhookRetries {
    pub sqs: aws_sdk_sqs::Client,
    pub queue_url: String,
    /// How retries beyond the queue's delay are scheduled; none where only runs "now" are
    /// asked for (the API, enabling an endpoint).
    pub later: Option<ScheduledRetries>,
    pub clock: Arc<dyn Clock>,
    /// Retries within this many seconds go on the queue delayed, later ones through a
    /// schedule ([`MAX_QUEUE_DELAY_SECONDS`]; the emulator tests' harness, which stands in for
    /// time, takes 0: every later retry is a schedule it fires on its clock).
    pub queue_delay_up_to: i64,
}

/// The one-shot schedules that bring a later retry onto the queue.
#[derive(Clone)]
pub struct ScheduledRetries {
    pub scheduler: aws_sdk_scheduler::Client,
    pub queue_arn: String,
    pub group: String,
    pub role_arn: String,
    pub dead_letter_arn: String,
}

fn failed(what: &str, error: String) -> WebhookStoreError {
    WebhookStoreError(format!("{what}: {error}"))
}

#[async_trait]
impl WebhookRetries for QueuedWebhookRetries {
    async fn retry_at(
        &self,
        endpoint: &WebhookEndpoint,
        at: DateTime<Utc>,
    ) -> Result<(), WebhookStoreError> {
        let body = serde_json::to_string(&WebhookRetry::of(endpoint))
            .map_err(|e| failed("webhook retry", e.to_string()))?;
        let wait = (at - self.clock.now()).num_seconds().max(0);
        if wait <= self.queue_delay_up_to.min(MAX_QUEUE_DELAY_SECONDS) {
            self.sqs
                .send_message()
                .queue_url(&self.queue_url)
                .message_body(body)
                .delay_seconds(i32::try_from(wait).unwrap_or(0))
                .send()
                .await
                .map_err(|e| failed("queue webhook retry", describe(&e)))?;
            return Ok(());
        }
        let Some(later) = &self.later else {
            return Err(failed(
                "webhook retry",
                format!("{wait} s away and no schedules to bring it"),
            ));
        };
        let target = Target::builder()
            .arn(&later.queue_arn)
            .role_arn(&later.role_arn)
            .input(body)
            .retry_policy(RetryPolicy::builder().maximum_retry_attempts(10).build())
            .dead_letter_config(
                DeadLetterConfig::builder()
                    .arn(&later.dead_letter_arn)
                    .build(),
            )
            .build()
            .map_err(|e| failed("webhook retry target", e.to_string()))?;
        let window = FlexibleTimeWindow::builder()
            .mode(FlexibleTimeWindowMode::Off)
            .build()
            .map_err(|e| failed("webhook retry window", e.to_string()))?;
        let result = later
            .scheduler
            .create_schedule()
            .name(format!("{}.{}", endpoint.id, at.timestamp()))
            .group_name(&later.group)
            .schedule_expression(at_expression(at))
            .schedule_expression_timezone(SCHEDULE_TIME_ZONE)
            .flexible_time_window(window)
            .action_after_completion(ActionAfterCompletion::Delete)
            .target(target)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            // Same endpoint, same time: asked for already.
            Err(error) if code(&error) == Some("ConflictException") => Ok(()),
            Err(error) => Err(failed("schedule webhook retry", describe(&error))),
        }
    }
}
