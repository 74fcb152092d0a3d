//! The schedules port on EventBridge Scheduler: one one-shot schedule per planned message, in a
//! dedicated group, named by the message key.
//!
//! **Time zones.** The core computes every due instant in UTC (day offsets already resolved on
//! the business's wall clock, DST included), so each schedule is `at(YYYY-MM-DDTHH:MM:SS)` with
//! `ScheduleExpressionTimezone = UTC`: the scheduler never does calendar arithmetic of its own,
//! and a DST change between planning and firing cannot shift a message.
//!
//! **Recurring (digests).** One schedule per digest recipient:
//! `cron(MM HH * * ? *)` with `ScheduleExpressionTimezone` = the recipient's IANA zone, so the
//! local time holds across DST (the scheduler's job), `ActionAfterCompletion NONE`, and an input carrying `<aws.scheduler.scheduled-time>` (the
//! digest's day is decided from it when it fires). Its name hashes the time and zone, so a new
//! time is a new schedule and the old one is deleted.
//!
//! Each schedule targets its message's lane of the send queue, its business as the message
//! group (a fair share of the lane, see [`crate::sqs`]): `FlexibleTimeWindow OFF`, `ActionAfterCompletion DELETE` (nothing piles up),
//! a retry policy, an SQS dead-letter queue, and as input `{"key": …}` — which message, never
//! its content (rendered at send time). Creating a name that exists and deleting one that is
//! gone both count as done, so replays are harmless.

use crate::sdk_error::{code, describe};
use async_trait::async_trait;
use aws_sdk_scheduler::Client;
use aws_sdk_scheduler::types::{
    ActionAfterCompletion, DeadLetterConfig, FlexibleTimeWindow, FlexibleTimeWindowMode,
    RetryPolicy, SqsParameters, Target,
};
use chrono::{DateTime, Duration, DurationRound, Utc};
use rappel_core::message::{Lane, RecurringSchedule, ScheduleName};
use rappel_core::settings::LocalTime;
use rappel_ports::schedules::{ScheduleEntry, ScheduleError, Schedules, SendRequest};

/// Where and how schedules deliver their input: onto the send queue's lane (a templated SQS
/// target), whose consumer paces the sends.
#[derive(Debug, Clone)]
pub struct ScheduleTarget {
    pub group: String,
    pub send_queue_arn: String,
    /// The bulk lane's queue.
    pub bulk_send_queue_arn: String,
    pub role_arn: String,
    pub dead_letter_arn: String,
    /// Attempts after the first failure before the input goes to the dead-letter queue.
    pub max_retries: i32,
    /// A message older than this is dead-lettered rather than sent late.
    pub max_event_age_seconds: i32,
}

impl ScheduleTarget {
    pub const DEFAULT_MAX_RETRIES: i32 = 10;
    pub const DEFAULT_MAX_EVENT_AGE_SECONDS: i32 = 2 * 3600;
}

#[derive(Debug, Clone)]
pub struct EventBridgeSchedules {
    client: Client,
    target: ScheduleTarget,
}

impl EventBridgeSchedules {
    pub fn new(client: Client, target: ScheduleTarget) -> Self {
        Self { client, target }
    }
}

/// The `at()` expression for a due instant, in UTC, rounded up to the whole second so a
/// schedule never fires before its message is due.
pub fn at_expression(due: DateTime<Utc>) -> String {
    let whole = due.duration_trunc(Duration::seconds(1)).unwrap_or(due);
    let fire = if whole < due {
        whole + Duration::seconds(1)
    } else {
        whole
    };
    format!("at({})", fire.format("%Y-%m-%dT%H:%M:%S"))
}

pub const SCHEDULE_TIME_ZONE: &str = "UTC";

/// The `cron()` expression of a daily schedule at `at` (read in the schedule's own zone).
pub fn daily_expression(at: LocalTime) -> String {
    format!("cron({} {} * * ? *)", at.minute(), at.hour())
}

fn failure(what: &str, error: String) -> ScheduleError {
    ScheduleError(format!("{what}: {error}"))
}

/// CloudWatch metrics (namespace `Rappel`, the function's dimension): schedules this function
/// created and deleted (a `ConflictException` or `ResourceNotFoundException` counts nothing: the
/// schedule was there already, or gone), and creations refused because the account holds its
/// quota of schedules. With the send function's `ScheduleFirings` (a one-shot schedule deletes
/// itself once fired), the template's alarm follows the net growth of the group.
pub const SCHEDULES_CREATED_METRIC: &str = "SchedulesCreated";
pub const SCHEDULES_DELETED_METRIC: &str = "SchedulesDeleted";
pub const SCHEDULE_QUOTA_METRIC: &str = "ScheduleQuotaExceeded";

/// What a one-shot schedule's input carries beside its send request, so the send function can
/// count the firings of one-shot schedules (`"via": "schedule"`; readers ignore it).
pub const VIA_SCHEDULE: (&str, &str) = ("via", "schedule");

fn created_or_counted<T, E>(
    result: Result<T, aws_sdk_scheduler::error::SdkError<E>>,
    what: &str,
) -> Result<(), ScheduleError>
where
    E: aws_sdk_scheduler::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match result {
        Ok(_) => {
            metrics::counter!(SCHEDULES_CREATED_METRIC).increment(1);
            Ok(())
        }
        // Same name = same message key (the name hashes it): already scheduled. moto answers
        // HTTP 400 where AWS answers 409, so the code decides, not the status.
        Err(error) if code(&error) == Some("ConflictException") => Ok(()),
        Err(error) => {
            if code(&error) == Some("ServiceQuotaExceededException") {
                metrics::counter!(SCHEDULE_QUOTA_METRIC).increment(1);
            }
            Err(failure(what, describe(&error)))
        }
    }
}

