//! What a record change means. For an appointment: the immediate messages of the change (put on
//! the send queue, whose consumer runs the single delivery path) and the diff between the plan
//! of the old image and the plan of the **current** state (so a replayed or late record converges on the present
//! instead of resurrecting the past). For settings, a type, a client or a staff member: the
//! plans of their booked appointments are recomputed at once, old image against current.

use crate::context::{ContextError, LoadedContext, Substitute, load_context};
use crate::services::Services;
use chrono::Duration;
use rappel_core::message::PlannedMessage;
use rappel_core::model::{Appointment, MAX_DURATION_HOURS, TenantId};
use rappel_core::planning::{TimelineDiff, change_messages, diff, timeline};
use rappel_ports::records::{ChangeRecord, Record, StoreError, TypedRecords};
use rappel_ports::schedules::{ScheduleEntry, ScheduleError, SendRequest};
use rappel_ports::send_queue::QueueError;

/// Follow-ups may be planned up to this long after an appointment ends.
const PLANNING_HORIZON: Duration = Duration::days(91);
/// No appointment lasts longer (an older start has certainly ended).
const MAX_DURATION: Duration = Duration::hours(MAX_DURATION_HOURS);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reaction {
    /// Messages of the change itself (confirmation, notices, alerts), queued.
    pub immediate: usize,
    pub scheduled: usize,
    pub withdrawn: usize,
    /// Timeline messages already due (a late booking with `send_now`), queued.
    pub queued_now: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReactionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error(transparent)]
    Queue(#[from] QueueError),
}

pub async fn react_to_change(
    s: &Services,
    change: &ChangeRecord,
) -> Result<Reaction, ReactionError> {
    match (&change.old, &change.new) {
        (old, Some(Record::Appointment(new))) => {
            let old = match old {
                Some(Record::Appointment(a)) => Some(a),
                _ => None,
            };
            appointment_changed(s, old, Some(new)).await
        }
        (Some(Record::Appointment(old)), None) => appointment_changed(s, Some(old), None).await,
        (Some(Record::Client(old)), Some(Record::Client(new))) => {
            let booked = s
                .records
                .appointments_of_client(&new.tenant, &new.id)
                .await?;
            replan(s, &new.tenant, booked, &Substitute::Client(old.clone())).await
        }
        (Some(Record::Staff(old)), Some(Record::Staff(new))) => {
            // Started before the horizon and longest possible: already ended before it.
            let from = s.clock.now() - PLANNING_HORIZON - MAX_DURATION;
            let booked = s
                .records
                .appointments_of_staff(&new.tenant, &new.id, from, None)
                .await?;
            replan(s, &new.tenant, booked, &Substitute::Staff(old.clone())).await
        }
        (Some(Record::AppointmentType(old)), Some(Record::AppointmentType(new))) => {
            let booked = live_appointments(s, &new.tenant)
                .await?
                .into_iter()
                .filter(|a| a.type_id == new.id)
                .collect();
            replan(
                s,
                &new.tenant,
                booked,
                &Substitute::AppointmentType(old.clone()),
            )
            .await
        }
        (old, Some(Record::Settings(new))) => {
            let old = match old {
                Some(Record::Settings(o)) => o.clone(),
                _ => rappel_core::settings::BusinessSettings::defaults_for(&new.tenant),
            };
            let booked = live_appointments(s, &new.tenant).await?;
            replan(s, &new.tenant, booked, &Substitute::Settings(old)).await
        }
        // New clients, staff, types and templates change no plan.
        _ => Ok(Reaction::default()),
    }
}

async fn live_appointments(
    s: &Services,
    tenant: &TenantId,
) -> Result<Vec<Appointment>, StoreError> {
    s.records
        .appointments_ending_after(tenant, s.clock.now() - PLANNING_HORIZON)
        .await
}

async fn appointment_changed(
    s: &Services,
    old: Option<&Appointment>,
    new: Option<&Appointment>,
) -> Result<Reaction, ReactionError> {
    let mut reaction = Reaction::default();
    let Some(any) = new.or(old) else {
        return Ok(reaction);
    };
    let current = s.records.appointment(&any.tenant, &any.id).await?;

    if let Some(new) = new
        && let Some(ctx) = context_or_skip(s, new).await?
    {
        let requests: Vec<SendRequest> = change_messages(old, new, &ctx.planning())
            .into_iter()
            .map(|message| SendRequest { key: message.key })
            .collect();
        if !requests.is_empty() {
            s.queue.enqueue(&requests).await?;
            reaction.immediate += requests.len();
        }
    }
    let old_plan = match old {
        Some(o) => plan(s, o, &Substitute::Nothing).await?,
        None => Vec::new(),
    };
    let new_plan = match &current {
        Some(c) => plan(s, c, &Substitute::Nothing).await?,
        None => Vec::new(),
    };
    apply(s, diff(&old_plan, &new_plan), &mut reaction).await?;
    Ok(reaction)
}

async fn replan(
    s: &Services,
    tenant: &TenantId,
    booked: Vec<Appointment>,
    old_image: &Substitute,
) -> Result<Reaction, ReactionError> {
    let mut reaction = Reaction::default();
    let horizon = s.clock.now() - PLANNING_HORIZON;
    for appointment in booked
        .iter()
        .filter(|a| &a.tenant == tenant && a.end > horizon)
    {
        let before = plan(s, appointment, old_image).await?;
        let now = plan(s, appointment, &Substitute::Nothing).await?;
        apply(s, diff(&before, &now), &mut reaction).await?;
    }
    Ok(reaction)
}

async fn plan(
    s: &Services,
    appointment: &Appointment,
    substitute: &Substitute,
) -> Result<Vec<PlannedMessage>, StoreError> {
    Ok(match context_or_skip(s, appointment).await? {
        Some(ctx) => timeline(appointment, &ctx.with(substitute).planning()),
        None => Vec::new(),
    })
}

async fn context_or_skip(
    s: &Services,
    appointment: &Appointment,
) -> Result<Option<LoadedContext>, StoreError> {
    match load_context(s.records.as_ref(), appointment).await {
        Ok(ctx) => Ok(Some(ctx)),
        Err(ContextError::Store(e)) => Err(e),
        Err(error @ ContextError::Missing(_)) => {
            tracing::error!(%error, "cannot plan an appointment whose records are missing");
            Ok(None)
        }
    }
}

async fn apply(
    s: &Services,
    change: TimelineDiff,
    reaction: &mut Reaction,
) -> Result<(), ReactionError> {
    let now = s.clock.now();
    for key in &change.to_withdraw {
        s.schedules.delete(&key.schedule_name()).await?;
        reaction.withdrawn += 1;
    }
    let mut due_now = Vec::new();
    for message in &change.to_schedule {
        if message.key.due <= now {
            due_now.push(SendRequest {
                key: message.key.clone(),
            });
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
