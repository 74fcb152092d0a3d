//! The planner, row by row of the notification matrix. Each test reads as the behaviour a
//! business or client would notice.

use super::*;
use crate::message::{
    Channel, Disposition, MessageKind, PlannedMessage, Recipient, StaleReason, SuppressionReason,
    Verdict,
};
use crate::model::*;
use crate::planning::diff;
use crate::settings::*;
use chrono::{DateTime, Duration, TimeZone as _, Utc};

/// A zone of the database, by name.
fn zone(name: &str) -> TimeZone {
    TimeZone::parse(name).unwrap()
}

struct World {
    settings: BusinessSettings,
    kind: AppointmentType,
    client: Client,
    staff: StaffMember,
    rebooked: bool,
}

fn id<T: TryFrom<String>>(s: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(s.to_owned()).unwrap()
}

impl World {
    fn new() -> Self {
        let tenant: TenantId = id("salon");
        let mut settings = BusinessSettings::defaults_for(&tenant);
        settings.input.managers.push(Manager {
            id: id("owner"),
            name: id("Olga Owner"),
            email: Some(id("olga@salon.example")),
            phone: None,
            locale: Locale::FR,
            time_zone: TimeZone::parse("Europe/Paris").unwrap(),
        });
        Self {
            kind: AppointmentType {
                tenant: tenant.clone(),
                id: id("cut"),
                name: id("Coupe"),
                overrides: NotificationOverride::default(),
                version: 1,
            },
            client: Client {
                tenant: tenant.clone(),
                id: id("lea"),
                name: id("Léa Martin"),
                email: Some(id("lea@example.fr")),
                phone: Some(id("+33612345678")),
                locale: Locale::FR,
                time_zone: TimeZone::parse("Europe/Paris").unwrap(),
                preferences: ContactPreferences::default(),
                version: 1,
            },
            staff: StaffMember {
                tenant: tenant.clone(),
                id: id("sam"),
                name: id("Sam"),
                email: Some(id("sam@salon.example")),
                phone: Some(id("+33698765432")),
                locale: Locale::FR,
                time_zone: TimeZone::parse("Europe/Paris").unwrap(),
                version: 1,
            },
            settings,
            rebooked: false,
        }
    }

