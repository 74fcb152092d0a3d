//! The messages of a change go to the send queue now — or, moved later by quiet hours, to a
//! one-shot schedule at their time.

use super::{QueueAs, Reaction, ReactionError};
use crate::services::ReactionServices;
use rappel_core::message::PlannedMessage;
use rappel_ports::schedules::{ScheduleEntry, SendRequest};

/// Queues the messages of a change; those that quiet hours moved to a later time get a
/// one-shot schedule at it instead.
pub async fn queue_change_messages(
    s: &ReactionServices,
    messages: Vec<PlannedMessage>,
    queue_as: QueueAs,
    reaction: &mut Reaction,
) -> Result<(), ReactionError> {
    let now = s.clock.now();
    let (now_due, held): (Vec<_>, Vec<_>) = messages.into_iter().partition(|m| m.key.due <= now);
    let requests: Vec<SendRequest> = now_due
        .into_iter()
        .map(|message| queue_as.request(message.key))
        .collect();
    if !requests.is_empty() {
        s.queue.enqueue(&requests).await?;
        reaction.immediate += requests.len();
    }
    for message in &held {
        s.schedules
            .create(ScheduleEntry::for_key(&message.key))
            .await?;
        reaction.scheduled += 1;
    }
    Ok(())
}
