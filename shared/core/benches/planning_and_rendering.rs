//! The pure core's hot paths, per appointment change and per message:
//!
//! - planning one change: the messages sent at once (`change_messages`), the timeline of the
//!   appointment as it was and as it is (`timeline`), and what to schedule and cancel (`diff`)
//!   — for a booking and for a move; goal ≤ 10 µs;
//! - rendering one e-mail with its calendar invitation (variables, template, MIME) and one SMS.
//!
//!     cargo bench -p rappel-core --bench planning_and_rendering
//!
//! docs/PERFORMANCE.md keeps the figures.

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use rappel_core::message::{Channel, MessageKind, PlannedMessage};
use rappel_core::model::*;
use rappel_core::planning::appointment::rendering;
use rappel_core::planning::{AppointmentContext, change_messages, diff, timeline};
use rappel_core::render::{Composition, LinkSigner, OutgoingMessage, SenderIdentity, compose};
use rappel_core::settings::*;
use std::hint::black_box;

fn id<T: TryFrom<String>>(s: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(s.to_owned()).unwrap_or_else(|e| panic!("{s}: {e:?}"))
}

fn paris() -> TimeZone {
    TimeZone::parse("Europe/Paris").unwrap_or_else(|e| panic!("{e:?}"))
}

/// A Paris salon as the tests know it: default notifications plus a 2-hour SMS reminder and
/// a follow-up, an owner alerted of changes.
struct Salon {
    settings: BusinessSettings,
    kind: AppointmentType,
    client: Client,
    staff: StaffMember,
}

impl Salon {
    fn new() -> Self {
        let tenant: TenantId = id("salon");
        let mut settings = BusinessSettings::defaults_for(&tenant);
        settings.input.managers.push(Manager {
            id: id("owner"),
            name: id("Olga Owner"),
            email: Some(id("olga@salon.example")),
            phone: None,
            locale: Locale::FR,
            time_zone: paris(),
        });
        let notifications: NotificationSettings = serde_json::from_value(serde_json::json!({
            "reminders": [{"offset": "1d", "email": true}, {"offset": "2h", "sms": true}],
            "follow_ups": [{"after_end": "1d", "email": true}]
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        settings.input.notifications = notifications;
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
                time_zone: paris(),
                preferences: ContactPreferences::default(),
                version: 1,
            },
            staff: StaffMember {
                tenant,
                id: id("sam"),
                name: id("Sam"),
                email: Some(id("sam@salon.example")),
                phone: Some(id("+33698765432")),
                locale: Locale::FR,
                time_zone: paris(),
                version: 1,
            },
            settings,
        }
    }

    fn ctx(&self) -> AppointmentContext<'_> {
        AppointmentContext {
            settings: &self.settings,
            appointment_type: &self.kind,
            client: &self.client,
            staff: &self.staff,
            previous_staff: None,
            client_rebooked: false,
        }
    }

    fn booked(&self, now: DateTime<Utc>) -> Appointment {
        let start = now + Duration::days(6);
        Appointment::book(
            NewBooking {
                tenant: self.settings.tenant.clone(),
                id: id("apt1"),
                client_id: self.client.id.clone(),
                staff_id: self.staff.id.clone(),
                type_id: self.kind.id.clone(),
                start,
                end: start + Duration::minutes(45),
                time_zone: paris(),
                status: AppointmentStatus::Confirmed,
                origin: Origin::Online,
                notify_client: true,
                horizon: BookingHorizon::default(),
                earlier_slot_offers: None,
            },
            now,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Everything the change handler's core does for one change of one appointment.
fn plan_change(
    old: Option<&Appointment>,
    new: &Appointment,
    ctx: &AppointmentContext<'_>,
) -> (Vec<PlannedMessage>, usize) {
    let immediate = change_messages(old, new, ctx);
    let before = old.map(|o| timeline(o, ctx)).unwrap_or_default();
    let after = timeline(new, ctx);
    let changes = diff(&before, &after);
    (
        immediate,
        changes.to_schedule.len() + changes.to_withdraw.len(),
    )
}

fn planning(c: &mut Criterion) {
    let salon = Salon::new();
    let ctx = salon.ctx();
    let booked = salon.booked(now());
    let moved = booked
        .modify(
            Modification {
                start: Some(booked.start + Duration::days(1)),
                end: Some(booked.end + Duration::days(1)),
                type_id: None,
                staff_id: None,
                horizon: BookingHorizon::default(),
            },
            Actor::Client,
            true,
            now() + Duration::hours(1),
        )
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("the move changes the appointment"));
    let (immediate, scheduled) = plan_change(None, &booked, &ctx);
    assert!(
        !immediate.is_empty() && scheduled > 0,
        "a booking plans messages"
    );
    let mut group = c.benchmark_group("planning one change");
    group.bench_function("booking", |b| {
        b.iter(|| plan_change(None, black_box(&booked), &ctx))
    });
    group.bench_function("move", |b| {
        b.iter(|| plan_change(Some(black_box(&booked)), black_box(&moved), &ctx))
    });
    group.finish();
}

fn rendering_one_message(c: &mut Criterion) {
    let salon = Salon::new();
    let ctx = salon.ctx();
    let booked = salon.booked(now());
    let links = LinkSigner::new(
        "https://rappel.example/links",
        b"bench-link-key-of-32-bytes-or-more".to_vec(),
    );
    let sender = SenderIdentity {
        address: id("no-reply@rappel.example"),
        sms_opt_out: None,
        two_way_sms: false,
    };
    let (immediate, _) = plan_change(None, &booked, &ctx);
    let key_of = |channel: Channel| {
        immediate
            .iter()
            .find(|m| m.key.kind == MessageKind::Confirmation && m.key.channel == channel)
            .map(|m| m.key.clone())
            .unwrap_or_else(|| panic!("a {channel:?} confirmation is planned"))
    };
    let (email_key, sms_key) = (key_of(Channel::Email), key_of(Channel::Sms));
    let render = |key| {
        let r =
            rendering(key, &booked, &ctx, &links, &sender, now()).unwrap_or_else(|e| panic!("{e}"));
        compose(&Composition {
            key,
            rendering: &r,
            custom_template: None,
            sender: &sender,
        })
        .unwrap_or_else(|e| panic!("{e}"))
    };
    match render(&email_key) {
        OutgoingMessage::Email(e) => assert!(e.calendar.is_some(), "the confirmation invites"),
        OutgoingMessage::Sms(_) => panic!("an e-mail"),
    }
    let mut group = c.benchmark_group("rendering one message");
    group.bench_function("e-mail with invitation, as MIME", |b| {
        b.iter(|| match render(black_box(&email_key)) {
            OutgoingMessage::Email(e) => e.to_mime(now()).map(|m| m.len()).unwrap_or(0),
            OutgoingMessage::Sms(s) => s.text.len(),
        })
    });
    group.bench_function("SMS", |b| b.iter(|| render(black_box(&sms_key))));
    group.finish();
}

criterion_group!(benches, planning, rendering_one_message);
criterion_main!(benches);