    fn ctx(&self) -> AppointmentContext<'_> {
        AppointmentContext {
            settings: &self.settings,
            appointment_type: &self.kind,
            client: &self.client,
            staff: &self.staff,
            previous_staff: None,
            client_rebooked: self.rebooked,
        }
    }

    fn notifications(&mut self) -> &mut NotificationSettings {
        &mut self.settings.input.notifications
    }

    fn book(
        &self,
        start: DateTime<Utc>,
        zone: TimeZone,
        origin: Origin,
        status: AppointmentStatus,
        notify: bool,
        now: DateTime<Utc>,
    ) -> Appointment {
        Appointment::book(
            NewBooking {
                tenant: self.settings.tenant.clone(),
                id: id("apt1"),
                client_id: self.client.id.clone(),
                staff_id: self.staff.id.clone(),
                type_id: self.kind.id.clone(),
                start,
                end: start + Duration::minutes(45),
                time_zone: zone,
                status,
                origin,
                notify_client: notify,
                horizon: BookingHorizon::default(),
                earlier_slot_offers: None,
            },
            now,
        )
        .unwrap()
    }

    fn book_online(&self, start: DateTime<Utc>, now: DateTime<Utc>) -> Appointment {
        self.book(
            start,
            zone("Europe/Paris"),
            Origin::Online,
            AppointmentStatus::Confirmed,
            true,
            now,
        )
    }
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn local(zone: TimeZone, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    zone.tz()
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// (kind, recipient, channel) of each planned message, for compact assertions.
fn summary(plan: &[PlannedMessage]) -> Vec<(MessageKind, String, Channel)> {
    let mut v: Vec<_> = plan
        .iter()
        .map(|m| (m.key.kind, m.key.recipient.to_string(), m.key.channel))
        .collect();
    v.sort();
    v
}

fn dues(plan: &[PlannedMessage], kind: MessageKind) -> Vec<DateTime<Utc>> {
    plan.iter()
        .filter(|m| m.key.kind == kind && m.key.channel == Channel::Sms)
        .map(|m| m.key.due)
        .collect()
}

// ---- booked online / by staff -------------------------------------------------------------

#[test]
fn an_online_booking_confirms_to_the_client_and_alerts_staff_and_owner() {
    let w = World::new();
    let apt = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let plan = change_messages(None, &apt, &w.ctx());
    assert_eq!(
        summary(&plan),
        vec![
            (
                MessageKind::Confirmation,
                "client:lea".into(),
                Channel::Email
            ),
            (MessageKind::Confirmation, "client:lea".into(), Channel::Sms),
            (
                MessageKind::NewBookingAlert,
                "manager:owner".into(),
                Channel::Email
            ),
            (
                MessageKind::NewBookingAlert,
                "staff:sam".into(),
                Channel::Email
            ),
        ]
    );
    assert!(
        plan.iter()
            .all(|m| m.key.due == utc(2026, 5, 4, 9, 0) && m.key.ordinal == 1)
    );
}

#[test]
fn a_staff_booking_confirms_only_when_send_initial_notification_is_set() {
    let w = World::new();
    let now = utc(2026, 5, 4, 9, 0);
    let silent = w.book(
        utc(2026, 5, 12, 8, 0),
        zone("Europe/Paris"),
        Origin::Staff,
        AppointmentStatus::Confirmed,
        false,
        now,
    );
    assert!(
        change_messages(None, &silent, &w.ctx()).is_empty(),
        "console-made alerts are off by default too"
    );
    let told = w.book(
        utc(2026, 5, 12, 8, 0),
        zone("Europe/Paris"),
        Origin::Staff,
        AppointmentStatus::Confirmed,
        true,
        now,
    );
    assert_eq!(
        summary(&change_messages(None, &told, &w.ctx())),
        vec![
            (
                MessageKind::Confirmation,
                "client:lea".into(),
                Channel::Email
            ),
            (MessageKind::Confirmation, "client:lea".into(), Channel::Sms),
        ]
    );
}

// ---- manual approval, payment --------------------------------------------------------------

#[test]
fn a_request_is_acknowledged_then_accepted_or_refused() {
    let w = World::new();
    let now = utc(2026, 5, 4, 9, 0);
    let requested = w.book(
        utc(2026, 5, 12, 8, 0),
        zone("Europe/Paris"),
        Origin::Online,
        AppointmentStatus::Requested,
        true,
        now,
    );
    assert_eq!(
        summary(&change_messages(None, &requested, &w.ctx())),
        vec![
            (
                MessageKind::RequestReceived,
                "client:lea".into(),
                Channel::Email
            ),
            (
                MessageKind::RequestAlert,
                "manager:owner".into(),
                Channel::Email
            ),
            (
                MessageKind::RequestAlert,
                "staff:sam".into(),
                Channel::Email
            ),
        ]
    );
    assert!(
        timeline(&requested, &w.ctx()).is_empty(),
        "no reminders before the request is accepted"
    );

    let accepted = requested.accept(now + Duration::hours(1)).unwrap();
    assert_eq!(
        summary(&change_messages(Some(&requested), &accepted, &w.ctx())),
        vec![
            (
                MessageKind::RequestAccepted,
                "client:lea".into(),
                Channel::Email
            ),
            (
                MessageKind::RequestAccepted,
                "client:lea".into(),
                Channel::Sms
            ),
        ]
    );
    assert_eq!(
        timeline(&accepted, &w.ctx()).len(),
        3,
        "reminders start once accepted"
    );

    let refused = requested.refuse(true, now + Duration::hours(1)).unwrap();
    assert_eq!(
        summary(&change_messages(Some(&requested), &refused, &w.ctx())),
        vec![
            (
                MessageKind::RequestRefused,
                "client:lea".into(),
                Channel::Email
            ),
            (
                MessageKind::RefusedAlert,
                "manager:owner".into(),
                Channel::Email
            ),
        ]
    );
}

#[test]
fn awaiting_payment_asks_to_pay_and_payment_confirms() {
    let w = World::new();
    let now = utc(2026, 5, 4, 9, 0);
    let held = w.book(
        utc(2026, 5, 12, 8, 0),
        zone("Europe/Paris"),
        Origin::Online,
        AppointmentStatus::AwaitingPayment,
        true,
        now,
    );
    assert_eq!(
        summary(&change_messages(None, &held, &w.ctx())),
        vec![(
            MessageKind::AwaitingPayment,
            "client:lea".into(),
            Channel::Email
        )]
    );
    let paid = held
        .mark_paid(Actor::Client, now + Duration::minutes(5))
        .unwrap();
    let kinds: Vec<_> = change_messages(Some(&held), &paid, &w.ctx())
        .iter()
        .map(|m| m.key.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![MessageKind::Confirmation, MessageKind::Confirmation]
    );
}

// ---- modifications, notify flag -------------------------------------------------------------

#[test]
fn a_console_move_tells_the_client_only_when_notify_is_set() {
    let w = World::new();
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let change = || Modification {
        start: Some(utc(2026, 5, 13, 8, 0)),
        end: Some(utc(2026, 5, 13, 9, 0)),
        ..Default::default()
    };
    let quiet = booked
        .modify(change(), Actor::Staff, false, utc(2026, 5, 5, 9, 0))
        .unwrap()
        .unwrap();
    assert!(change_messages(Some(&booked), &quiet, &w.ctx()).is_empty());
    let told = booked
        .modify(change(), Actor::Staff, true, utc(2026, 5, 5, 9, 0))
        .unwrap()
        .unwrap();
    assert_eq!(
        summary(&change_messages(Some(&booked), &told, &w.ctx())),
        vec![
            (
                MessageKind::Rescheduled,
                "client:lea".into(),
                Channel::Email
            ),
            (MessageKind::Rescheduled, "client:lea".into(), Channel::Sms),
        ]
    );
}

#[test]
fn a_client_move_notifies_the_client_and_alerts_the_staff_member() {
    let w = World::new();
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let moved = booked
        .modify(
            Modification {
                start: Some(utc(2026, 5, 13, 8, 0)),
                end: Some(utc(2026, 5, 13, 9, 0)),
                ..Default::default()
            },
            Actor::Client,
            true,
            utc(2026, 5, 5, 9, 0),
        )
        .unwrap()
        .unwrap();
    let plan = change_messages(Some(&booked), &moved, &w.ctx());
    assert!(summary(&plan).contains(&(
        MessageKind::ModifiedAlert,
        "staff:sam".into(),
        Channel::Email
    )));
    assert!(summary(&plan).contains(&(
        MessageKind::Rescheduled,
        "client:lea".into(),
        Channel::Sms
    )));
}

#[test]
fn a_replayed_or_reordered_record_plans_no_new_change_message() {
    let w = World::new();
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let cancelled = booked
        .cancel(Actor::Client, true, utc(2026, 5, 5, 9, 0))
        .unwrap();
    assert!(change_messages(Some(&cancelled), &booked, &w.ctx()).is_empty());
    assert!(change_messages(Some(&cancelled), &cancelled, &w.ctx()).is_empty());
}

// ---- cancellation -----------------------------------------------------------------------------

#[test]
fn a_cancellation_is_announced_only_if_the_appointment_is_not_past() {
    let w = World::new();
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let cancelled = booked
        .cancel(Actor::Client, true, utc(2026, 5, 5, 9, 0))
        .unwrap();
    let plan = change_messages(Some(&booked), &cancelled, &w.ctx());
    assert!(summary(&plan).contains(&(
        MessageKind::Cancelled,
        "client:lea".into(),
        Channel::Email
    )));
    assert!(summary(&plan).contains(&(
        MessageKind::CancelledAlert,
        "staff:sam".into(),
        Channel::Email
    )));
    assert!(
        timeline(&cancelled, &w.ctx()).is_empty(),
        "all pending messages are withdrawn"
    );

    let late = booked
        .cancel(Actor::Staff, true, utc(2026, 5, 12, 8, 30))
        .unwrap();
    assert!(change_messages(Some(&booked), &late, &w.ctx()).is_empty());
}

#[test]
fn completed_and_no_show_messages_follow_their_settings() {
    let mut w = World::new();
    w.notifications().client.completed = ChannelChoice::EMAIL;
    w.notifications().client.no_show = ChannelChoice::SMS;
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let done = booked.complete(true, utc(2026, 5, 12, 9, 0)).unwrap();
    assert_eq!(
        summary(&change_messages(Some(&booked), &done, &w.ctx())),
        vec![(MessageKind::Completed, "client:lea".into(), Channel::Email)]
    );
    let missed = booked.mark_no_show(true, utc(2026, 5, 12, 9, 0)).unwrap();
    assert_eq!(
        summary(&change_messages(Some(&booked), &missed, &w.ctx())),
        vec![(MessageKind::NoShow, "client:lea".into(), Channel::Sms)]
    );
}

// ---- reminders and time ---------------------------------------------------------------------

#[test]
fn default_reminders_go_24_hours_and_2_hours_before() {
    let w = World::new();
    let start = local(zone("Europe/Paris"), 2026, 5, 12, 10, 0);
    let apt = w.book_online(start, utc(2026, 5, 4, 9, 0));
    let plan = timeline(&apt, &w.ctx());
    assert_eq!(
        dues(&plan, MessageKind::Reminder),
        vec![start - Duration::hours(24), start - Duration::hours(2)]
    );
    assert!(plan.iter().all(|m| m.is_deliverable()));
}

#[test]
fn a_day_offset_keeps_the_wall_clock_and_an_hour_offset_does_not_across_the_spring_change() {
    let mut w = World::new();
    w.notifications().reminders = Reminders::new(vec![
        ReminderRule {
            offset: Offset::Days(1),
            email: false,
            sms: true,
            late_policy: LatePolicy::Skip,
            copy_to_staff: false,
            ask_confirmation: false,
            only_if_unanswered: false,
        },
        ReminderRule {
            offset: Offset::Hours(24),
            email: false,
            sms: true,
            late_policy: LatePolicy::Skip,
            copy_to_staff: false,
            ask_confirmation: false,
            only_if_unanswered: false,
        },
    ])
    .unwrap();
    let paris = zone("Europe/Paris");
    // Sunday 29 March 2026, 10:00 in Paris; clocks went forward that night at 02:00.
    let apt = w.book_online(local(paris, 2026, 3, 29, 10, 0), utc(2026, 3, 20, 9, 0));
    let plan = timeline(&apt, &w.ctx());
    let due = dues(&plan, MessageKind::Reminder);
    // "1d": Saturday 10:00 on the wall clock (23 h before); "24h": Saturday 09:00.
    assert_eq!(
        due,
        vec![
            local(paris, 2026, 3, 28, 9, 0),
            local(paris, 2026, 3, 28, 10, 0)
        ]
    );
    assert_eq!(apt.start - due[1], Duration::hours(23));
}

#[test]
fn a_day_offset_keeps_the_wall_clock_across_the_autumn_change_in_paris() {
    let mut w = World::new();
    w.notifications().reminders = Reminders::new(vec![ReminderRule {
        offset: Offset::Days(1),
        email: false,
        sms: true,
        late_policy: LatePolicy::Skip,
        copy_to_staff: false,
        ask_confirmation: false,
        only_if_unanswered: false,
    }])
    .unwrap();
    let paris = zone("Europe/Paris");
    // Monday 26 October 2026, 09:00; clocks went back on Sunday 25 at 03:00.
    let apt = w.book_online(local(paris, 2026, 10, 26, 9, 0), utc(2026, 10, 1, 9, 0));
    assert_eq!(
        dues(&timeline(&apt, &w.ctx()), MessageKind::Reminder),
        vec![local(paris, 2026, 10, 25, 9, 0)]
    );
}

#[test]
fn reminders_follow_new_york_time_for_an_appointment_in_new_york() {
    let mut w = World::new();
    w.notifications().reminders = Reminders::new(vec![ReminderRule {
        offset: Offset::Days(1),
        email: false,
        sms: true,
        late_policy: LatePolicy::Skip,
        copy_to_staff: false,
        ask_confirmation: false,
        only_if_unanswered: false,
    }])
    .unwrap();
    let ny = zone("America/New_York");
    // Sunday 8 March 2026, 09:00 in New York, hours after the spring change there, while Paris
    // is still on winter time: the reminder is Saturday 09:00 New York time, 23 h before.
    let apt = w.book(
        local(ny, 2026, 3, 8, 9, 0),
        ny,
        Origin::Online,
        AppointmentStatus::Confirmed,
        true,
        utc(2026, 3, 1, 9, 0),
    );
    assert_eq!(
        dues(&timeline(&apt, &w.ctx()), MessageKind::Reminder),
        vec![local(ny, 2026, 3, 7, 9, 0)]
    );
}

#[test]
fn a_reminder_already_past_at_booking_is_skipped_as_too_late_by_default() {
    let w = World::new();
    let start = utc(2026, 5, 12, 8, 0);
    let apt = w.book_online(start, start - Duration::hours(5));
    let plan = timeline(&apt, &w.ctx());
    let day_before: Vec<_> = plan.iter().filter(|m| m.key.ordinal == 1).collect();
    assert_eq!(day_before.len(), 2);
    assert!(
        day_before
            .iter()
            .all(|m| m.disposition == Disposition::Suppressed(SuppressionReason::TooLate))
    );
    let two_hours: Vec<_> = plan.iter().filter(|m| m.key.ordinal == 2).collect();
    assert!(!two_hours.is_empty());
    assert!(
        two_hours
            .iter()
            .all(|m| m.is_deliverable() && m.key.due == start - Duration::hours(2))
    );
}

#[test]
fn a_reminder_with_send_now_goes_at_booking_time_when_its_time_has_passed() {
    let mut w = World::new();
    w.notifications().reminders = Reminders::new(vec![ReminderRule {
        offset: Offset::Hours(24),
        email: true,
        sms: false,
        late_policy: LatePolicy::SendNow,
        copy_to_staff: false,
        ask_confirmation: false,
        only_if_unanswered: false,
    }])
    .unwrap();
    let start = utc(2026, 5, 12, 8, 0);
    let booked_at = start - Duration::hours(5);
    let plan = timeline(&w.book_online(start, booked_at), &w.ctx());
    assert_eq!(plan.len(), 1);
    assert!(plan[0].is_deliverable());
    assert_eq!(plan[0].key.due, booked_at);
}

#[test]
fn moving_an_appointment_into_a_reminder_window_applies_the_late_policy_at_the_move() {
    let w = World::new();
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let moved_at = utc(2026, 5, 10, 9, 0);
    let moved = booked
        .modify(
            Modification {
                start: Some(utc(2026, 5, 10, 20, 0)),
                end: Some(utc(2026, 5, 10, 21, 0)),
                ..Default::default()
            },
            Actor::Staff,
            true,
            moved_at,
        )
        .unwrap()
        .unwrap();
    let plan = timeline(&moved, &w.ctx());
    assert!(
        plan.iter()
            .filter(|m| m.key.ordinal == 1)
            .all(|m| m.disposition == Disposition::Suppressed(SuppressionReason::TooLate))
    );
    assert!(
        plan.iter()
            .filter(|m| m.key.ordinal == 2)
            .all(PlannedMessage::is_deliverable)
    );
}

#[test]
fn up_to_five_reminders_with_an_optional_staff_copy() {
    let mut w = World::new();
    let rule = |h, copy| ReminderRule {
        offset: Offset::Hours(h),
        email: true,
        sms: false,
        late_policy: LatePolicy::Skip,
        copy_to_staff: copy,
        ask_confirmation: false,
        only_if_unanswered: false,
    };
    w.notifications().reminders = Reminders::new(vec![
        rule(72, false),
        rule(48, false),
        rule(24, true),
        rule(4, false),
        rule(1, false),
    ])
    .unwrap();
    let plan = timeline(
        &w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 1, 9, 0)),
        &w.ctx(),
    );
    assert_eq!(
        plan.iter()
            .filter(|m| m.key.kind == MessageKind::Reminder)
            .count(),
        5
    );
    let copies: Vec<_> = plan
        .iter()
        .filter(|m| m.key.kind == MessageKind::ReminderCopy)
        .collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].key.recipient, Recipient::Staff(id("sam")));
    assert_eq!(copies[0].key.due, utc(2026, 5, 11, 8, 0));
}

