//! A business's re-plan progress on DynamoDB: one item in the deliveries table (no stream:
//! counting never wakes the change handler), `R#<tenant>` / `R`, updated with conditional
//! `UpdateItem`s so that each step counts once however often it is delivered (`step_ids`, a
//! string set of the steps counted) and only for the jobs begun since the business was last
//! idle (`job_ids`). The functions that write it may write nothing else of the table (their
//! policy's `dynamodb:LeadingKeys` condition).

use super::codec::{Item, n, s};
use super::keys;
use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use rappel_core::model::TenantId;
use rappel_ports::replan::{
    JobStart, ProgressError, ReplanProgress, ReplanState, ReplanStatus, StepDone,
};

#[derive(Debug, Clone)]
pub struct DynamoProgress {
    client: Client,
    table: String,
}

fn set_of(value: &str) -> AttributeValue {
    AttributeValue::Ss(vec![value.to_owned()])
}

fn instant(at: DateTime<Utc>) -> AttributeValue {
    s(at.to_rfc3339())
}

fn failed_its_condition(error: &aws_sdk_dynamodb::error::SdkError<UpdateItemError>) -> bool {
    matches!(
        error.as_service_error(),
        Some(UpdateItemError::ConditionalCheckFailedException(_))
    )
}

impl DynamoProgress {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn update(
        &self,
        tenant: &TenantId,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::progress_pk(tenant)))
            .key(keys::SK, s(keys::PROGRESS_SK))
    }
}

#[async_trait]
impl ReplanProgress for DynamoProgress {
    async fn begin(&self, start: &JobStart<'_>) -> Result<(), ProgressError> {
        let version = start.settings_version.map(n);
        // `SET …` with the settings version when the job has one, then the rest.
        let with_version = |set: &str, rest: &str| match version {
            Some(_) => format!("{set}, settings_version = :version {rest}"),
            None => format!("{set} {rest}"),
        };
        for _ in 0..3 {
            // Idle (or new): the counts start afresh with this job.
            let afresh = self
                .update(start.tenant)
                .update_expression(with_version(
                    "SET replan_cause = :cause, replan_job = :job, done_count = :zero, \
                     found_count = :zero, pending_steps = :steps, started_at = :at, \
                     updated_at = :at, job_ids = :jobs, step_ids = :start",
                    "",
                ))
                .condition_expression(
                    "(attribute_not_exists(pk) OR pending_steps <= :zero) AND NOT contains(step_ids, :start_id)",
                )
                .expression_attribute_values(":cause", s(start.cause))
                .expression_attribute_values(":job", s(start.job))
                .expression_attribute_values(":zero", n(0))
                .expression_attribute_values(":steps", n(start.steps))
                .expression_attribute_values(":at", instant(start.at))
                .expression_attribute_values(":jobs", set_of(start.job))
                .expression_attribute_values(":start", set_of(start.start_id))
                .expression_attribute_values(":start_id", s(start.start_id));
            let afresh = match &version {
                Some(v) => afresh.expression_attribute_values(":version", v.clone()),
                None => afresh,
            }
            .send()
            .await;
            match afresh {
                Ok(_) => return Ok(()),
                Err(error) if failed_its_condition(&error) => {}
                Err(error) => return Err(ProgressError(describe(&error))),
            }
            // Running: this job joins the ones under way.
            let joined = self
                .update(start.tenant)
                .update_expression(with_version(
                    "SET replan_cause = :cause, replan_job = :job, updated_at = :at",
                    "ADD pending_steps :steps, job_ids :jobs, step_ids :start",
                ))
                .condition_expression(
                    "attribute_exists(pk) AND pending_steps > :zero AND NOT contains(step_ids, :start_id)",
                )
                .expression_attribute_values(":cause", s(start.cause))
                .expression_attribute_values(":job", s(start.job))
                .expression_attribute_values(":zero", n(0))
                .expression_attribute_values(":steps", n(start.steps))
                .expression_attribute_values(":at", instant(start.at))
                .expression_attribute_values(":jobs", set_of(start.job))
                .expression_attribute_values(":start", set_of(start.start_id))
                .expression_attribute_values(":start_id", s(start.start_id));
            let joined = match &version {
                Some(v) => joined.expression_attribute_values(":version", v.clone()),
                None => joined,
            }
            .send()
            .await;
            match joined {
                Ok(_) => return Ok(()),
                Err(error) if failed_its_condition(&error) => {
                    // Already begun (a change delivered again)? Then nothing to do; else the
                    // business went idle in between: start afresh.
                    if self.already_counted(start.tenant, start.start_id).await? {
                        return Ok(());
                    }
                }
                Err(error) => return Err(ProgressError(describe(&error))),
            }
        }
        Err(ProgressError(format!(
            "could not begin {}: the progress kept changing",
            start.job
        )))
    }

    async fn step_done(&self, step: &StepDone<'_>) -> Result<(), ProgressError> {
        let result = self
            .update(step.tenant)
            .update_expression(
                "SET updated_at = :at \
                 ADD done_count :done, found_count :found, pending_steps :pending, step_ids :step",
            )
            .condition_expression("contains(job_ids, :job) AND NOT contains(step_ids, :step_id)")
            .expression_attribute_values(":at", instant(step.at))
            .expression_attribute_values(":done", n(step.done))
            .expression_attribute_values(":found", n(step.found))
            .expression_attribute_values(":pending", n(i64::from(step.spawned) - 1))
            .expression_attribute_values(":step", set_of(step.step))
            .expression_attribute_values(":step_id", s(step.step))
            .expression_attribute_values(":job", s(step.job))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            // Counted already, or a step of a job from before the business was last idle.
            Err(error) if failed_its_condition(&error) => Ok(()),
            Err(error) => Err(ProgressError(describe(&error))),
        }
    }

    async fn status(&self, tenant: &TenantId) -> Result<Option<ReplanStatus>, ProgressError> {
        let Some(item) = self.item(tenant).await? else {
            return Ok(None);
        };
        let number = |name: &str| super::codec::number(&item, name).unwrap_or(0);
        let text = |name: &str| {
            super::codec::string(&item, name)
                .unwrap_or_default()
                .to_owned()
        };
        let at = |name: &str| {
            DateTime::parse_from_rfc3339(&text(name))
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| ProgressError(format!("the progress's {name} is not an instant")))
        };
        Ok(Some(ReplanStatus {
            state: if number("pending_steps") > 0 {
                ReplanState::Running
            } else {
                ReplanState::Done
            },
            cause: text("replan_cause"),
            job: text("replan_job"),
            settings_version: super::codec::number(&item, "settings_version")
                .and_then(|v| u64::try_from(v).ok()),
            done: u64::try_from(number("done_count")).unwrap_or(0),
            total: u64::try_from(number("found_count")).unwrap_or(0),
            started_at: at("started_at")?,
            updated_at: at("updated_at")?,
        }))
    }
}

impl DynamoProgress {
    async fn item(&self, tenant: &TenantId) -> Result<Option<Item>, ProgressError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::progress_pk(tenant)))
            .key(keys::SK, s(keys::PROGRESS_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| ProgressError(describe(&e)))?;
        Ok(output.item().cloned())
    }

    async fn already_counted(&self, tenant: &TenantId, step: &str) -> Result<bool, ProgressError> {
        Ok(self
            .item(tenant)
            .await?
            .and_then(|item| item.get("step_ids").cloned())
            .is_some_and(|steps| {
                steps
                    .as_ss()
                    .is_ok_and(|steps| steps.iter().any(|s| s == step))
            }))
    }
}
