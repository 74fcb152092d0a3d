//! # rappel-replan
//!
//! The consumer of the re-plan queue: each message is one step of a re-plan job
//! (`rappel_ports::replan::ReplanWork`) — a change that affects many subjects, cut into bounded
//! pieces (`rappel_app::replan`). A step lists one page of subjects, or re-plans at most a
//! hundred of them inside the invocation's deadline and hands its remainder on; every step is
//! idempotent, so a step delivered twice (or retried after a failure) does no harm, and its
//! progress counts once.
//!
//! [`handle_step`] is what the local stack calls; the Lambda glue (queue event in, partial
//! batch response out) is behind the `lambda` feature, which only the Lambda binary enables.

#[cfg(feature = "lambda")]
mod lambda;

#[cfg(feature = "lambda")]
pub use lambda::{STEPS_METRIC, function_handler};

use rappel_app::replan::{StepReport, run_step};
use rappel_app::{ReactionError, ReactionServices};
use rappel_ports::deadline::Deadline;
use rappel_ports::replan::ReplanWork;

#[derive(Debug, thiserror::Error)]
pub enum ReplanHandlerError {
    #[error("the re-plan step is not valid: {0}")]
    BadWork(String),
    #[error(transparent)]
    Step(#[from] ReactionError),
}

/// Parses a queue message's body.
pub fn parse_work(body: &str) -> Result<ReplanWork, ReplanHandlerError> {
    serde_json::from_str(body).map_err(|e| ReplanHandlerError::BadWork(e.to_string()))
}

/// Runs one step inside `deadline`.
pub async fn handle_step(
    services: &ReactionServices,
    work: &ReplanWork,
    deadline: Deadline,
) -> Result<StepReport, ReplanHandlerError> {
    let report = run_step(services, work, deadline).await?;
    tracing::info!(
        job = %work.job.id,
        step = %work.step_id(),
        listed = report.listed,
        planned = report.planned,
        spawned = report.spawned,
        "re-plan step done"
    );
    Ok(report)
}
