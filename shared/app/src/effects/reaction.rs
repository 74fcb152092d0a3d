//! What one change (or one re-plan step) did, and why it could not.

use rappel_ports::events::EventError;
use rappel_ports::records::StoreError;
use rappel_ports::replan::ProgressError;
use rappel_ports::schedules::ScheduleError;
use rappel_ports::send_queue::QueueError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reaction {
    /// Messages of the change itself (confirmation, notices, alerts), queued.
    pub immediate: usize,
    pub scheduled: usize,
    pub withdrawn: usize,
    /// Timeline messages already due (a late booking with `send_now`), queued.
    pub queued_now: usize,
    /// Offers of a freed slot (counted in `immediate` or `scheduled` too).
    pub offered: usize,
    /// Messages decided at planning not to be sent, queued to be recorded, with no schedule.
    pub decided: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReactionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error(transparent)]
    Progress(#[from] ProgressError),
    #[error(transparent)]
    Events(#[from] EventError),
    /// The history or the ledger, re-stamped by a retention job.
    #[error(transparent)]
    History(#[from] rappel_ports::history::HistoryError),
    #[error(transparent)]
    Ledger(#[from] rappel_ports::ledger::LedgerError),
    /// Work this release cannot read (a re-plan step of another version).
    #[error("{0}")]
    Unreadable(String),
}
