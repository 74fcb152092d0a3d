//! Which job a change begins, and what it lists: only the subjects whose plans can depend on
//! what changed, through the index that finds them without reading the rest of the business.

use crate::subjects::{MAX_DURATION, PLANNING_HORIZON};
use chrono::{DateTime, Duration, Utc};
use rappel_core::message::REENGAGEMENT_GRACE;
use rappel_core::model::{AppointmentType, StaffMember};
use rappel_core::settings::{BusinessSettings, RetentionSettings};
use rappel_ports::records::{Listing, RecordKind};
use rappel_ports::replan::{ReplanCause, ReplanJob};

/// A settings change from `old` to `new`: every appointment whose messages may still be due;
/// every open document, unless nothing their plans read changed; the clients whose last visit
/// is recent enough for a re-engagement step of either settings, unless nothing their plans
/// read changed; and the staff members when their digest schedules change. (A repair passes the
/// same settings twice and lists everything.)
pub fn job_of_settings(
    old: &BusinessSettings,
    new: &BusinessSettings,
    now: DateTime<Utc>,
) -> (ReplanJob, Vec<Listing>) {
    let job = ReplanJob {
        id: format!("settings-v{}", new.version),
        tenant: new.tenant.clone(),
        cause: ReplanCause::Settings {
            old: Box::new(old.clone()),
        },
    };
    (job, settings_listings(old, new, now, false))
}

/// What a settings change lists (with `everything`, what a repair lists).
fn settings_listings(
    old: &BusinessSettings,
    new: &BusinessSettings,
    now: DateTime<Utc>,
    everything: bool,
) -> Vec<Listing> {
    let mut listings = vec![Listing::AppointmentsEndingAfter {
        after: now - PLANNING_HORIZON,
    }];
    if everything || documents_read(old) != documents_read(new) {
        listings.push(Listing::OpenDocuments);
    }
    let longest = [old, new]
        .iter()
        .map(|s| s.input.notifications.reengagement.steps.longest_days())
        .max()
        .unwrap_or(0);
    if longest > 0 && (everything || clients_read(old) != clients_read(new)) {
        listings.push(Listing::ClientsVisitedSince {
            since: visits_since(longest, now),
        });
    }
    let (was, is) = (
        &old.input.notifications.digest,
        &new.input.notifications.digest,
    );
    if (was.staff || is.staff) && (everything || was != is) {
        listings.push(Listing::StaffMembers);
    }
    listings
}

/// A change of the retention periods from `old` to `new`: every record of the kinds whose
/// period changed is stamped again — all of them, ended or not, a page at a time — and, for
/// the history, every client's entries (with the ledger's copies). None when nothing changed.
pub fn job_of_retention(
    old: &BusinessSettings,
    new: &BusinessSettings,
) -> Option<(ReplanJob, Vec<Listing>)> {
    let (was, is) = (&old.input.retention, &new.input.retention);
    let changed = |period: fn(&RetentionSettings) -> u16| period(was) != period(is);
    let mut kinds = Vec::new();
    if changed(|r| r.ended_appointments_days.as_days()) {
        kinds.push(RecordKind::Appointment);
    }
    if changed(|r| r.inbound_messages_days.as_days()) {
        kinds.extend([RecordKind::Inbound, RecordKind::Waitlist]);
    }
    if changed(|r| r.closed_documents_days.as_days()) {
        kinds.extend([RecordKind::Invoice, RecordKind::Quote]);
    }
    if changed(|r| r.history_days.as_days()) {
        kinds.push(RecordKind::Client);
    }
    if kinds.is_empty() {
        return None;
    }
    let job = ReplanJob {
        id: format!("retention-v{}", new.version),
        tenant: new.tenant.clone(),
        cause: ReplanCause::Retention,
    };
    Some((
        job,
        kinds
            .into_iter()
            .map(|kind| Listing::Records { kind })
            .collect(),
    ))
}

