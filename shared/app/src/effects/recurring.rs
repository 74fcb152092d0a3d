//! The recurring schedules of the digests, by name.

use super::{Reaction, ReactionError};
use crate::services::ReactionServices;
use rappel_core::message::RecurringSchedule;

/// Deletes the recurring schedules planned before and not now, creates those planned now and
/// not before (by name: a new time or zone is a new name).
pub async fn apply_recurring(
    s: &ReactionServices,
    before: &[RecurringSchedule],
    now: &[RecurringSchedule],
    reaction: &mut Reaction,
) -> Result<(), ReactionError> {
    for old in before
        .iter()
        .filter(|o| !now.iter().any(|n| n.name == o.name))
    {
        s.schedules.delete(&old.name).await?;
        reaction.withdrawn += 1;
    }
    let starts = s.clock.now();
    for new in now
        .iter()
        .filter(|n| !before.iter().any(|o| o.name == n.name))
    {
        s.schedules.create_recurring(new, starts).await?;
        reaction.scheduled += 1;
    }
    Ok(())
}
