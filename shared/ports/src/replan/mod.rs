//! Re-plans as bounded work: a change that affects many subjects becomes a job of steps on the
//! re-plan queue ([`ReplanWork`]), each step bounded, idempotent and resumable, processed in
//! parallel by the re-plan function (the local runtime locally); and the job's progress, per
//! business, counted exactly once per step ([`ReplanProgress`]).

mod memory;
mod work;

use crate::send_queue::QueueError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::TenantId;
use serde::{Deserialize, Serialize};

pub use memory::MemoryProgress;
pub use work::{
    LIST_PAGE, PLAN_SIZE, REPLAN_WORK_VERSION, ReplanCause, ReplanJob, ReplanStep, ReplanWork,
};

/// Where re-plan steps wait for the re-plan function.
#[async_trait]
pub trait ReplanQueue: Send + Sync {
    /// Puts steps on the queue, all or none reported as failed.
    async fn enqueue(&self, work: &[ReplanWork]) -> Result<(), QueueError>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplanState {
    /// Steps are still waiting or running.
    Running,
    /// Every step of every job begun so far is done.
    Done,
}

/// A business's re-plans, as the API shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplanStatus {
    pub state: ReplanState,
    /// The cause of the latest job begun (`settings`, `appointment_type`, `staff`, `repair`).
    pub cause: String,
    /// The latest job begun.
    pub job: String,
    /// The settings version the latest settings job re-plans for.
    pub settings_version: Option<u64>,
    /// Subjects re-planned, and found so far, by the jobs since the business was last idle.
    pub done: u64,
    pub total: u64,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A job begins with `steps` steps queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStart<'a> {
    pub tenant: &'a TenantId,
    pub job: &'a str,
    /// [`ReplanWork::start_id`].
    pub start_id: &'a str,
    pub cause: &'a str,
    pub settings_version: Option<u64>,
    pub steps: u32,
    pub at: DateTime<Utc>,
}

/// A step finished: it found `found` subjects (a list step), re-planned `done` (a plan step)
/// and queued `spawned` steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDone<'a> {
    pub tenant: &'a TenantId,
    pub job: &'a str,
    pub step: &'a str,
    pub found: u64,
    pub done: u64,
    pub spawned: u32,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the re-plan progress is unavailable: {0}")]
pub struct ProgressError(pub String);

/// The progress of a business's re-plans. Counted exactly once per step whatever the
/// deliveries: a step already counted, or of a job from before the business was last idle, is
/// ignored. Jobs overlapping (two changes in a row) are counted together.
#[async_trait]
pub trait ReplanProgress: Send + Sync {
    async fn begin(&self, start: &JobStart<'_>) -> Result<(), ProgressError>;
    async fn step_done(&self, step: &StepDone<'_>) -> Result<(), ProgressError>;
    async fn status(&self, tenant: &TenantId) -> Result<Option<ReplanStatus>, ProgressError>;
}
