//! A slot given up (cancelled, refused, moved): offered to the clients waiting for it.

use crate::effects::{QueueAs, Reaction, ReactionError, queue_change_messages};
use crate::services::ReactionServices;
use crate::subjects::SlotRecords;
use rappel_core::model::Appointment;
use rappel_core::planning::slot::{freed_slot, offers};
use rappel_core::settings::BusinessSettings;

/// The slot `old` held, if this change gave it up (cancelled, refused, moved to another time
/// or staff member) and it lies ahead: offered to the clients waiting for it. The offers go
/// through the delivery path like every change message, which checks again at send time that
/// nobody took the slot meanwhile.
pub(super) async fn offer_freed_slot(
    s: &ReactionServices,
    old: &Appointment,
    new: Option<&Appointment>,
    settings: &BusinessSettings,
    reaction: &mut Reaction,
) -> Result<(), ReactionError> {
    let now = s.clock.now();
    let Some(slot) = freed_slot(old, new, now) else {
        return Ok(());
    };
    if !settings.input.notifications.offers.any_on() {
        return Ok(());
    }
    let freed_at = new.map_or(now, |n| n.last_change.at);
    let loaded = SlotRecords::for_offers(
        s.records.as_ref(),
        &old.tenant,
        slot,
        Some(old.client_id.clone()),
        freed_at,
        settings.clone(),
    )
    .await?;
    let told = offers(&loaded.context());
    reaction.offered += told.len();
    queue_change_messages(s, told, QueueAs::ItsKind, reaction).await
}