#[test]
fn an_appointment_type_can_replace_the_business_reminders() {
    let mut w = World::new();
    w.kind.overrides.reminders = Some(
        Reminders::new(vec![ReminderRule {
            offset: Offset::Days(2),
            email: true,
            sms: false,
            late_policy: LatePolicy::Skip,
            copy_to_staff: false,
            ask_confirmation: false,
            only_if_unanswered: false,
        }])
        .unwrap(),
    );
    let plan = timeline(
        &w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 1, 9, 0)),
        &w.ctx(),
    );
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].key.due, utc(2026, 5, 10, 8, 0));
}

// ---- after the appointment ------------------------------------------------------------------

#[test]
fn follow_ups_go_hours_after_the_end_unless_the_client_rebooked() {
    let mut w = World::new();
    w.notifications().reminders = Reminders::default();
    w.notifications().follow_ups = FollowUps::new(vec![
        FollowUpRule {
            after_end: Offset::Hours(3),
            email: true,
            sms: false,
            only_if_not_rebooked: false,
            mode: FollowUpMode::Automatic,
            manual_to: ManualFollowUpTo::Staff,
        },
        FollowUpRule {
            after_end: Offset::Days(30),
            email: true,
            sms: false,
            only_if_not_rebooked: true,
            mode: FollowUpMode::Automatic,
            manual_to: ManualFollowUpTo::Staff,
        },
    ])
    .unwrap();
    w.notifications().review_request = Some(ReviewRequestRule {
        after_end: Offset::Hours(2),
        email: true,
        sms: false,
    });
    let apt = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 1, 9, 0));
    let end = apt.end;
    let plan = timeline(&apt, &w.ctx());
    let due: Vec<_> = plan.iter().map(|m| (m.key.kind, m.key.due)).collect();
    assert_eq!(
        due,
        vec![
            (MessageKind::ReviewRequest, end + Duration::hours(2)),
            (MessageKind::FollowUp, end + Duration::hours(3)),
            (MessageKind::FollowUp, utc(2026, 6, 11, 8, 45)),
        ]
    );
    w.rebooked = true;
    let plan = timeline(&apt, &w.ctx());
    let second = plan
        .iter()
        .find(|m| m.key.kind == MessageKind::FollowUp && m.key.ordinal == 2)
        .unwrap();
    assert_eq!(
        second.disposition,
        Disposition::Suppressed(SuppressionReason::ClientRebooked)
    );
    assert!(
        plan.iter()
            .find(|m| m.key.kind == MessageKind::FollowUp && m.key.ordinal == 1)
            .unwrap()
            .is_deliverable()
    );
    let no_show = apt.mark_no_show(true, utc(2026, 5, 12, 9, 0)).unwrap();
    assert!(
        timeline(&no_show, &w.ctx()).is_empty(),
        "no follow-up after a no-show"
    );
}

