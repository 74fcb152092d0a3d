//! What a record change means. For an appointment: the immediate messages of the change (put on
//! the send queue, whose consumer runs the single delivery path), the diff between the plan of
//! the old image and the plan of the **current** state (so a replayed or late record converges
//! on the present instead of resurrecting the past), and the same diff for its client's
//! re-engagement. For settings, a type, a client or a staff member: the plans that depend on
//! them are recomputed at once, old image against current — the digest schedules included
//! (settings, a staff member created or changed).
//!
//! Every plan of one change is computed from one load of the records it depends on.

use crate::react_billing::{document_changed, inbound_received};
use crate::replan::{begin, job_of_settings, job_of_staff, job_of_type};
use crate::services::ReactionServices;
use crate::subjects::{
    AppointmentRecords, ContextError, OtherBookings, OwnedDocument, SlotRecords, Substitute,
};
use chrono::Duration;
use rappel_core::message::{PlannedMessage, RecurringSchedule};
use rappel_core::model::{Appointment, Client, MAX_DURATION_HOURS, StaffMember, TenantId};
use rappel_core::planning::client::{ClientContext, reengagement};
use rappel_core::planning::day::digest_schedules;
use rappel_core::planning::slot::{freed_slot, offers};
use rappel_core::planning::{TimelineDiff, change_messages, diff_deciding_early, timeline};
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{
    ChangeRecord, Record, RecordKey, RecordKind, StoreError, TypedRecords,
};
use rappel_ports::replan::ProgressError;
use rappel_ports::schedules::{ScheduleEntry, ScheduleError, SendRequest};
use rappel_ports::send_queue::QueueError;

/// Follow-ups may be planned up to this long after an appointment ends.
pub(crate) const PLANNING_HORIZON: Duration = Duration::days(91);
/// No appointment lasts longer (an older start has certainly ended).
pub(crate) const MAX_DURATION: Duration = Duration::hours(MAX_DURATION_HOURS);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reaction {
    /// Messages of the change itself (confirmation, notices, alerts), queued.
    pub immediate: usize,
    pub scheduled: usize,
    pub withdrawn: usize,
    /// Timeline messages already due (a late booking with `send_now`), queued.
    pub queued_now: usize,
    /// Offers of a freed slot (counted in `immediate` or `scheduled` too).
    pub offered: usize,
    /// Messages decided at planning not to be sent, queued to be recorded, with no schedule.
    pub decided: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReactionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error(transparent)]
    Progress(#[from] ProgressError),
    /// Work this release cannot read (a re-plan step of another version).
    #[error("{0}")]
    Unreadable(String),
}

pub async fn react_to_change(
    s: &ReactionServices,
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
        (Some(Record::Client(old)), Some(Record::Client(new))) => client_changed(s, old, new).await,
        (Some(Record::Staff(old)), Some(Record::Staff(new))) => {
            // Their digest schedule now; their appointments as a re-plan job.
            let settings = s.records.settings(&new.tenant).await?;
            let mut reaction = Reaction::default();
            let schedules =
                |member: &StaffMember| digest_schedules(&settings, std::slice::from_ref(member));
            apply_recurring(s, &schedules(old), &schedules(new), &mut reaction).await?;
            let (job, listings) = job_of_staff(old, new, s.clock.now());
            begin(s, &job, listings, None).await?;
            Ok(reaction)
        }
        // A new staff member gets their digest schedule if digests are on.
        (None, Some(Record::Staff(new))) => {
            let settings = s.records.settings(&new.tenant).await?;
            let mut reaction = Reaction::default();
            let now = digest_schedules(&settings, std::slice::from_ref(new));
            apply_recurring(s, &[], &now, &mut reaction).await?;
            Ok(reaction)
        }
        (Some(Record::AppointmentType(old)), Some(Record::AppointmentType(new))) => {
            let (job, listings) = job_of_type(old, new, s.clock.now());
            begin(s, &job, listings, None).await?;
            Ok(Reaction::default())
        }
        (old, Some(Record::Invoice(new))) => {
            let old = match old {
                Some(Record::Invoice(o)) => Some(OwnedDocument::Invoice(o.clone())),
                _ => None,
            };
            document_changed(s, old, OwnedDocument::Invoice(new.clone())).await
        }
        (old, Some(Record::Quote(new))) => {
            let old = match old {
                Some(Record::Quote(o)) => Some(OwnedDocument::Quote(o.clone())),
                _ => None,
            };
            document_changed(s, old, OwnedDocument::Quote(new.clone())).await
        }
        // Received once; a later write of the same message (there is none through the API)
        // would not be answered again.
        (None, Some(Record::Inbound(new))) => inbound_received(s, new).await,
        (old, Some(Record::Settings(new))) => {
            let old = match old {
                Some(Record::Settings(o)) => o.clone(),
                _ => BusinessSettings::defaults_for(&new.tenant),
            };
            settings_changed(s, &old, new).await
        }
        // New clients, staff, types and templates change no plan.
        _ => Ok(Reaction::default()),
    }
}

/// The business's settings as they are now (the defaults if it saved none).
pub(crate) async fn current_settings(
    s: &ReactionServices,
    tenant: &TenantId,
) -> Result<BusinessSettings, StoreError> {
    s.records.settings(tenant).await
}

