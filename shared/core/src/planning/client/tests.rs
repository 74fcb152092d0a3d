//! Re-engagement, as a business and its clients would notice it.

use super::*;
use crate::message::{
    Channel, Disposition, MessageKind, Recipient, StaleReason, SuppressionReason, Verdict,
};
use crate::model::*;
use crate::settings::*;
use chrono::{DateTime, Duration, TimeZone as _, Utc};

fn id<T: TryFrom<String>>(s: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(s.to_owned()).unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

struct World {
    settings: BusinessSettings,
    client: Client,
    appointments: Vec<Appointment>,
}

impl World {
    /// Steps at 30 days (e-mail) and 60 days (SMS); a client who agreed to marketing.
    fn new() -> Self {
        let tenant: TenantId = id("salon");
        let mut settings = BusinessSettings::defaults_for(&tenant);
        settings.input.notifications.reengagement = ReengagementSettings {
            steps: ReengagementSteps::new(vec![
                ReengagementStep {
                    days_after_last_visit: 30,
                    email: true,
                    sms: false,
                },
                ReengagementStep {
                    days_after_last_visit: 60,
                    email: false,
                    sms: true,
                },
            ])
            .unwrap(),
            booking_url: Some(BookingUrl::parse("https://salon.example/book").unwrap()),
        };
        Self {
            settings,
            client: Client {
                tenant,
                id: id("lea"),
                name: id("Léa Martin"),
                email: Some(id("lea@example.fr")),
                phone: Some(id("+33612345678")),
                locale: Locale::FR,
                time_zone: TimeZone::parse("Europe/Paris").unwrap(),
                preferences: ContactPreferences {
                    marketing: true,
                    ..ContactPreferences::default()
                },
                version: 1,
            },
            appointments: Vec::new(),
        }
    }

    fn ctx(&self) -> ClientContext<'_> {
        ClientContext {
            settings: &self.settings,
            client: &self.client,
            appointments: &self.appointments,
        }
    }

    /// An appointment of the client, in `zone`, with the given status.
    fn visit(&mut self, n: u32, start: DateTime<Utc>, zone: &str, status: AppointmentStatus) {
        self.appointments.push(Appointment {
            tenant: self.client.tenant.clone(),
            id: id(&format!("apt{n}")),
            client_id: self.client.id.clone(),
            staff_id: id("sam"),
            type_id: id("cut"),
            start,
            end: start + Duration::minutes(45),
            time_zone: TimeZone::parse(zone).unwrap(),
            status,
            origin: Origin::Online,
            version: 1,
            created_at: start - Duration::days(7),
            updated_at: start - Duration::days(7),
            details_changed_at: start - Duration::days(7),
            last_change: LastChange {
                action: ChangeAction::Booked,
                actor: Actor::Client,
                at: start - Duration::days(7),
                notify_client: true,
                in_bulk: false,
            },
            earlier_slot_offers: None,
            client_confirmation: None,
        });
    }
}

#[test]
fn a_client_who_never_booked_gets_nothing() {
    let w = World::new();
    assert!(reengagement(&w.ctx()).is_empty());
}

#[test]
fn the_steps_follow_the_end_of_the_last_visit_on_the_local_wall_clock() {
    let mut w = World::new();
    // 10:00 Paris in winter; 30 days later is after the March DST change.
    w.visit(
        1,
        utc(2026, 3, 2, 9, 0),
        "Europe/Paris",
        AppointmentStatus::Completed,
    );
    let plan = reengagement(&w.ctx());
    assert_eq!(plan.len(), 2);
    let email = &plan[0];
    assert_eq!(email.key.kind, MessageKind::Reengagement);
    assert_eq!(email.key.channel, Channel::Email);
    assert_eq!(email.key.ordinal, 1);
    assert_eq!(email.key.recipient, Recipient::Client(id("lea")));
    // The visit ended at 10:45 Paris (UTC+1); 1 April 10:45 Paris is UTC+2.
    assert_eq!(email.key.due, utc(2026, 4, 1, 8, 45));
    assert!(email.is_deliverable());
    let sms = &plan[1];
    assert_eq!(sms.key.channel, Channel::Sms);
    assert_eq!(sms.key.ordinal, 2);
    assert_eq!(sms.key.due, utc(2026, 5, 1, 8, 45));
}

#[test]
fn the_steps_of_a_visit_west_of_utc_keep_its_local_time_across_dst() {
    let mut w = World::new();
    // 09:00 in New York (UTC-5) on 1 March; 30 days later New York is UTC-4.
    w.visit(
        1,
        utc(2026, 3, 1, 14, 0),
        "America/New_York",
        AppointmentStatus::Completed,
    );
    let plan = reengagement(&w.ctx());
    assert!(!plan.is_empty());
    assert_eq!(plan[0].key.due, utc(2026, 3, 31, 13, 45));
}