// ---- channel rules --------------------------------------------------------------------------

#[test]
fn a_client_who_refuses_sms_gets_email_only_and_each_refused_sms_is_recorded() {
    let mut w = World::new();
    w.client.preferences.sms = false;
    let apt = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 1, 9, 0));
    let plan = timeline(&apt, &w.ctx());
    // 24 h reminder: email sent, SMS suppressed; 2 h reminder (SMS only): suppressed.
    let legs: Vec<_> = plan
        .iter()
        .map(|m| (m.key.ordinal, m.key.channel, m.disposition))
        .collect();
    let refused = Disposition::Suppressed(SuppressionReason::SmsRefused);
    assert_eq!(
        legs,
        vec![
            (1, Channel::Email, Disposition::Deliver),
            (1, Channel::Sms, refused),
            (2, Channel::Sms, refused),
        ]
    );
}

#[test]
fn a_client_without_contact_details_has_every_message_suppressed_with_a_reason() {
    let mut w = World::new();
    w.client.email = None;
    w.client.phone = None;
    let apt = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 1, 9, 0));
    let confirmation: Vec<_> = change_messages(None, &apt, &w.ctx())
        .into_iter()
        .filter(|m| m.key.kind == MessageKind::Confirmation)
        .collect();
    let legs: Vec<_> = confirmation
        .iter()
        .map(|m| (m.key.channel, m.disposition))
        .collect();
    assert_eq!(
        legs,
        vec![
            (
                Channel::Email,
                Disposition::Suppressed(SuppressionReason::NoEmail)
            ),
            (
                Channel::Sms,
                Disposition::Suppressed(SuppressionReason::NoPhone)
            ),
        ]
    );
}

