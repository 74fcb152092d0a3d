//! The difference between two plans of a subject, made real: schedules withdrawn and created,
//! messages already due queued, decisions made at planning queued to be recorded.

use super::{QueueAs, Reaction, ReactionError};
use crate::services::ReactionServices;
use rappel_core::planning::TimelineDiff;
use rappel_ports::schedules::{ScheduleEntry, SendRequest};

/// Withdraws, schedules and queues what `change` says. A message past its kind's grace is
/// dropped: it would only be recorded too late.
pub async fn apply_diff(
    s: &ReactionServices,
    change: TimelineDiff,
    queue_as: QueueAs,
    reaction: &mut Reaction,
) -> Result<(), ReactionError> {
    let now = s.clock.now();
    for key in &change.to_withdraw {
        s.schedules.delete(&key.schedule_name()).await?;
        reaction.withdrawn += 1;
    }
    let mut due_now = Vec::new();
    let mut decided = Vec::new();
    for message in &change.to_record {
        if message.key.kind.is_past_its_grace(message.key.due, now) {
            continue;
        }
        // Due already: the delivery path records it as it would at its time.
        if message.key.due <= now {
            due_now.push(queue_as.request(message.key.clone()));
        } else {
            decided.push(SendRequest::Decided {
                key: message.key.clone(),
            });
        }
    }
    if !decided.is_empty() {
        s.queue.enqueue(&decided).await?;
        reaction.decided += decided.len();
    }
    for message in &change.to_schedule {
        if message.key.kind.is_past_its_grace(message.key.due, now) {
            continue;
        }
        if message.key.due <= now {
            due_now.push(queue_as.request(message.key.clone()));
        } else {
            s.schedules
                .create(ScheduleEntry::for_key(&message.key))
                .await?;
            reaction.scheduled += 1;
        }
    }
    if !due_now.is_empty() {
        s.queue.enqueue(&due_now).await?;
        reaction.queued_now += due_now.len();
    }
    Ok(())
}