impl EventBridgeSchedules {
    /// The target of a schedule whose input is `request`'s: its lane's queue, its business as
    /// the message group.
    fn target(&self, request: &SendRequest, input: String) -> Result<Target, ScheduleError> {
        let queue = match request.lane() {
            Lane::Urgent => &self.target.send_queue_arn,
            Lane::Bulk => &self.target.bulk_send_queue_arn,
        };
        let group = SqsParameters::builder()
            .message_group_id(request.tenant().to_string())
            .build();
        Target::builder()
            .arn(queue)
            .role_arn(&self.target.role_arn)
            .input(input)
            .sqs_parameters(group)
            .retry_policy(
                RetryPolicy::builder()
                    .maximum_retry_attempts(self.target.max_retries)
                    .maximum_event_age_in_seconds(self.target.max_event_age_seconds)
                    .build(),
            )
            .dead_letter_config(
                DeadLetterConfig::builder()
                    .arn(&self.target.dead_letter_arn)
                    .build(),
            )
            .build()
            .map_err(|e| failure("schedule target", e.to_string()))
    }
}

fn no_window() -> Result<FlexibleTimeWindow, ScheduleError> {
    FlexibleTimeWindow::builder()
        .mode(FlexibleTimeWindowMode::Off)
        .build()
        .map_err(|e| failure("schedule window", e.to_string()))
}

#[async_trait]
impl Schedules for EventBridgeSchedules {
    async fn create(&self, entry: ScheduleEntry) -> Result<(), ScheduleError> {
        let request = entry.request();
        let mut input =
            serde_json::to_value(&request).map_err(|e| failure("schedule input", e.to_string()))?;
        if let Some(fields) = input.as_object_mut() {
            fields.insert(VIA_SCHEDULE.0.into(), VIA_SCHEDULE.1.into());
        }
        let input = input.to_string();
        let target = self.target(&request, input)?;
        let window = no_window()?;
        let result = self
            .client
            .create_schedule()
            .name(entry.name.as_str())
            .group_name(&self.target.group)
            .schedule_expression(at_expression(entry.due))
            .schedule_expression_timezone(SCHEDULE_TIME_ZONE)
            .flexible_time_window(window)
            .action_after_completion(ActionAfterCompletion::Delete)
            .target(target)
            .send()
            .await;
        created_or_counted(result, "create schedule")
    }

    /// No `StartDate`: a new schedule fires from its next occurrence on by itself (and the
    /// service refuses a start more than 5 minutes in the past, which a slow retry could send).
    async fn create_recurring(
        &self,
        schedule: &RecurringSchedule,
        _starts: DateTime<Utc>,
    ) -> Result<(), ScheduleError> {
        let firing = SendRequest::Digest {
            trigger: schedule.trigger.clone(),
            fired_at: DateTime::<Utc>::MIN_UTC,
        };
        let target = self.target(&firing, SendRequest::recurring_input(&schedule.trigger))?;
        let result = self
            .client
            .create_schedule()
            .name(schedule.name.as_str())
            .group_name(&self.target.group)
            .schedule_expression(daily_expression(schedule.at))
            .schedule_expression_timezone(schedule.zone.name())
            .flexible_time_window(no_window()?)
            .action_after_completion(ActionAfterCompletion::None)
            .target(target)
            .send()
            .await;
        // The name hashes recipient, time and zone: a conflict is the same schedule.
        created_or_counted(result, "create recurring schedule")
    }

    async fn delete(&self, name: &ScheduleName) -> Result<(), ScheduleError> {
        let result = self
            .client
            .delete_schedule()
            .name(name.as_str())
            .group_name(&self.target.group)
            .send()
            .await;
        match result {
            Ok(_) => {
                metrics::counter!(SCHEDULES_DELETED_METRIC).increment(1);
                Ok(())
            }
            // Already fired (and deleted after completion) or withdrawn before: done.
            Err(error) if code(&error) == Some("ResourceNotFoundException") => Ok(()),
            Err(error) => Err(failure("delete schedule", describe(&error))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_daily_time_is_a_cron_expression_minute_first() {
        assert_eq!(
            daily_expression(LocalTime::parse("07:05").unwrap()),
            "cron(5 7 * * ? *)"
        );
        assert_eq!(
            daily_expression(LocalTime::parse("18:30").unwrap()),
            "cron(30 18 * * ? *)"
        );
    }

    #[test]
    fn a_due_instant_on_the_second_is_scheduled_at_that_second_in_utc() {
        let due = Utc.with_ymd_and_hms(2026, 3, 28, 9, 0, 0).unwrap();
        assert_eq!(at_expression(due), "at(2026-03-28T09:00:00)");
    }

    #[test]
    fn a_due_instant_between_seconds_is_rounded_up_never_early() {
        let due = Utc.with_ymd_and_hms(2026, 3, 28, 9, 0, 0).unwrap() + Duration::milliseconds(1);
        assert_eq!(at_expression(due), "at(2026-03-28T09:00:01)");
    }
}
