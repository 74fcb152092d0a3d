//! The difference between two plans of a subject, made real: schedules withdrawn and created,
//! messages already due queued, decisions made at planning queued to be recorded.

use super::{QueueAs, Reaction, ReactionError};
use crate::services::ReactionServices;
use chrono::{DateTime, Utc};
use rappel_core::events::{DeliveryEvent, EventType};
use rappel_core::message::MessageKey;
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
    let events = planning_events(&change, now);
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
    // After the effects: a reaction retried after a failure above publishes them then (the
    // same events: their ids are derived).
    if !events.is_empty() {
        s.events.append(&events).await?;
    }
    Ok(())
}

/// What the diff tells an integrator: each message planned (or moved: the same message at
/// another time, `message.replanned`) and each withdrawn. Decisions recorded at planning
/// publish their own event when recorded.
fn planning_events(change: &TimelineDiff, now: DateTime<Utc>) -> Vec<DeliveryEvent> {
    // The same message (all of its key but the time) withdrawn at one time, planned at another.
    let same_message = |a: &MessageKey, b: &MessageKey| {
        a.due != b.due
            && MessageKey {
                due: b.due,
                ..a.clone()
            } == *b
    };
    let moved_from = |key: &MessageKey| {
        change
            .to_withdraw
            .iter()
            .find(|old| same_message(old, key))
            .map(|old| old.due)
    };
    let planned = change
        .to_schedule
        .iter()
        .filter(|m| !m.key.kind.is_past_its_grace(m.key.due, now))
        .map(|m| DeliveryEvent::planned(&m.key, moved_from(&m.key), now));
    let withdrawn = change
        .to_withdraw
        .iter()
        .filter(|old| !change.to_schedule.iter().any(|m| same_message(old, &m.key)))
        .map(|old| DeliveryEvent::of_message(EventType::MessageWithdrawn, old, now));
    planned.chain(withdrawn).collect()
}