// ---- diff and send-time verdict --------------------------------------------------------------

#[test]
fn moving_withdraws_the_old_reminders_and_schedules_new_ones() {
    let w = World::new();
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let moved = booked
        .modify(
            Modification {
                start: Some(utc(2026, 5, 14, 8, 0)),
                end: Some(utc(2026, 5, 14, 9, 0)),
                ..Default::default()
            },
            Actor::Client,
            true,
            utc(2026, 5, 5, 9, 0),
        )
        .unwrap()
        .unwrap();
    let change = diff(&timeline(&booked, &w.ctx()), &timeline(&moved, &w.ctx()));
    assert_eq!(change.to_withdraw.len(), 3);
    assert_eq!(change.to_schedule.len(), 3);
    assert!(
        change
            .to_schedule
            .iter()
            .all(|m| m.key.due > utc(2026, 5, 13, 0, 0))
    );

    let cancelled = moved
        .cancel(Actor::Client, true, utc(2026, 5, 6, 9, 0))
        .unwrap();
    let change = diff(&timeline(&moved, &w.ctx()), &timeline(&cancelled, &w.ctx()));
    assert_eq!(change.to_withdraw.len(), 3);
    assert!(change.to_schedule.is_empty());

    assert!(
        diff(&timeline(&booked, &w.ctx()), &timeline(&booked, &w.ctx())).is_empty(),
        "re-planning the same state changes nothing"
    );
}

#[test]
fn a_reminder_of_the_old_time_is_stale_once_the_appointment_moved() {
    let w = World::new();
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let old_reminder = timeline(&booked, &w.ctx()).remove(0).key;
    assert_eq!(
        verdict(&old_reminder, &booked, &w.ctx(), old_reminder.due),
        Verdict::Send
    );
    let moved = booked
        .modify(
            Modification {
                start: Some(utc(2026, 5, 14, 8, 0)),
                end: Some(utc(2026, 5, 14, 9, 0)),
                ..Default::default()
            },
            Actor::Client,
            true,
            utc(2026, 5, 5, 9, 0),
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        verdict(&old_reminder, &moved, &w.ctx(), old_reminder.due),
        Verdict::Stale(StaleReason::NotInCurrentPlan)
    );
}

#[test]
fn a_preference_change_after_scheduling_suppresses_at_send_time() {
    let mut w = World::new();
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let confirmation_sms = change_messages(None, &booked, &w.ctx())
        .into_iter()
        .find(|m| m.key.channel == Channel::Sms)
        .unwrap()
        .key;
    w.client.preferences.sms = false;
    assert_eq!(
        verdict(&confirmation_sms, &booked, &w.ctx(), confirmation_sms.due),
        Verdict::Suppress(SuppressionReason::SmsRefused)
    );
}

#[test]
fn a_reschedule_notice_is_superseded_by_a_later_move_and_a_confirmation_by_a_cancellation() {
    let w = World::new();
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let confirmation = change_messages(None, &booked, &w.ctx()).remove(0).key;
    let first = booked
        .modify(
            Modification {
                start: Some(utc(2026, 5, 13, 8, 0)),
                end: Some(utc(2026, 5, 13, 9, 0)),
                ..Default::default()
            },
            Actor::Client,
            true,
            utc(2026, 5, 5, 9, 0),
        )
        .unwrap()
        .unwrap();
    let notice = change_messages(Some(&booked), &first, &w.ctx())
        .remove(0)
        .key;
    assert_eq!(
        verdict(&notice, &first, &w.ctx(), notice.due),
        Verdict::Send
    );
    let second = first
        .modify(
            Modification {
                start: Some(utc(2026, 5, 14, 8, 0)),
                end: Some(utc(2026, 5, 14, 9, 0)),
                ..Default::default()
            },
            Actor::Client,
            true,
            utc(2026, 5, 5, 10, 0),
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        verdict(&notice, &second, &w.ctx(), notice.due),
        Verdict::Stale(StaleReason::Superseded)
    );
    assert_eq!(
        verdict(&confirmation, &second, &w.ctx(), confirmation.due),
        Verdict::Send
    );
    let cancelled = second
        .cancel(Actor::Client, true, utc(2026, 5, 5, 11, 0))
        .unwrap();
    assert_eq!(
        verdict(&confirmation, &cancelled, &w.ctx(), confirmation.due),
        Verdict::Stale(StaleReason::Superseded)
    );
}

