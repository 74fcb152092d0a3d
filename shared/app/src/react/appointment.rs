//! An appointment written or gone: the immediate messages of the change, the diff between the
//! plan of the old image and the plan of the **current** state (so a replayed or late record
//! converges on the present instead of resurrecting the past), the same diff for its client's
//! re-engagement, and the offers of the slot it freed.

use super::slot::offer_freed_slot;
use crate::effects::{QueueAs, Reaction, ReactionError, apply_diff, queue_change_messages};
use crate::services::ReactionServices;
use crate::subjects::{
    AppointmentRecords, ContextError, MissingRecord, OtherBookings, PLANNING_HORIZON, Substitute,
};
use rappel_core::model::{Appointment, TenantId};
use rappel_core::planning::client::{ClientContext, reengagement};
use rappel_core::planning::{change_messages, diff_deciding_early};
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{RecordKey, RecordKind, StoreError, TypedRecords};

/// Every plan of the change is computed from one load of the records it depends on.
pub(super) async fn appointment_changed(
    s: &ReactionServices,
    old: Option<&Appointment>,
    new: Option<&Appointment>,
) -> Result<Reaction, ReactionError> {
    let mut reaction = Reaction::default();
    let Some(any) = new.or(old) else {
        return Ok(reaction);
    };
    // One round trip for the appointment as it is now and what its plans depend on (the
    // loads below then read from the batch's memory).
    let mut keys = vec![RecordKey::new(
        &any.tenant,
        RecordKind::Appointment,
        any.id.as_str(),
    )];
    let known: Vec<&Appointment> = [new, old].into_iter().flatten().collect();
    keys.extend(AppointmentRecords::keys(&any.tenant, &known, None, true));
    s.records.get_many(&keys).await?;
    let current = s.records.appointment(&any.tenant, &any.id).await?;
    let images: Vec<&Appointment> = [current.as_ref(), new, old].into_iter().flatten().collect();
    // Deleted after its client (an erasure): the client's deletion withdrew its plan.
    let after_its_client = new.is_none() && current.is_none();
    let Some(loaded) = load_or_skip(s, &any.tenant, &images, None, after_its_client).await? else {
        return Ok(reaction);
    };
    // An import that notifies: what it sends now waits in the bulk lane.
    let queue_as = QueueAs::bulk_if(new.is_some_and(|n| n.last_change.in_bulk));

    if let Some(new) = new {
        let previous_staff = old.map(|o| &o.staff_id);
        if let Some(ctx) = context_or_skip(loaded.planning(new, previous_staff)) {
            queue_change_messages(s, change_messages(old, new, &ctx), queue_as, &mut reaction)
                .await?;
        }
    }
    let old_plan = match old {
        Some(o) => loaded.plan_of(o),
        None => Vec::new(),
    };
    let new_plan = match &current {
        Some(c) => loaded.plan_of(c),
        None => Vec::new(),
    };
    apply_diff(
        s,
        diff_deciding_early(&old_plan, &new_plan),
        queue_as,
        &mut reaction,
    )
    .await?;

    // The client's re-engagement: with the appointment as it was, and as it is.
    let mut before = loaded.of_client.clone();
    before.retain(|a| a.id != any.id);
    before.extend(old.cloned());
    let mut now = loaded.of_client.clone();
    now.retain(|a| a.id != any.id);
    now.extend(current.clone());
    let client_plan = |appointments: &[Appointment]| {
        reengagement(&ClientContext {
            settings: &loaded.settings,
            client: &loaded.client,
            appointments,
        })
    };
    apply_diff(
        s,
        diff_deciding_early(&client_plan(&before), &client_plan(&now)),
        queue_as,
        &mut reaction,
    )
    .await?;

    if let Some(old) = old {
        offer_freed_slot(s, old, new, &loaded.settings, &mut reaction).await?;
    }
    Ok(reaction)
}

/// Re-plans booked appointments, `old_image` standing for what changed. `settings`, when the
/// caller holds the current ones, are not read again for each appointment.
pub(super) async fn replan(
    s: &ReactionServices,
    tenant: &TenantId,
    booked: Vec<Appointment>,
    old_image: &Substitute,
    settings: Option<&BusinessSettings>,
) -> Result<Reaction, ReactionError> {
    let mut reaction = Reaction::default();
    let horizon = s.clock.now() - PLANNING_HORIZON;
    let settings = match settings {
        Some(settings) => settings.clone(),
        None => s.records.settings(tenant).await?,
    };
    for appointment in booked
        .iter()
        .filter(|a| &a.tenant == tenant && a.end > horizon)
    {
        let Some(loaded) =
            load_or_skip(s, tenant, &[appointment], Some(settings.clone()), false).await?
        else {
            continue;
        };
        let before = loaded.with(old_image).plan_of(appointment);
        let now = loaded.plan_of(appointment);
        apply_diff(
            s,
            diff_deciding_early(&before, &now),
            QueueAs::Bulk,
            &mut reaction,
        )
        .await?;
    }
    Ok(reaction)
}

/// The records of an appointment's plans, or `None` (logged) when one is missing. `deleted`:
/// the appointment is gone, and its client may be too — expected, not an error.
async fn load_or_skip(
    s: &ReactionServices,
    tenant: &TenantId,
    images: &[&Appointment],
    settings: Option<BusinessSettings>,
    deleted: bool,
) -> Result<Option<AppointmentRecords>, StoreError> {
    match AppointmentRecords::load(
        s.records.as_ref(),
        tenant,
        images,
        None,
        settings,
        OtherBookings::Read,
    )
    .await
    {
        Ok(loaded) => Ok(Some(loaded)),
        Err(ContextError::Store(e)) => Err(e),
        Err(ContextError::Missing("client")) if deleted => {
            tracing::debug!("an appointment deleted after its client: nothing left to withdraw");
            Ok(None)
        }
        Err(error @ ContextError::Missing(_)) => {
            tracing::error!(%error, "cannot plan an appointment whose records are missing");
            Ok(None)
        }
    }
}

fn context_or_skip<T>(planning: Result<T, MissingRecord>) -> Option<T> {
    match planning {
        Ok(ctx) => Some(ctx),
        Err(error) => {
            tracing::error!(%error, "cannot plan an appointment whose records are missing");
            None
        }
    }
}
