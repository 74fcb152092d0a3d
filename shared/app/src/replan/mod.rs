//! Re-plans as bounded work. A change that affects many subjects — the settings (every booked
//! appointment, open document, client due for re-engagement and staff member's digest), an
//! appointment type (its appointments), a staff member (theirs) — is not re-planned in the
//! invocation that sees it: it begins a **job** ([`begin`]) whose steps wait on the re-plan
//! queue and are run one at a time by the re-plan function, many at once ([`run_step`]):
//!
//! - a **list** step reads one page of a listing ([`LIST_PAGE`] keys, one query), queues a
//!   plan step per [`PLAN_SIZE`] subjects of it and the list step of the next page (the
//!   cursor: a retry resumes there);
//! - a **plan** step re-plans its subjects (the plan under the old image against the plan of
//!   the current state, as a single change does), a few at a time, and hands its remainder on
//!   as a new step if the invocation's deadline comes first.
//!
//! Every step is idempotent (schedules are created and deleted by name, queued messages are
//! claimed once), and counted once in the business's progress ([`ReplanProgress`]), which
//! `GET /v1/settings` shows.
//!
//! [`ReplanProgress`]: rappel_ports::replan::ReplanProgress

mod jobs;
mod plan;
mod restamp;

pub use jobs::{job_of_retention, job_of_settings, job_of_staff, job_of_type, repair_listings};

use crate::effects::ReactionError;
use crate::services::ReactionServices;
use rappel_core::planning::day::digest_schedules;
use rappel_ports::deadline::Deadline;
use rappel_ports::records::{Listing, TypedRecords};
use rappel_ports::replan::{
    JobStart, LIST_PAGE, PLAN_SIZE, REPLAN_WORK_VERSION, ReplanCause, ReplanJob, ReplanStep,
    ReplanWork, StepDone,
};

/// What one step did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepReport {
    /// Keys a list step read.
    pub listed: usize,
    /// Subjects a plan step re-planned.
    pub planned: usize,
    /// Steps it queued.
    pub spawned: usize,
}

/// Begins `job`: its progress, then the first list step of each listing. Idempotent: the
/// change delivered again begins nothing more.
pub async fn begin(
    s: &ReactionServices,
    job: &ReplanJob,
    listings: Vec<Listing>,
    settings_version: Option<u64>,
) -> Result<(), ReactionError> {
    if listings.is_empty() {
        return Ok(());
    }
    let start_id = ReplanWork::start_id(job);
    s.progress
        .begin(&JobStart {
            tenant: &job.tenant,
            job: &job.id,
            start_id: &start_id,
            cause: job.cause.name(),
            settings_version,
            steps: u32::try_from(listings.len()).unwrap_or(u32::MAX),
            at: s.clock.now(),
        })
        .await?;
    let steps: Vec<ReplanWork> = listings
        .into_iter()
        .map(|listing| ReplanWork::list(job, listing))
        .collect();
    s.replans.enqueue(&steps).await?;
    tracing::info!(job = %job.id, cause = job.cause.name(), steps = steps.len(), "re-plan job begun");
    Ok(())
}

/// Runs one step inside `deadline`.
pub async fn run_step(
    s: &ReactionServices,
    work: &ReplanWork,
    deadline: Deadline,
) -> Result<StepReport, ReactionError> {
    if work.v != REPLAN_WORK_VERSION {
        return Err(ReactionError::Unreadable(format!(
            "re-plan work of version {}, this release reads version {REPLAN_WORK_VERSION}",
            work.v
        )));
    }
    match &work.step {
        ReplanStep::Begin => {
            // A repair: the managers' digests at once (the settings list them), the rest as
            // listings that depend on the business's settings now.
            let settings = s.records.settings(&work.job.tenant).await?;
            let managers = digest_schedules(&settings, &[]);
            if let ReplanCause::Repair { recreate: true, .. } = work.job.cause {
                for schedule in &managers {
                    s.schedules.delete(&schedule.name).await?;
                }
            }
            let mut reaction = crate::effects::Reaction::default();
            crate::effects::apply_recurring(s, &[], &managers, &mut reaction).await?;
            begin(
                s,
                &work.job,
                repair_listings(&settings, s.clock.now()),
                None,
            )
            .await?;
            Ok(StepReport::default())
        }
        ReplanStep::List {
            listing,
            cursor,
            page,
        } => list(s, work, listing, cursor.as_deref(), *page).await,
        ReplanStep::Plan {
            listing,
            keys,
            page,
            part,
            rest,
        } => {
            let outcome = plan::plan(s, &work.job, listing, keys, deadline).await?;
            let mut spawned = Vec::new();
            if !outcome.left.is_empty() {
                spawned.push(ReplanWork::new(
                    work.job.clone(),
                    ReplanStep::Plan {
                        listing: listing.clone(),
                        keys: outcome.left.clone(),
                        page: *page,
                        part: *part,
                        rest: rest + 1,
                    },
                ));
                s.replans.enqueue(&spawned).await?;
            }
            count(s, work, 0, outcome.planned, spawned.len()).await?;
            Ok(StepReport {
                listed: 0,
                planned: outcome.planned,
                spawned: spawned.len(),
            })
        }
    }
}

/// A list step: one page, its plan steps, and the next page's list step.
async fn list(
    s: &ReactionServices,
    work: &ReplanWork,
    listing: &Listing,
    cursor: Option<&str>,
    page: u32,
) -> Result<StepReport, ReactionError> {
    let found = s
        .records
        .list(&work.job.tenant, listing, cursor, LIST_PAGE)
        .await?;
    let mut spawned: Vec<ReplanWork> = found
        .keys
        .chunks(PLAN_SIZE)
        .enumerate()
        .map(|(part, keys)| {
            ReplanWork::new(
                work.job.clone(),
                ReplanStep::Plan {
                    listing: listing.clone(),
                    keys: keys.to_vec(),
                    page,
                    part: u32::try_from(part).unwrap_or(u32::MAX),
                    rest: 0,
                },
            )
        })
        .collect();
    if let Some(next) = found.next {
        spawned.push(ReplanWork::new(
            work.job.clone(),
            ReplanStep::List {
                listing: listing.clone(),
                cursor: Some(next),
                page: page + 1,
            },
        ));
    }
    s.replans.enqueue(&spawned).await?;
    count(s, work, found.keys.len(), 0, spawned.len()).await?;
    Ok(StepReport {
        listed: found.keys.len(),
        planned: 0,
        spawned: spawned.len(),
    })
}

async fn count(
    s: &ReactionServices,
    work: &ReplanWork,
    found: usize,
    done: usize,
    spawned: usize,
) -> Result<(), ReactionError> {
    let step = work.step_id();
    s.progress
        .step_done(&StepDone {
            tenant: &work.job.tenant,
            job: &work.job.id,
            step: &step,
            found: found as u64,
            done: done as u64,
            spawned: u32::try_from(spawned).unwrap_or(u32::MAX),
            at: s.clock.now(),
        })
        .await?;
    Ok(())
}
