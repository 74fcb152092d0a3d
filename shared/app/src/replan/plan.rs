//! A plan step: re-planning at most [`PLAN_SIZE`] subjects of one listing, [`AT_ONCE`] at a
//! time, each as a single change re-plans it — the plan under the image from before the
//! change against the plan of the current state — and, for a repair, every schedule of the
//! current plan. What the subjects depend on is read once for the step (the listed records
//! and their context in `BatchGetItem`s, then from memory).
//!
//! [`PLAN_SIZE`]: rappel_ports::replan::PLAN_SIZE

use crate::effects::{
    QueueAs, Reaction, ReactionError, apply_diff, apply_recurring, queue_change_messages,
};
use crate::services::ReactionServices;
use crate::subjects::{
    AppointmentRecords, BillingRecords, ClientRecords, ContextError, OtherBookings, OwnedDocument,
    PLANNING_HORIZON, Substitute,
};
use futures_util::future::join_all;
use rappel_core::message::{PlannedMessage, Recipient, RecurringSchedule};
use rappel_core::model::{Appointment, StaffMember};
use rappel_core::planning::billing::{BillingContext, timeline as document_timeline};
use rappel_core::planning::client::{ClientContext, reengagement};
use rappel_core::planning::day::digest_schedules;
use rappel_core::planning::{
    change_messages, decided_at_planning, diff, diff_deciding_early, plan_reads_other_bookings,
};
use rappel_core::settings::BusinessSettings;
use rappel_ports::deadline::{CALL_BOUND, Deadline};
use rappel_ports::records::{Listing, Record, RecordKey, TypedRecords};
use rappel_ports::replan::{ReplanCause, ReplanJob};
use std::time::Duration;

/// Subjects re-planned at once: enough to hide each one's round trips, few enough for the
/// scheduler's request rate when several steps run side by side.
pub const AT_ONCE: usize = 8;

/// A batch of subjects is only started with this much of the invocation left: one subject
/// makes at most a handful of sequential bounded calls (its remaining reads, then a schedule
/// call per message that changed) — six at [`CALL_BOUND`] each.
pub const BATCH_RESERVE: Duration = Duration::from_secs(6 * CALL_BOUND.as_secs());

/// What a plan step did: subjects re-planned, and those it had no time for.
#[derive(Debug, Default)]
pub(super) struct Planned {
    pub planned: usize,
    pub left: Vec<RecordKey>,
}

pub(super) async fn plan(
    s: &ReactionServices,
    job: &ReplanJob,
    listing: &Listing,
    keys: &[RecordKey],
    deadline: Deadline,
) -> Result<Planned, ReactionError> {
    // The step's planning events in one write, once it is done.
    let (s, events) = s.buffering_events();
    let planned = plan_buffered(&s, job, listing, keys, deadline).await?;
    events.flush().await?;
    Ok(planned)
}

async fn plan_buffered(
    s: &ReactionServices,
    job: &ReplanJob,
    listing: &Listing,
    keys: &[RecordKey],
    deadline: Deadline,
) -> Result<Planned, ReactionError> {
    // One memory for the step: the listed records and their context are read once.
    let s = &s.for_batch();
    let tenant = &job.tenant;
    let found = s.records.get_many(keys).await?;
    let settings = s.records.settings(tenant).await?;
    let subjects: Vec<(RecordKey, Record)> = keys
        .iter()
        .cloned()
        .zip(found)
        .filter_map(|(key, record)| Some((key, record?)))
        .filter(|(key, _)| key.tenant == *tenant)
        .collect();
    if let ReplanCause::Retention = job.cause {
        return super::restamp::restamp(s, &settings.input.retention, subjects, deadline).await;
    }
    if let Listing::AppointmentsEndingAfter { .. }
    | Listing::AppointmentsOfType { .. }
    | Listing::AppointmentsOfStaff { .. } = listing
    {
        let images: Vec<&Appointment> = subjects
            .iter()
            .filter_map(|(_, r)| match r {
                Record::Appointment(a) => Some(a),
                _ => None,
            })
            .collect();
        let context = AppointmentRecords::keys(tenant, &images, None, false);
        s.records.get_many(&context).await?;
    }
    let mut planned = Planned::default();
    let mut remaining = subjects.into_iter().peekable();
    while remaining.peek().is_some() {
        if !deadline.allows(BATCH_RESERVE) {
            planned.left = remaining.map(|(key, _)| key).collect();
            tracing::warn!(job = %job.id, left = planned.left.len(), "re-plan step out of time: its remainder is handed on");
            break;
        }
        let batch: Vec<(RecordKey, Record)> = remaining.by_ref().take(AT_ONCE).collect();
        let results = join_all(
            batch
                .iter()
                .map(|(_, record)| replan_subject(s, &job.cause, &settings, record)),
        )
        .await;
        for result in results {
            result?;
            planned.planned += 1;
        }
    }
    Ok(planned)
}

