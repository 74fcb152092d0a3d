//! From "what was planned" and "what is planned now" to the schedule operations to run.
//!
//! Every timeline entry gets a schedule, suppressed ones included: at its due time the send
//! path re-plans and either sends (the suppression was lifted, e.g. the rebooking that
//! suppressed a follow-up was cancelled) or records the suppression once.

use crate::message::{MessageKey, PlannedMessage};
use std::collections::HashSet;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelineDiff {
    /// Planned now and not before: create their schedules (or deliver at once if due).
    pub to_schedule: Vec<PlannedMessage>,
    /// Planned before and not now: delete their schedules.
    pub to_withdraw: Vec<MessageKey>,
}

impl TimelineDiff {
    pub fn is_empty(&self) -> bool {
        self.to_schedule.is_empty() && self.to_withdraw.is_empty()
    }
}

pub fn diff(old: &[PlannedMessage], new: &[PlannedMessage]) -> TimelineDiff {
    let before: HashSet<&MessageKey> = old.iter().map(|m| &m.key).collect();
    let after: HashSet<&MessageKey> = new.iter().map(|m| &m.key).collect();
    TimelineDiff {
        to_schedule: new
            .iter()
            .filter(|m| !before.contains(&m.key))
            .cloned()
            .collect(),
        to_withdraw: old
            .iter()
            .filter(|m| !after.contains(&m.key))
            .map(|m| m.key.clone())
            .collect(),
    }
}