#[test]
fn a_reminder_fired_at_or_after_the_start_is_too_late() {
    let w = World::new();
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let reminder = timeline(&booked, &w.ctx())
        .into_iter()
        .find(|m| m.key.kind == MessageKind::Reminder)
        .unwrap()
        .key;
    assert_eq!(
        verdict(
            &reminder,
            &booked,
            &w.ctx(),
            reminder.due + Duration::hours(3)
        ),
        Verdict::Send,
        "late but before the start: still useful"
    );
    assert_eq!(
        verdict(&reminder, &booked, &w.ctx(), booked.start),
        Verdict::Stale(StaleReason::TooLate)
    );
    assert_eq!(
        verdict(&reminder, &booked, &w.ctx(), utc(2026, 5, 20, 8, 0)),
        Verdict::Stale(StaleReason::TooLate),
        "a dead letter replayed a week later"
    );
}

#[test]
fn a_cancellation_notice_after_the_start_is_too_late_but_at_the_start_still_goes() {
    let w = World::new();
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let cancelled = booked
        .cancel(Actor::Client, true, utc(2026, 5, 12, 7, 0))
        .unwrap();
    let notice = change_messages(Some(&booked), &cancelled, &w.ctx())
        .into_iter()
        .find(|m| m.key.kind == MessageKind::Cancelled)
        .unwrap()
        .key;
    assert_eq!(
        verdict(&notice, &cancelled, &w.ctx(), booked.start),
        Verdict::Send
    );
    assert_eq!(
        verdict(
            &notice,
            &cancelled,
            &w.ctx(),
            booked.start + Duration::minutes(1)
        ),
        Verdict::Stale(StaleReason::TooLate)
    );
}

#[test]
fn a_follow_up_goes_out_up_to_a_week_late_and_not_after() {
    let mut w = World::new();
    w.notifications().follow_ups = FollowUps::new(vec![FollowUpRule {
        after_end: Offset::Days(2),
        email: true,
        sms: false,
        only_if_not_rebooked: false,
        mode: FollowUpMode::Automatic,
        manual_to: ManualFollowUpTo::Staff,
    }])
    .unwrap();
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let follow_up = timeline(&booked, &w.ctx())
        .into_iter()
        .find(|m| m.key.kind == MessageKind::FollowUp)
        .unwrap()
        .key;
    assert_eq!(
        verdict(
            &follow_up,
            &booked,
            &w.ctx(),
            follow_up.due + Duration::days(7)
        ),
        Verdict::Send
    );
    assert_eq!(
        verdict(
            &follow_up,
            &booked,
            &w.ctx(),
            follow_up.due + Duration::days(8)
        ),
        Verdict::Stale(StaleReason::TooLate)
    );
}

#[test]
fn every_requested_channel_is_planned_and_a_refused_one_says_why() {
    let mut w = World::new();
    w.client.preferences.sms = false;
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), utc(2026, 5, 4, 9, 0));
    let reminders: Vec<PlannedMessage> = timeline(&booked, &w.ctx())
        .into_iter()
        .filter(|m| m.key.kind == MessageKind::Reminder && m.key.ordinal == 1)
        .collect();
    assert_eq!(
        reminders
            .iter()
            .map(|m| (m.key.channel, m.disposition))
            .collect::<Vec<_>>(),
        vec![
            (Channel::Email, Disposition::Deliver),
            (
                Channel::Sms,
                Disposition::Suppressed(SuppressionReason::SmsRefused)
            )
        ]
    );
}

// ---- manual follow-up and the staff member an appointment was taken from -----------------------

#[test]
fn a_manual_follow_up_reminds_the_staff_member_instead_of_writing_to_the_client() {
    let mut w = World::new();
    w.notifications().follow_ups = FollowUps::new(vec![FollowUpRule {
        after_end: Offset::Hours(48),
        email: true,
        sms: false,
        only_if_not_rebooked: false,
        mode: FollowUpMode::Manual,
        manual_to: ManualFollowUpTo::Staff,
    }])
    .unwrap();
    let start = utc(2026, 5, 11, 8, 0);
    let appointment = w.book_online(start, utc(2026, 5, 1, 8, 0));
    let plan = timeline(&appointment, &w.ctx());
    let follow_ups: Vec<_> = plan
        .iter()
        .filter(|m| {
            matches!(
                m.key.kind,
                MessageKind::FollowUp | MessageKind::ManualFollowUp
            )
        })
        .collect();
    assert_eq!(follow_ups.len(), 1);
    assert_eq!(follow_ups[0].key.kind, MessageKind::ManualFollowUp);
    assert_eq!(follow_ups[0].key.recipient, Recipient::Staff(id("sam")));
    assert_eq!(follow_ups[0].key.due, appointment.end + Duration::hours(48));
    assert!(follow_ups[0].is_deliverable());
}

#[test]
fn a_manual_follow_up_can_go_to_the_managers_and_mode_none_sends_nothing() {
    let mut w = World::new();
    let rule = |mode, manual_to| FollowUpRule {
        after_end: Offset::Hours(24),
        email: true,
        sms: false,
        only_if_not_rebooked: false,
        mode,
        manual_to,
    };
    w.notifications().follow_ups =
        FollowUps::new(vec![rule(FollowUpMode::Manual, ManualFollowUpTo::Managers)]).unwrap();
    let appointment = w.book_online(utc(2026, 5, 11, 8, 0), utc(2026, 5, 1, 8, 0));
    let to_owner: Vec<_> = timeline(&appointment, &w.ctx())
        .into_iter()
        .filter(|m| m.key.kind == MessageKind::ManualFollowUp)
        .collect();
    assert_eq!(to_owner.len(), 1);
    assert_eq!(to_owner[0].key.recipient, Recipient::Manager(id("owner")));

    w.notifications().follow_ups =
        FollowUps::new(vec![rule(FollowUpMode::None, ManualFollowUpTo::Staff)]).unwrap();
    let plan = timeline(&appointment, &w.ctx());
    assert!(!plan.is_empty(), "the reminders are still planned");
    assert!(plan.iter().all(|m| !matches!(
        m.key.kind,
        MessageKind::FollowUp | MessageKind::ManualFollowUp
    )));
}

