//! Records many subjects depend on — the settings, an appointment type, a staff member: the
//! digest schedules now, everything else as a re-plan job of bounded steps
//! ([`crate::replan`]).

use crate::effects::{Reaction, ReactionError, apply_recurring};
use crate::replan::{begin, job_of_retention, job_of_settings, job_of_staff, job_of_type};
use crate::services::ReactionServices;
use rappel_core::model::{AppointmentType, StaffMember};
use rappel_core::planning::day::digest_schedules;
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::TypedRecords;

/// The settings changed: the managers' digest schedules now (the settings list the managers);
/// everything else — every booked appointment, open document, client due for re-engagement
/// and staff member's digest — as a re-plan job of bounded steps.
pub(super) async fn settings_changed(
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
    if let Some((job, listings)) = job_of_retention(old, new) {
        begin(s, &job, listings, Some(new.version)).await?;
    }
    Ok(reaction)
}

/// A staff member changed: their digest schedule now; their appointments as a re-plan job.
pub(super) async fn staff_changed(
    s: &ReactionServices,
    old: &StaffMember,
    new: &StaffMember,
) -> Result<Reaction, ReactionError> {
    let settings = s.records.settings(&new.tenant).await?;
    let mut reaction = Reaction::default();
    let schedules =
        |member: &StaffMember| digest_schedules(&settings, std::slice::from_ref(member));
    apply_recurring(s, &schedules(old), &schedules(new), &mut reaction).await?;
    let (job, listings) = job_of_staff(old, new, s.clock.now());
    begin(s, &job, listings, None).await?;
    Ok(reaction)
}

/// A new staff member gets their digest schedule if digests are on.
pub(super) async fn staff_created(
    s: &ReactionServices,
    new: &StaffMember,
) -> Result<Reaction, ReactionError> {
    let settings = s.records.settings(&new.tenant).await?;
    let mut reaction = Reaction::default();
    let now = digest_schedules(&settings, std::slice::from_ref(new));
    apply_recurring(s, &[], &now, &mut reaction).await?;
    Ok(reaction)
}

/// A type changed: its appointments as a re-plan job.
pub(super) async fn type_changed(
    s: &ReactionServices,
    old: &AppointmentType,
    new: &AppointmentType,
) -> Result<Reaction, ReactionError> {
    let (job, listings) = job_of_type(old, new, s.clock.now());
    begin(s, &job, listings, None).await?;
    Ok(Reaction::default())
}
