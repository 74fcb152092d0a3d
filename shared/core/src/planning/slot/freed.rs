//! Which slot a change of an appointment gave up, if any.

use crate::model::{Appointment, ChangeAction, FreedSlot};
use chrono::{DateTime, Utc};

/// The slot `old` held, if the change to `new` gave it up (cancelled, refused, moved to another
/// time or staff member, or the record gone) and it still lies ahead at `now`. A replayed or
/// reordered record (not a forward change) frees nothing, nor does an import (it tells nobody).
pub fn freed_slot(
    old: &Appointment,
    new: Option<&Appointment>,
    now: DateTime<Utc>,
) -> Option<FreedSlot> {
    let slot = old.slot()?;
    let still_held = new.is_some_and(|n| n.slot().as_ref() == Some(&slot));
    let forward = new.is_none_or(|n| n.version > old.version);
    let imported = new.is_some_and(|n| n.last_change.action == ChangeAction::Imported);
    (!still_held && forward && !imported && slot.start > now).then_some(slot)
}