#[test]
fn the_last_visit_is_the_latest_kept_appointment_not_a_cancelled_or_missed_one() {
    let mut w = World::new();
    w.visit(
        1,
        utc(2026, 3, 2, 9, 0),
        "Europe/Paris",
        AppointmentStatus::Completed,
    );
    w.visit(
        2,
        utc(2026, 3, 20, 9, 0),
        "Europe/Paris",
        AppointmentStatus::Cancelled,
    );
    w.visit(
        3,
        utc(2026, 3, 25, 9, 0),
        "Europe/Paris",
        AppointmentStatus::NoShow,
    );
    let plan = reengagement(&w.ctx());
    assert!(!plan.is_empty());
    assert_eq!(plan[0].key.due, utc(2026, 4, 1, 8, 45));
}

#[test]
fn a_new_booking_moves_the_steps_after_the_new_visit_and_the_old_step_is_refused() {
    let mut w = World::new();
    w.visit(
        1,
        utc(2026, 3, 2, 9, 0),
        "Europe/Paris",
        AppointmentStatus::Completed,
    );
    let before = reengagement(&w.ctx());
    assert!(!before.is_empty());
    // The client books again for 10 April (confirmed): the count restarts from that visit.
    w.visit(
        2,
        utc(2026, 4, 10, 8, 0),
        "Europe/Paris",
        AppointmentStatus::Confirmed,
    );
    let after = reengagement(&w.ctx());
    assert!(!after.is_empty());
    assert_eq!(after[0].key.due, utc(2026, 5, 10, 8, 45));
    let change = crate::planning::diff(&before, &after);
    assert_eq!(change.to_withdraw.len(), 2);
    assert_eq!(change.to_schedule.len(), 2);
    // The old step 1 fires anyway (its withdrawal failed): refused, with the reason.
    let now = utc(2026, 4, 1, 8, 45);
    assert_eq!(
        verdict(&before[0].key, &w.ctx(), now),
        Verdict::Stale(StaleReason::ClientBookedAgain)
    );
}

#[test]
fn a_pending_request_after_the_visit_withdraws_every_step() {
    let mut w = World::new();
    w.visit(
        1,
        utc(2026, 3, 2, 9, 0),
        "Europe/Paris",
        AppointmentStatus::Completed,
    );
    let before = reengagement(&w.ctx());
    w.visit(
        2,
        utc(2026, 4, 20, 8, 0),
        "Europe/Paris",
        AppointmentStatus::Requested,
    );
    assert!(reengagement(&w.ctx()).is_empty());
    assert!(!before.is_empty());
    assert_eq!(
        verdict(&before[0].key, &w.ctx(), before[0].key.due),
        Verdict::Stale(StaleReason::ClientBookedAgain)
    );
}

#[test]
fn without_marketing_consent_each_step_is_suppressed_with_the_reason() {
    let mut w = World::new();
    w.client.preferences.marketing = false;
    w.visit(
        1,
        utc(2026, 3, 2, 9, 0),
        "Europe/Paris",
        AppointmentStatus::Completed,
    );
    let plan = reengagement(&w.ctx());
    assert!(!plan.is_empty());
    assert!(
        plan.iter().all(
            |m| m.disposition == Disposition::Suppressed(SuppressionReason::NoMarketingConsent)
        )
    );
    assert_eq!(
        verdict(&plan[0].key, &w.ctx(), plan[0].key.due),
        Verdict::Suppress(SuppressionReason::NoMarketingConsent)
    );
}

#[test]
fn changing_the_settings_changes_the_plan_and_a_removed_step_is_not_sent() {
    let mut w = World::new();
    w.visit(
        1,
        utc(2026, 3, 2, 9, 0),
        "Europe/Paris",
        AppointmentStatus::Completed,
    );
    let before = reengagement(&w.ctx());
    w.settings.input.notifications.reengagement.steps =
        ReengagementSteps::new(vec![ReengagementStep {
            days_after_last_visit: 45,
            email: true,
            sms: false,
        }])
        .unwrap();
    let after = reengagement(&w.ctx());
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].key.due, utc(2026, 4, 16, 8, 45));
    assert!(!before.is_empty());
    assert_eq!(
        verdict(&before[0].key, &w.ctx(), before[0].key.due),
        Verdict::Stale(StaleReason::NotInCurrentPlan)
    );
    // Switched off entirely.
    w.settings.input.notifications.reengagement = ReengagementSettings::default();
    assert!(reengagement(&w.ctx()).is_empty());
}

#[test]
fn a_step_is_sent_at_its_time_but_not_days_later() {
    let mut w = World::new();
    w.visit(
        1,
        utc(2026, 3, 2, 9, 0),
        "Europe/Paris",
        AppointmentStatus::Completed,
    );
    let plan = reengagement(&w.ctx());
    assert!(!plan.is_empty());
    let key = &plan[0].key;
    assert_eq!(verdict(key, &w.ctx(), key.due), Verdict::Send);
    assert_eq!(
        verdict(key, &w.ctx(), key.due + Duration::days(3)),
        Verdict::Stale(StaleReason::TooLate)
    );
}