/// An appointment type changed: its appointments, through `by_type`.
pub fn job_of_type(
    old: &AppointmentType,
    new: &AppointmentType,
    now: DateTime<Utc>,
) -> (ReplanJob, Vec<Listing>) {
    let job = ReplanJob {
        id: format!("type-{}-v{}", new.id, new.version),
        tenant: new.tenant.clone(),
        cause: ReplanCause::AppointmentType {
            old: Box::new(old.clone()),
        },
    };
    let listing = Listing::AppointmentsOfType {
        type_id: new.id.clone(),
        after: starting_after(now),
    };
    (job, vec![listing])
}

/// A staff member changed: their appointments, through `by_staff`.
pub fn job_of_staff(
    old: &StaffMember,
    new: &StaffMember,
    now: DateTime<Utc>,
) -> (ReplanJob, Vec<Listing>) {
    let job = ReplanJob {
        id: format!("staff-{}-v{}", new.id, new.version),
        tenant: new.tenant.clone(),
        cause: ReplanCause::Staff {
            old: Box::new(old.clone()),
        },
    };
    let listing = Listing::AppointmentsOfStaff {
        staff: new.id.clone(),
        from: starting_after(now),
    };
    (job, vec![listing])
}

/// What a repair re-plans: everything a settings change would, under the current settings.
pub fn repair_listings(settings: &BusinessSettings, now: DateTime<Utc>) -> Vec<Listing> {
    settings_listings(settings, settings, now, true)
}

/// What an open document's plan reads of the settings (`planning::billing`): its rows, the
/// quiet hours, the business's zone and language, and the managers (owner-mode reminders).
fn documents_read(settings: &BusinessSettings) -> impl PartialEq + '_ {
    let input = &settings.input;
    (
        &input.notifications.billing,
        &input.notifications.quiet_hours,
        input.time_zone,
        input.default_locale,
        &input.managers,
    )
}

/// What a client's re-engagement plan reads of the settings (`planning::client`).
fn clients_read(settings: &BusinessSettings) -> impl PartialEq + '_ {
    let input = &settings.input;
    (
        &input.notifications.reengagement,
        &input.notifications.quiet_hours,
        input.time_zone,
        input.default_locale,
    )
}

/// Appointments that started before this had certainly ended before the planning horizon.
fn starting_after(now: DateTime<Utc>) -> DateTime<Utc> {
    now - PLANNING_HORIZON - MAX_DURATION
}

/// A visit that ended longer ago than the longest step (and its grace) plans nothing due.
fn visits_since(longest_days: u16, now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(i64::from(longest_days)) - REENGAGEMENT_GRACE - MAX_DURATION
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rappel_core::model::TenantId;

    fn settings(version: u64) -> BusinessSettings {
        let mut s = BusinessSettings::defaults_for(&TenantId::parse("salon").unwrap());
        s.version = version;
        s
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()
    }

    #[test]
    fn a_settings_change_lists_appointments_ahead_and_what_else_it_changes_under_its_version() {
        let (job, listings) = job_of_settings(&settings(1), &settings(2), now());
        assert_eq!(job.id, "settings-v2");
        assert_eq!(
            listings,
            vec![Listing::AppointmentsEndingAfter {
                after: now() - PLANNING_HORIZON
            }],
            "billing, re-engagement and digests unchanged: no document, client or staff to read"
        );
        let mut billing = settings(3);
        billing.input.notifications.billing.send_at = rappel_core::settings::LocalTime::new(9, 0);
        let (_, listings) = job_of_settings(&settings(2), &billing, now());
        assert!(listings.contains(&Listing::OpenDocuments));
        assert!(repair_listings(&settings(2), now()).contains(&Listing::OpenDocuments));
    }

    #[test]
    fn turning_staff_digests_on_lists_the_staff_members() {
        let mut on = settings(2);
        on.input.notifications.digest.staff = true;
        let (_, listings) = job_of_settings(&settings(1), &on, now());
        assert!(listings.contains(&Listing::StaffMembers));
        let repair = repair_listings(&on, now());
        assert_eq!(
            repair
                .iter()
                .filter(|l| **l == Listing::StaffMembers)
                .count(),
            1
        );
    }
}