#[test]
fn when_the_staff_member_changes_the_previous_one_is_told_too() {
    let w = World::new();
    let booked_at = utc(2026, 5, 1, 8, 0);
    let booked = w.book_online(utc(2026, 5, 11, 8, 0), booked_at);
    let moved = booked
        .modify(
            Modification {
                staff_id: Some(id("kim")),
                ..Default::default()
            },
            Actor::Client,
            true,
            booked_at + Duration::hours(1),
        )
        .unwrap()
        .unwrap();
    let kim = StaffMember {
        id: id("kim"),
        name: id("Kim"),
        email: Some(id("kim@salon.example")),
        ..w.staff.clone()
    };
    let ctx = AppointmentContext {
        staff: &kim,
        previous_staff: Some(&w.staff),
        ..w.ctx()
    };
    let plan = change_messages(Some(&booked), &moved, &ctx);
    let unassigned: Vec<_> = plan
        .iter()
        .filter(|m| m.key.kind == MessageKind::UnassignedAlert)
        .collect();
    assert_eq!(unassigned.len(), 1);
    assert_eq!(unassigned[0].key.recipient, Recipient::Staff(id("sam")));
    assert!(unassigned[0].is_deliverable());
    assert!(
        plan.iter().any(|m| m.key.kind == MessageKind::ModifiedAlert
            && m.key.recipient == Recipient::Staff(id("kim"))),
        "the new staff member is alerted as before"
    );
    // At send time, still true while the appointment stays with Kim.
    let now = booked_at + Duration::hours(2);
    assert_eq!(
        verdict(&unassigned[0].key, &moved, &ctx, now),
        Verdict::Send
    );
    // Moved back to Sam: the notice no longer holds.
    let back = moved
        .modify(
            Modification {
                staff_id: Some(id("sam")),
                ..Default::default()
            },
            Actor::Client,
            true,
            now,
        )
        .unwrap()
        .unwrap();
    assert!(matches!(
        verdict(&unassigned[0].key, &back, &ctx, now),
        Verdict::Stale(_)
    ));
}

#[test]
fn a_date_change_alone_tells_no_previous_staff_member() {
    let w = World::new();
    let booked_at = utc(2026, 5, 1, 8, 0);
    let booked = w.book_online(utc(2026, 5, 11, 8, 0), booked_at);
    let moved = booked
        .modify(
            Modification {
                start: Some(utc(2026, 5, 12, 8, 0)),
                end: Some(utc(2026, 5, 12, 9, 0)),
                ..Default::default()
            },
            Actor::Client,
            true,
            booked_at + Duration::hours(1),
        )
        .unwrap()
        .unwrap();
    let plan = change_messages(Some(&booked), &moved, &w.ctx());
    assert!(!plan.is_empty());
    assert!(
        plan.iter()
            .all(|m| m.key.kind != MessageKind::UnassignedAlert)
    );
}

// ---- quiet hours ----------------------------------------------------------------------------