/// One subject, whatever its kind.
async fn replan_subject(
    s: &ReactionServices,
    cause: &ReplanCause,
    settings: &BusinessSettings,
    record: &Record,
) -> Result<(), ReactionError> {
    let mut reaction = Reaction::default();
    match record {
        Record::Appointment(a) => replan_appointment(s, cause, settings, a, &mut reaction).await,
        Record::Invoice(_) | Record::Quote(_) => {
            let document = match record {
                Record::Invoice(i) => OwnedDocument::Invoice(i.clone()),
                Record::Quote(q) => OwnedDocument::Quote(q.clone()),
                _ => return Ok(()),
            };
            replan_document(s, cause, settings, document, &mut reaction).await
        }
        Record::Client(c) => replan_client(s, cause, settings, &c.id, &mut reaction).await,
        Record::Staff(member) => replan_digest(s, cause, settings, member, &mut reaction).await,
        // Nothing else is ever listed.
        _ => Ok(()),
    }
}

/// The image a cause stands for, for an appointment's plan.
fn substitute(cause: &ReplanCause) -> Substitute {
    match cause {
        ReplanCause::Settings { old } => Substitute::Settings(old.clone()),
        ReplanCause::AppointmentType { old } => Substitute::AppointmentType((**old).clone()),
        ReplanCause::Staff { old } => Substitute::Staff((**old).clone()),
        ReplanCause::Repair { .. } | ReplanCause::Retention => Substitute::Nothing,
    }
}

/// The settings a cause says were in force before.
fn settings_before<'a>(
    cause: &'a ReplanCause,
    current: &'a BusinessSettings,
) -> &'a BusinessSettings {
    match cause {
        ReplanCause::Settings { old } => old,
        _ => current,
    }
}

async fn replan_appointment(
    s: &ReactionServices,
    cause: &ReplanCause,
    settings: &BusinessSettings,
    appointment: &Appointment,
    reaction: &mut Reaction,
) -> Result<(), ReactionError> {
    let tenant = &appointment.tenant;
    if appointment.end <= s.clock.now() - PLANNING_HORIZON {
        return Ok(());
    }
    // The client's other bookings are read only when a follow-up depends on them, under the
    // settings and type of before or of now.
    let Some(current_type) = s
        .records
        .appointment_type(tenant, &appointment.type_id)
        .await?
    else {
        tracing::error!("cannot re-plan an appointment whose type is missing");
        return Ok(());
    };
    let type_before = match cause {
        ReplanCause::AppointmentType { old } if old.id == current_type.id => old.as_ref(),
        _ => &current_type,
    };
    let other_bookings = if plan_reads_other_bookings(settings, &current_type)
        || plan_reads_other_bookings(settings_before(cause, settings), type_before)
    {
        OtherBookings::Read
    } else {
        OtherBookings::Skip
    };
    let loaded = match AppointmentRecords::load(
        s.records.as_ref(),
        tenant,
        &[appointment],
        None,
        Some(settings.clone()),
        other_bookings,
    )
    .await
    {
        Ok(loaded) => loaded,
        Err(ContextError::Store(e)) => return Err(e.into()),
        Err(error @ ContextError::Missing(_)) => {
            tracing::error!(%error, "cannot re-plan an appointment whose records are missing");
            return Ok(());
        }
    };
    let now = loaded.plan_of(appointment);
    match cause {
        ReplanCause::Repair {
            recreate,
            changes_since,
        } => {
            if *recreate {
                withdraw_all(s, &now, reaction).await?;
            }
            apply_diff(s, diff_deciding_early(&[], &now), QueueAs::Bulk, reaction).await?;
            if changes_since.is_some_and(|since| appointment.last_change.at >= since)
                && let Ok(ctx) = loaded.planning(appointment, None)
            {
                queue_change_messages(
                    s,
                    change_messages(None, appointment, &ctx),
                    QueueAs::Bulk,
                    reaction,
                )
                .await?;
            }
        }
        _ => {
            let before = loaded.with(&substitute(cause)).plan_of(appointment);
            apply_diff(
                s,
                diff_deciding_early(&before, &now),
                QueueAs::Bulk,
                reaction,
            )
            .await?;
        }
    }
    Ok(())
}