async fn appointment_changed(
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
    let Some(loaded) = load_or_skip(s, &any.tenant, &images, None).await? else {
        return Ok(reaction);
    };

    if let Some(new) = new {
        let previous_staff = old.map(|o| &o.staff_id);
        if let Some(ctx) = context_or_skip(loaded.planning(new, previous_staff)) {
            queue_change_messages(s, change_messages(old, new, &ctx), &mut reaction).await?;
        }
    }
    let old_plan = match old {
        Some(o) => plan_of(&loaded, o),
        None => Vec::new(),
    };
    let new_plan = match &current {
        Some(c) => plan_of(&loaded, c),
        None => Vec::new(),
    };
    apply(s, diff_deciding_early(&old_plan, &new_plan), &mut reaction).await?;

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
    apply(
        s,
        diff_deciding_early(&client_plan(&before), &client_plan(&now)),
        &mut reaction,
    )
    .await?;

    if let Some(old) = old {
        offer_freed_slot(s, old, new, &loaded.settings, &mut reaction).await?;
    }
    Ok(reaction)
}

/// The slot `old` held, if this change gave it up (cancelled, refused, moved to another time
/// or staff member) and it lies ahead: offered to the clients waiting for it. The offers go
/// through the delivery path like every change message, which checks again at send time that
/// nobody took the slot meanwhile.
async fn offer_freed_slot(
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
    queue_change_messages(s, told, reaction).await
}

/// A client's contact details or consent changed: the plans of their booked appointments and
/// their re-engagement steps, old image against current.
async fn client_changed(
    s: &ReactionServices,
    old: &Client,
    new: &Client,
) -> Result<Reaction, ReactionError> {
    let booked = s
        .records
        .appointments_of_client(&new.tenant, &new.id)
        .await?;
    let settings = s.records.settings(&new.tenant).await?;
    let mut reaction = replan(
        s,
        &new.tenant,
        booked.clone(),
        &Substitute::Client(old.clone()),
        Some(&settings),
    )
    .await?;
    let plan = |client: &Client| {
        reengagement(&ClientContext {
            settings: &settings,
            client,
            appointments: &booked,
        })
    };
    apply(
        s,
        diff_deciding_early(&plan(old), &plan(new)),
        &mut reaction,
    )
    .await?;
    Ok(reaction)
}

/// The settings changed: the managers' digest schedules now (the settings list the managers);
/// everything else — every booked appointment, open document, client due for re-engagement
/// and staff member's digest — as a re-plan job of bounded steps.
async fn settings_changed(
    s: &ReactionServices,
    old: &BusinessSettings,
    new: &BusinessSettings,
) -> Result<Reaction, ReactionError> {
    let mut reaction = Reaction::default();
    // Without staff members, the digest schedules are the managers'.
    apply_recurring(
        s,
        &digest_schedules(old, &[]),
        &digest_schedules(new, &[]),
        &mut reaction,
    )
    .await?;
    let (job, listings) = job_of_settings(old, new, s.clock.now());
    begin(s, &job, listings, Some(new.version)).await?;
    Ok(reaction)
}

/// Re-plans booked appointments, `old_image` standing for what changed. `settings`, when the
/// caller holds the current ones, are not read again for each appointment.
async fn replan(
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
        let Some(loaded) = load_or_skip(s, tenant, &[appointment], Some(settings.clone())).await?
        else {
            continue;
        };
        let before = plan_of(&loaded.with(old_image), appointment);
        let now = plan_of(&loaded, appointment);
        apply(s, diff_deciding_early(&before, &now), &mut reaction).await?;
    }
    Ok(reaction)
}

pub(crate) fn plan_of(
    loaded: &AppointmentRecords,
    appointment: &Appointment,
) -> Vec<PlannedMessage> {
    match context_or_skip(loaded.planning(appointment, None)) {
        Some(ctx) => timeline(appointment, &ctx),
        None => Vec::new(),
    }
}

async fn load_or_skip(
    s: &ReactionServices,
    tenant: &TenantId,
    images: &[&Appointment],
    settings: Option<BusinessSettings>,
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
        Err(error @ ContextError::Missing(_)) => {
            tracing::error!(%error, "cannot plan an appointment whose records are missing");
            Ok(None)
        }
    }
}

fn context_or_skip<T>(planning: Result<T, ContextError>) -> Option<T> {
    match planning {
        Ok(ctx) => Some(ctx),
        Err(error) => {
            tracing::error!(%error, "cannot plan an appointment whose records are missing");
            None
        }
    }
}

/// Queues the messages of a change; those that quiet hours moved to a later time get a
/// one-shot schedule at it instead.
pub(crate) async fn queue_change_messages(
    s: &ReactionServices,
    messages: Vec<PlannedMessage>,
    reaction: &mut Reaction,
) -> Result<(), ReactionError> {
    let now = s.clock.now();
    let (now_due, held): (Vec<_>, Vec<_>) = messages.into_iter().partition(|m| m.key.due <= now);
    let requests: Vec<SendRequest> = now_due
        .into_iter()
        .map(|message| SendRequest::message(message.key))
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

/// Deletes the recurring schedules planned before and not now, creates those planned now and
/// not before (by name: a new time or zone is a new name).
pub(crate) async fn apply_recurring(
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

pub(crate) async fn apply(
    s: &ReactionServices,
    change: TimelineDiff,
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
            due_now.push(SendRequest::message(message.key.clone()));
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
            due_now.push(SendRequest::message(message.key.clone()));
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