fn quiet_nights(w: &mut World) {
    w.notifications().quiet_hours =
        Some(serde_json::from_str(r#"{"from": "21:00", "until": "08:00"}"#).unwrap());
}

#[test]
fn an_sms_reminder_due_at_eleven_at_night_goes_out_at_eight_and_says_why() {
    let mut w = World::new();
    quiet_nights(&mut w);
    w.notifications().reminders = Reminders::new(vec![ReminderRule {
        offset: Offset::Hours(12),
        email: true,
        sms: true,
        late_policy: LatePolicy::Skip,
        copy_to_staff: false,
        ask_confirmation: false,
        only_if_unanswered: false,
    }])
    .unwrap();
    let paris = zone("Europe/Paris");
    // 11:00 in Paris: 12 hours before is 23:00 the evening before.
    let apt = w.book_online(local(paris, 2026, 6, 12, 11, 0), utc(2026, 6, 1, 9, 0));
    let plan = timeline(&apt, &w.ctx());
    let sms = plan
        .iter()
        .find(|m| m.key.kind == MessageKind::Reminder && m.key.channel == Channel::Sms)
        .unwrap();
    assert_eq!(sms.key.due, local(paris, 2026, 6, 12, 8, 0));
    assert_eq!(sms.natural_due, Some(local(paris, 2026, 6, 11, 23, 0)));
    // E-mail is not covered by default: it keeps its time.
    let email = plan
        .iter()
        .find(|m| m.key.kind == MessageKind::Reminder && m.key.channel == Channel::Email)
        .unwrap();
    assert_eq!(email.key.due, local(paris, 2026, 6, 11, 23, 0));
    assert_eq!(email.natural_due, None);
    // The send-time re-plan finds the moved key.
    assert_eq!(
        verdict(&sms.key, &apt, &w.ctx(), sms.key.due),
        Verdict::Send
    );
}

#[test]
fn a_reminder_whose_window_ends_after_the_appointment_goes_out_the_evening_before() {
    let mut w = World::new();
    quiet_nights(&mut w);
    w.notifications().reminders = Reminders::new(vec![ReminderRule {
        offset: Offset::Hours(8),
        email: false,
        sms: true,
        late_policy: LatePolicy::Skip,
        copy_to_staff: false,
        ask_confirmation: false,
        only_if_unanswered: false,
    }])
    .unwrap();
    let paris = zone("Europe/Paris");
    // 07:30: eight hours before is 23:30; 08:00 would be after the start → 21:00.
    let apt = w.book_online(local(paris, 2026, 6, 12, 7, 30), utc(2026, 6, 1, 9, 0));
    assert_eq!(
        dues(&timeline(&apt, &w.ctx()), MessageKind::Reminder),
        vec![local(paris, 2026, 6, 11, 21, 0)]
    );
}

#[test]
fn the_window_is_the_recipients_a_two_hour_reminder_and_cancellations_are_not_held() {
    let mut w = World::new();
    quiet_nights(&mut w);
    // Default reminders: 24 h and 2 h (SMS). The client lives in New York.
    w.client.time_zone = TimeZone::parse("America/New_York").unwrap();
    let paris = zone("Europe/Paris");
    // 09:30 in Paris = 03:30 in New York: the 24 h SMS (03:30 NY) moves to 08:00 NY; the
    // 2 h SMS (01:30 NY) is urgent and keeps its time.
    let apt = w.book_online(local(paris, 2026, 6, 12, 9, 30), utc(2026, 6, 1, 9, 0));
    let ny = zone("America/New_York");
    assert_eq!(
        dues(&timeline(&apt, &w.ctx()), MessageKind::Reminder),
        vec![
            local(ny, 2026, 6, 11, 8, 0),
            local(paris, 2026, 6, 12, 7, 30)
        ]
    );
    // Cancelled at 22:30 Paris (16:30 NY, not quiet for her) — and for a Paris client at
    // 22:30: the notice is not held either way.
    w.client.time_zone = TimeZone::parse("Europe/Paris").unwrap();
    let cancelled = apt
        .cancel(Actor::Staff, true, local(paris, 2026, 6, 11, 22, 30))
        .unwrap();
    let notices = change_messages(Some(&apt), &cancelled, &w.ctx());
    assert!(!notices.is_empty());
    assert!(
        notices
            .iter()
            .all(|m| m.key.due == local(paris, 2026, 6, 11, 22, 30) && m.natural_due.is_none())
    );
}

#[test]
fn a_confirmation_of_a_booking_made_at_night_waits_for_the_morning_and_still_applies() {
    let mut w = World::new();
    quiet_nights(&mut w);
    let paris = zone("Europe/Paris");
    let booked_at = local(paris, 2026, 6, 10, 23, 15);
    let apt = w.book_online(local(paris, 2026, 6, 12, 14, 0), booked_at);
    let plan = change_messages(None, &apt, &w.ctx());
    let sms = plan
        .iter()
        .find(|m| m.key.kind == MessageKind::Confirmation && m.key.channel == Channel::Sms)
        .unwrap();
    assert_eq!(sms.key.due, local(paris, 2026, 6, 11, 8, 0));
    let email = plan
        .iter()
        .find(|m| m.key.kind == MessageKind::Confirmation && m.key.channel == Channel::Email)
        .unwrap();
    assert_eq!(email.key.due, booked_at);
    assert_eq!(
        verdict(&sms.key, &apt, &w.ctx(), sms.key.due),
        Verdict::Send
    );
    // A move made at night: its notice is held too, and still recognised in the morning.
    let moved = apt
        .modify(
            Modification {
                start: Some(local(paris, 2026, 6, 13, 14, 0)),
                end: Some(local(paris, 2026, 6, 13, 15, 0)),
                ..Default::default()
            },
            Actor::Staff,
            true,
            local(paris, 2026, 6, 10, 23, 40),
        )
        .unwrap()
        .unwrap();
    let notice = change_messages(Some(&apt), &moved, &w.ctx())
        .into_iter()
        .find(|m| m.key.kind == MessageKind::Rescheduled && m.key.channel == Channel::Sms)
        .unwrap();
    assert_eq!(notice.key.due, local(paris, 2026, 6, 11, 8, 0));
    assert_eq!(
        verdict(&notice.key, &moved, &w.ctx(), notice.key.due),
        Verdict::Send
    );
}

#[test]
fn an_imported_online_booking_announces_nothing_yet_plans_its_reminders() {
    let w = World::new();
    let now = utc(2026, 5, 4, 9, 0);
    let booked = w.book_online(utc(2026, 5, 12, 8, 0), now);
    assert!(
        !change_messages(None, &booked, &w.ctx()).is_empty(),
        "an online booking confirms and alerts"
    );

    let imported = booked.as_imported();

    assert!(change_messages(None, &imported, &w.ctx()).is_empty());
    assert!(
        timeline(&imported, &w.ctx())
            .iter()
            .any(|m| m.key.kind == MessageKind::Reminder)
    );
}

#[test]
fn every_change_message_of_an_appointment_holds_in_some_state() {
    use crate::message::{MessageKey, Subject, SubjectKind, Trigger};
    let w = World::new();
    let now = utc(2026, 3, 1, 9, 0);
    let booked = w.book_online(utc(2026, 3, 2, 9, 0), now);
    let kinds: Vec<MessageKind> = MessageKind::ALL
        .iter()
        .copied()
        .filter(|k| {
            let facts = k.facts();
            facts.subject == SubjectKind::Appointment && facts.trigger == Trigger::OnChange
        })
        .collect();
    assert!(!kinds.is_empty());
    let statuses = [
        AppointmentStatus::Requested,
        AppointmentStatus::AwaitingPayment,
        AppointmentStatus::Confirmed,
        AppointmentStatus::Cancelled,
        AppointmentStatus::Refused,
        AppointmentStatus::Completed,
        AppointmentStatus::NoShow,
    ];
    for kind in kinds {
        let holds = statuses.iter().any(|status| {
            let current = Appointment {
                status: *status,
                ..booked.clone()
            };
            [
                Recipient::Client(w.client.id.clone()),
                Recipient::Staff(id("someone_else")),
            ]
            .into_iter()
            .any(|recipient| {
                let key = MessageKey {
                    tenant: w.settings.tenant.clone(),
                    subject: Subject::Appointment(booked.id.clone()),
                    kind,
                    ordinal: 1,
                    recipient,
                    channel: Channel::Email,
                    due: current.details_changed_at,
                };
                change_message_applies(kind, &key, &current, |at| at)
            })
        });
        assert!(holds, "{kind} has no rule in change_message_applies");
    }
}