async fn replan_document(
    s: &ReactionServices,
    cause: &ReplanCause,
    settings: &BusinessSettings,
    document: OwnedDocument,
    reaction: &mut Reaction,
) -> Result<(), ReactionError> {
    let loaded =
        BillingRecords::around(s.records.as_ref(), document, Some(settings.clone())).await?;
    let under = |settings: &BusinessSettings| {
        document_timeline(&BillingContext {
            settings,
            ..loaded.context()
        })
    };
    let now = under(settings);
    match cause {
        ReplanCause::Repair { recreate, .. } => {
            if *recreate {
                withdraw_all(s, &now, reaction).await?;
            }
            apply_diff(s, diff(&[], &now), QueueAs::Bulk, reaction).await
        }
        _ => {
            let before = under(settings_before(cause, settings));
            apply_diff(s, diff(&before, &now), QueueAs::Bulk, reaction).await
        }
    }
}

async fn replan_client(
    s: &ReactionServices,
    cause: &ReplanCause,
    settings: &BusinessSettings,
    client: &rappel_core::model::ClientId,
    reaction: &mut Reaction,
) -> Result<(), ReactionError> {
    let tenant = &settings.tenant;
    let loaded =
        match ClientRecords::load(s.records.as_ref(), tenant, client, Some(settings.clone())).await
        {
            Ok(Some(loaded)) => loaded,
            Ok(None) => return Ok(()),
            Err(ContextError::Store(e)) => return Err(e.into()),
            Err(error @ ContextError::Missing(_)) => {
                tracing::error!(%error, "cannot re-plan a client whose records are missing");
                return Ok(());
            }
        };
    let under = |settings: &BusinessSettings| {
        reengagement(&ClientContext {
            settings,
            client: &loaded.client,
            appointments: &loaded.appointments,
        })
    };
    let now = under(settings);
    match cause {
        ReplanCause::Repair { recreate, .. } => {
            if *recreate {
                withdraw_all(s, &now, reaction).await?;
            }
            apply_diff(s, diff_deciding_early(&[], &now), QueueAs::Bulk, reaction).await
        }
        _ => {
            let before = under(settings_before(cause, settings));
            apply_diff(
                s,
                diff_deciding_early(&before, &now),
                QueueAs::Bulk,
                reaction,
            )
            .await
        }
    }
}

/// A staff member's digest schedule, under the settings of before and of now.
async fn replan_digest(
    s: &ReactionServices,
    cause: &ReplanCause,
    settings: &BusinessSettings,
    member: &StaffMember,
    reaction: &mut Reaction,
) -> Result<(), ReactionError> {
    let of_member = |settings: &BusinessSettings| -> Vec<RecurringSchedule> {
        digest_schedules(settings, std::slice::from_ref(member))
            .into_iter()
            .filter(|d| matches!(d.trigger.recipient, Recipient::Staff(_)))
            .collect()
    };
    let now = of_member(settings);
    match cause {
        ReplanCause::Repair { recreate, .. } => {
            if *recreate {
                for schedule in &now {
                    s.schedules.delete(&schedule.name).await?;
                }
            }
            apply_recurring(s, &[], &now, reaction).await
        }
        _ => {
            apply_recurring(
                s,
                &of_member(settings_before(cause, settings)),
                &now,
                reaction,
            )
            .await
        }
    }
}

/// Deletes the schedules of a plan (to create them again with the stack's current target);
/// messages decided at planning have none.
async fn withdraw_all(
    s: &ReactionServices,
    plan: &[PlannedMessage],
    reaction: &mut Reaction,
) -> Result<(), ReactionError> {
    for message in plan.iter().filter(|m| !decided_at_planning(m)) {
        s.schedules.delete(&message.key.schedule_name()).await?;
        reaction.withdrawn += 1;
    }
    Ok(())
}
