//! The embedded re-plan progress: one entry per business in a map (journaled in a data dir),
//! with the same counting rules as the DynamoDB item.

use super::{JobStart, ProgressError, ReplanProgress, ReplanState, ReplanStatus, StepDone};
use crate::journal::{Durable, MapChange};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::TenantId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;

/// What is kept per business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    cause: String,
    job: String,
    settings_version: Option<u64>,
    done: u64,
    total: u64,
    /// Steps queued and not yet done.
    pending: i64,
    started_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// The jobs counted since the business was last idle, and their steps already counted.
    jobs: BTreeSet<String>,
    steps: BTreeSet<String>,
}

pub struct MemoryProgress {
    entries: Mutex<Durable<BTreeMap<String, Entry>>>,
}

impl MemoryProgress {
    pub fn in_memory() -> Self {
        Self {
            entries: Mutex::new(Durable::in_memory(BTreeMap::new())),
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self {
            entries: Mutex::new(Durable::open(path)?),
        })
    }
}

#[async_trait]
impl ReplanProgress for MemoryProgress {
    async fn begin(&self, start: &JobStart<'_>) -> Result<(), ProgressError> {
        let mut entries = lock(&self.entries);
        let tenant = start.tenant.to_string();
        let entry = match entries.get(&tenant) {
            Some(entry) if entry.steps.contains(start.start_id) => return Ok(()),
            Some(entry) if entry.pending > 0 => {
                let mut joined = entry.clone();
                joined.jobs.insert(start.job.to_owned());
                joined.steps.insert(start.start_id.to_owned());
                joined.pending += i64::from(start.steps);
                joined.cause = start.cause.to_owned();
                joined.job = start.job.to_owned();
                joined.settings_version = start.settings_version.max(entry.settings_version);
                joined.updated_at = start.at;
                joined
            }
            previous => Entry {
                cause: start.cause.to_owned(),
                job: start.job.to_owned(),
                settings_version: start
                    .settings_version
                    .or(previous.and_then(|p| p.settings_version)),
                done: 0,
                total: 0,
                pending: i64::from(start.steps),
                started_at: start.at,
                updated_at: start.at,
                jobs: BTreeSet::from([start.job.to_owned()]),
                steps: BTreeSet::from([start.start_id.to_owned()]),
            },
        };
        entries.change_or_log(MapChange::Put(tenant, entry), "re-plan progress");
        Ok(())
    }

    async fn step_done(&self, step: &StepDone<'_>) -> Result<(), ProgressError> {
        let mut entries = lock(&self.entries);
        let tenant = step.tenant.to_string();
        let Some(entry) = entries.get(&tenant) else {
            return Ok(());
        };
        if !entry.jobs.contains(step.job) || entry.steps.contains(step.step) {
            return Ok(());
        }
        let mut counted = entry.clone();
        counted.steps.insert(step.step.to_owned());
        counted.done += step.done;
        counted.total += step.found;
        counted.pending += i64::from(step.spawned) - 1;
        counted.updated_at = step.at;
        entries.change_or_log(MapChange::Put(tenant, counted), "re-plan progress");
        Ok(())
    }

    async fn status(&self, tenant: &TenantId) -> Result<Option<ReplanStatus>, ProgressError> {
        Ok(lock(&self.entries)
            .get(&tenant.to_string())
            .map(|e| ReplanStatus {
                state: if e.pending > 0 {
                    ReplanState::Running
                } else {
                    ReplanState::Done
                },
                cause: e.cause.clone(),
                job: e.job.clone(),
                settings_version: e.settings_version,
                done: e.done,
                total: e.total,
                started_at: e.started_at,
                updated_at: e.updated_at,
            }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 20, 9, minute, 0).unwrap()
    }

    fn start<'a>(tenant: &'a TenantId, job: &'a str, start_id: &'a str) -> JobStart<'a> {
        JobStart {
            tenant,
            job,
            start_id,
            cause: "settings",
            settings_version: Some(2),
            steps: 2,
            at: at(0),
        }
    }

    fn step<'a>(tenant: &'a TenantId, job: &'a str, id: &'a str, spawned: u32) -> StepDone<'a> {
        StepDone {
            tenant,
            job,
            step: id,
            found: 10,
            done: 3,
            spawned,
            at: at(1),
        }
    }

    #[tokio::test]
    async fn a_job_is_done_once_every_step_it_queued_is_and_each_step_counts_once() {
        let progress = MemoryProgress::in_memory();
        let tenant = TenantId::parse("salon").unwrap();
        assert_eq!(progress.status(&tenant).await.unwrap(), None);
        progress
            .begin(&start(&tenant, "j1", "j1/start"))
            .await
            .unwrap();
        progress
            .begin(&start(&tenant, "j1", "j1/start"))
            .await
            .unwrap();
        progress
            .step_done(&step(&tenant, "j1", "a", 1))
            .await
            .unwrap();
        progress
            .step_done(&step(&tenant, "j1", "a", 1))
            .await
            .unwrap();
        let running = progress.status(&tenant).await.unwrap().unwrap();
        assert_eq!(running.state, ReplanState::Running);
        assert_eq!((running.done, running.total), (3, 10));
        progress
            .step_done(&step(&tenant, "j1", "b", 0))
            .await
            .unwrap();
        assert_eq!(
            progress.status(&tenant).await.unwrap().unwrap().state,
            ReplanState::Running,
            "the step a spawned is still to come"
        );
        progress
            .step_done(&step(&tenant, "j1", "c", 0))
            .await
            .unwrap();
        let done = progress.status(&tenant).await.unwrap().unwrap();
        assert_eq!(done.state, ReplanState::Done);
        assert_eq!((done.done, done.total), (9, 30));
    }

    #[tokio::test]
    async fn a_new_job_after_an_idle_moment_counts_afresh_and_ignores_the_old_ones_steps() {
        let progress = MemoryProgress::in_memory();
        let tenant = TenantId::parse("salon").unwrap();
        progress
            .begin(&start(&tenant, "j1", "j1/start"))
            .await
            .unwrap();
        for id in ["a", "b"] {
            progress
                .step_done(&step(&tenant, "j1", id, 0))
                .await
                .unwrap();
        }
        progress
            .begin(&start(&tenant, "j2", "j2/start"))
            .await
            .unwrap();
        // A late second delivery of one of the old job's steps.
        progress
            .step_done(&step(&tenant, "j1", "c", 0))
            .await
            .unwrap();
        let status = progress.status(&tenant).await.unwrap().unwrap();
        assert_eq!(status.job, "j2");
        assert_eq!((status.done, status.total), (0, 0));
        assert_eq!(status.state, ReplanState::Running);
        // A retried start counts once.
        progress
            .begin(&start(&tenant, "j2", "j2/start"))
            .await
            .unwrap();
        for id in ["a", "b"] {
            progress
                .step_done(&step(&tenant, "j2", id, 0))
                .await
                .unwrap();
        }
        assert_eq!(
            progress.status(&tenant).await.unwrap().unwrap().state,
            ReplanState::Done
        );
        // And once the job is done, a start delivered again does not start it again.
        progress
            .begin(&start(&tenant, "j2", "j2/start"))
            .await
            .unwrap();
        assert_eq!(
            progress.status(&tenant).await.unwrap().unwrap().state,
            ReplanState::Done
        );
    }
}
