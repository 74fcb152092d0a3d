//! A piece of re-plan work: one job (what changed, the image from before the change), one
//! step of it. A change that affects many subjects — settings, a type, a staff member — is not
//! re-planned in one invocation: it is a job whose steps each do a bounded amount of work and
//! queue what follows. A **list** step reads one page of a listing and queues a **plan** step
//! per [`PLAN_SIZE`] subjects of it, and the list step of the next page; a plan step re-plans
//! its subjects. Every step is idempotent and has its own id, so a step delivered twice does
//! its work twice (harmlessly: schedules are created and deleted by name) and counts once.
//!
//! The form is versioned like the send requests ([`REPLAN_WORK_VERSION`]): work waits on a
//! queue across deployments.

use crate::records::{Listing, RecordKey};
use chrono::{DateTime, Utc};
use rappel_core::model::{AppointmentType, StaffMember, TenantId};
use rappel_core::settings::BusinessSettings;
use serde::{Deserialize, Serialize};

/// The version this build writes and reads.
pub const REPLAN_WORK_VERSION: u32 = 1;

/// Keys a list step reads in one page (one `Query` of at most this many items).
pub const LIST_PAGE: usize = 500;

/// Subjects one plan step re-plans at most: each needs a few reads and schedule calls, so a
/// step stays far inside its function's timeout.
pub const PLAN_SIZE: usize = 100;

/// What a job re-plans for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum ReplanCause {
    /// The settings changed from `old`: every plan is the diff of the plan under `old` and the
    /// plan under the current settings.
    Settings { old: Box<BusinessSettings> },
    /// An appointment type changed from `old`.
    AppointmentType { old: Box<AppointmentType> },
    /// A staff member changed from `old`.
    Staff { old: Box<StaffMember> },
    /// A repair (`infra/replay-dead-letters.sh replan`): every schedule of the current plans
    /// is created again — deleted first with `recreate` (schedules whose target changed) — and
    /// the messages of the changes made since `changes_since` are queued again.
    Repair {
        #[serde(default)]
        recreate: bool,
        #[serde(default)]
        changes_since: Option<DateTime<Utc>>,
    },
    /// The business changed its retention: what it keeps is stamped again with the periods
    /// of its current settings (no plan changes).
    Retention,
}

impl ReplanCause {
    pub fn name(&self) -> &'static str {
        match self {
            ReplanCause::Settings { .. } => "settings",
            ReplanCause::AppointmentType { .. } => "appointment_type",
            ReplanCause::Staff { .. } => "staff",
            ReplanCause::Repair { .. } => "repair",
            ReplanCause::Retention => "retention",
        }
    }
}

/// One job: a change's re-plan, in one business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplanJob {
    /// Unique in the business and the same for every delivery of the change that started it
    /// (`settings-v7`, `staff-sam-v3`…): a change handled twice starts its job once.
    pub id: String,
    pub tenant: TenantId,
    #[serde(flatten)]
    pub cause: ReplanCause,
}

/// One step of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum ReplanStep {
    /// Begin the job, its listings decided from the business's settings now (a repair:
    /// `infra/replay-dead-letters.sh replan` knows only the business).
    Begin,
    /// Read page `page` of `listing`, from `cursor` on.
    List {
        listing: Listing,
        #[serde(default)]
        cursor: Option<String>,
        page: u32,
    },
    /// Re-plan these subjects of `listing`'s page `page` (its `part`-th share); `rest` counts
    /// the times a step out of time handed its remainder on.
    Plan {
        listing: Listing,
        keys: Vec<RecordKey>,
        page: u32,
        part: u32,
        #[serde(default)]
        rest: u32,
    },
}

/// What the re-plan queue carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplanWork {
    pub v: u32,
    pub job: ReplanJob,
    #[serde(flatten)]
    pub step: ReplanStep,
}

impl ReplanWork {
    pub fn new(job: ReplanJob, step: ReplanStep) -> Self {
        Self {
            v: REPLAN_WORK_VERSION,
            job,
            step,
        }
    }

    /// The first step of a listing.
    pub fn list(job: &ReplanJob, listing: Listing) -> Self {
        Self::new(
            job.clone(),
            ReplanStep::List {
                listing,
                cursor: None,
                page: 0,
            },
        )
    }

    /// The step's id, unique in its job and the same on every delivery of the step.
    pub fn step_id(&self) -> String {
        match &self.step {
            ReplanStep::Begin => format!("{}/begin", self.job.id),
            ReplanStep::List { listing, page, .. } => {
                format!("{}/{}/list-{page}", self.job.id, listing.code())
            }
            ReplanStep::Plan {
                listing,
                page,
                part,
                rest,
                ..
            } => format!(
                "{}/{}/plan-{page}.{part}.{rest}",
                self.job.id,
                listing.code()
            ),
        }
    }

    /// The id a job's start is counted under.
    pub fn start_id(job: &ReplanJob) -> String {
        format!("{}/start", job.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rappel_core::model::TenantId;

    #[test]
    fn work_is_written_with_its_version_and_read_back() {
        let tenant = TenantId::parse("salon-lea").unwrap();
        let job = ReplanJob {
            id: "settings-v3".into(),
            tenant: tenant.clone(),
            cause: ReplanCause::Settings {
                old: Box::new(BusinessSettings::defaults_for(&tenant)),
            },
        };
        let work = ReplanWork::list(&job, Listing::OpenDocuments);
        let json = serde_json::to_string(&work).unwrap();
        assert!(
            json.starts_with(r#"{"v":1,"job":{"id":"settings-v3""#),
            "{json}"
        );
        assert!(json.contains(r#""step":"list""#), "{json}");
        assert_eq!(serde_json::from_str::<ReplanWork>(&json).unwrap(), work);
        assert_eq!(work.step_id(), "settings-v3/documents/list-0");
    }
}
