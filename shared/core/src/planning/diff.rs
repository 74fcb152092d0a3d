//! From "what was planned" and "what is planned now" to the schedule operations to run.

use crate::message::{Disposition, MessageKey, PlannedMessage};
use std::collections::HashMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelineDiff {
    /// Deliverable now and not before: create their schedules (or deliver at once if due).
    pub to_schedule: Vec<PlannedMessage>,
    /// Deliverable before and not now: delete their schedules.
    pub to_withdraw: Vec<MessageKey>,
    /// Newly decided not to send (too late, no channel…): record them once.
    pub newly_suppressed: Vec<PlannedMessage>,
}

impl TimelineDiff {
    pub fn is_empty(&self) -> bool {
        self.to_schedule.is_empty()
            && self.to_withdraw.is_empty()
            && self.newly_suppressed.is_empty()
    }
}

pub fn diff(old: &[PlannedMessage], new: &[PlannedMessage]) -> TimelineDiff {
    let before: HashMap<&MessageKey, Disposition> =
        old.iter().map(|m| (&m.key, m.disposition)).collect();
    let after: HashMap<&MessageKey, Disposition> =
        new.iter().map(|m| (&m.key, m.disposition)).collect();
    let mut result = TimelineDiff::default();
    for message in new {
        match (before.get(&message.key), message.disposition) {
            (Some(Disposition::Deliver), Disposition::Deliver) => {}
            (_, Disposition::Deliver) => result.to_schedule.push(message.clone()),
            (Some(previous), Disposition::Suppressed(_)) if *previous == message.disposition => {}
            (_, Disposition::Suppressed(_)) => result.newly_suppressed.push(message.clone()),
        }
    }
    for message in old {
        if message.disposition == Disposition::Deliver
            && after.get(&message.key) != Some(&Disposition::Deliver)
        {
            result.to_withdraw.push(message.key.clone());
        }
    }
    result
}
