//! Offers of a freed slot, as waiting clients and the business would notice them.

use super::*;
use crate::message::{Channel, MessageKind, StaleReason, Verdict};
use crate::model::*;
use crate::settings::*;
use chrono::{DateTime, Duration, TimeZone as _, Utc};

fn id<T: TryFrom<String>>(s: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(s.to_owned()).unwrap()
}

fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, d, h, m, 0).unwrap()
}

fn paris() -> TimeZone {
    TimeZone::parse("Europe/Paris").unwrap()
}

fn client(name: &str) -> Client {
    Client {
        tenant: id("salon"),
        id: id(name),
        name: id(name),
        email: Some(id(&format!("{name}@example.fr"))),
        phone: None,
        locale: Locale::FR,
        time_zone: paris(),
        preferences: ContactPreferences::default(),
        version: 1,
    }
}

fn entry(who: &str, created_day: u32) -> WaitlistEntry {
    WaitlistEntry {
        tenant: id("salon"),
        id: id(&format!("wl_{who}")),
        client_id: id(who),
        type_id: id("cut"),
        staff_id: None,
        from: utc(1, 0, 0),
        until: utc(30, 0, 0),
        days: None,
        time_range: None,
        time_zone: paris(),
        status: WaitlistStatus::Waiting,
        created_at: utc(created_day, 9, 0),
        version: 1,
    }
}

fn booking(who: &str, staff: &str, start: DateTime<Utc>, booked_day: u32) -> Appointment {
    let mut a = Appointment::book(
        NewBooking {
            tenant: id("salon"),
            id: id(&format!("ap_{who}_{}", start.timestamp())),
            client_id: id(who),
            staff_id: id(staff),
            type_id: id("cut"),
            start,
            end: start + Duration::minutes(45),
            time_zone: paris(),
            status: AppointmentStatus::Confirmed,
            origin: Origin::Online,
            notify_client: true,
            horizon: BookingHorizon::default(),
            earlier_slot_offers: Some(true),
        },
        utc(booked_day, 9, 0),
    )
    .unwrap();
    a.created_at = utc(booked_day, 9, 0);
    a
}

/// Sam's 10:00–10:45 (Paris) cut on Wednesday 10 June, freed by Zoé at 09:00 UTC on the 5th.
fn slot() -> FreedSlot {
    FreedSlot {
        staff: id("sam"),
        type_id: id("cut"),
        start: utc(10, 8, 0),
        end: utc(10, 8, 45),
    }
}

struct World {
    settings: BusinessSettings,
    slot: FreedSlot,
    around: Vec<Appointment>,
    entries: Vec<WaitlistEntry>,
    later: Vec<Appointment>,
    clients: Vec<Client>,
    freed_by: ClientId,
}

impl World {
    fn new() -> Self {
        Self {
            settings: BusinessSettings::defaults_for(&id("salon")),
            slot: slot(),
            around: Vec::new(),
            entries: Vec::new(),
            later: Vec::new(),
            clients: ["ana", "ben", "cleo", "dan", "eve", "zoe"]
                .into_iter()
                .map(client)
                .collect(),
            freed_by: id("zoe"),
        }
    }

    fn ctx(&self) -> SlotContext<'_> {
        SlotContext {
            settings: &self.settings,
            slot: &self.slot,
            appointment_type: None,
            staff: None,
            around: &self.around,
            entries: &self.entries,
            later: &self.later,
            clients: &self.clients,
            freed_by: Some(&self.freed_by),
            freed_at: utc(5, 9, 0),
        }
    }

    /// (client, kind) of each offer by e-mail (these clients have no phone: their SMS leg is
    /// planned suppressed, `no_phone`).
    fn told(&self) -> Vec<(String, MessageKind)> {
        offers(&self.ctx())
            .into_iter()
            .filter(|m| m.key.channel == Channel::Email)
            .map(|m| (m.key.recipient.to_string(), m.key.kind))
            .collect()
    }
}

#[test]
fn waiting_clients_whose_window_fits_are_told_oldest_entry_first() {
    let mut w = World::new();
    w.entries = vec![entry("ben", 3), entry("ana", 2)];
    assert_eq!(
        w.told(),
        vec![
            ("client:ana".into(), MessageKind::SlotAvailable),
            ("client:ben".into(), MessageKind::SlotAvailable),
        ]
    );
}

#[test]
fn an_entry_for_another_type_staff_day_or_hour_is_not_told() {
    let mut w = World::new();
    let mut colour = entry("ana", 1);
    colour.type_id = id("colour");
    let mut with_alex = entry("ben", 1);
    with_alex.staff_id = Some(id("alex"));
    let mut weekends = entry("cleo", 1);
    weekends.days = Some(vec![chrono::Weekday::Sat]);
    let mut afternoons = entry("dan", 1);
    afternoons.time_range = Some(TimeRange {
        from: LocalTime::new(14, 0),
        until: LocalTime::new(18, 0),
    });
    let mut with_sam = entry("eve", 1);
    with_sam.staff_id = Some(id("sam"));
    w.entries = vec![colour, with_alex, weekends, afternoons, with_sam];
    assert_eq!(
        w.told(),
        vec![("client:eve".into(), MessageKind::SlotAvailable)]
    );
}

#[test]
fn the_client_who_freed_the_slot_is_never_offered_it() {
    let mut w = World::new();
    w.entries = vec![entry("zoe", 1), entry("ana", 2)];
    assert_eq!(
        w.told(),
        vec![("client:ana".into(), MessageKind::SlotAvailable)]
    );
}

#[test]
fn at_most_three_clients_hear_of_a_slot_waitlist_first_then_earliest_booked() {
    let mut w = World::new();
    w.entries = vec![entry("ana", 2), entry("ben", 1)];
    w.later = vec![
        booking("dan", "sam", utc(20, 8, 0), 4),
        booking("cleo", "alex", utc(25, 8, 0), 3),
    ];
    assert_eq!(
        w.told(),
        vec![
            ("client:ben".into(), MessageKind::SlotAvailable),
            ("client:ana".into(), MessageKind::SlotAvailable),
            ("client:cleo".into(), MessageKind::EarlierSlot),
        ]
    );
    w.settings.input.notifications.offers.per_slot = 1;
    assert_eq!(w.told().len(), 1);
}

#[test]
fn an_earlier_slot_goes_to_later_bookings_that_asked_for_it() {
    let mut w = World::new();
    let mut not_asked = booking("ana", "sam", utc(20, 8, 0), 1);
    not_asked.earlier_slot_offers = None; // Ana's default is off
    let mut refused = booking("ben", "sam", utc(21, 8, 0), 1);
    refused.earlier_slot_offers = Some(false);
    let earlier = booking("cleo", "sam", utc(9, 8, 0), 1); // before the slot
    let mut cancelled = booking("dan", "sam", utc(22, 8, 0), 1);
    cancelled.status = AppointmentStatus::Cancelled;
    let mut by_default = booking("eve", "alex", utc(23, 8, 0), 2);
    by_default.earlier_slot_offers = None;
    w.clients
        .iter_mut()
        .filter(|c| c.id.as_str() == "eve")
        .for_each(|c| c.preferences.earlier_slot_offers = true);
    w.later = vec![not_asked, refused, earlier, cancelled, by_default];
    assert_eq!(
        w.told(),
        vec![("client:eve".into(), MessageKind::EarlierSlot)]
    );
    // The business may keep earlier-slot offers to the same staff member: Eve is Alex's.
    w.settings.input.notifications.offers.same_staff = true;
    assert!(w.told().is_empty());
}

#[test]
fn a_client_both_waiting_and_booked_later_hears_once_and_nobody_hears_of_a_taken_slot() {
    let mut w = World::new();
    w.entries = vec![entry("ana", 1)];
    w.later = vec![booking("ana", "sam", utc(20, 8, 0), 1)];
    assert_eq!(
        w.told(),
        vec![("client:ana".into(), MessageKind::SlotAvailable)]
    );
    w.around = vec![booking("ben", "sam", utc(10, 8, 30), 5)];
    assert!(w.told().is_empty());
}

#[test]
fn a_client_nobody_can_reach_does_not_take_a_place_in_the_cap() {
    let mut w = World::new();
    w.settings.input.notifications.offers.per_slot = 1;
    w.clients
        .iter_mut()
        .filter(|c| c.id.as_str() == "ana")
        .for_each(|c| c.email = None);
    w.entries = vec![entry("ana", 1), entry("ben", 2)];
    assert_eq!(
        w.told(),
        vec![("client:ben".into(), MessageKind::SlotAvailable)]
    );
}

#[test]
fn an_offer_of_a_slot_taken_meanwhile_or_for_a_removed_entry_is_stale_at_send_time() {
    let mut w = World::new();
    w.entries = vec![entry("ana", 1)];
    let planned = offers(&w.ctx());
    assert!(!planned.is_empty());
    let key = planned[0].key.clone();
    assert_eq!(key.channel, Channel::Email);
    assert_eq!(verdict(&key, &w.ctx(), utc(5, 9, 0)), Verdict::Send);

    w.around = vec![booking("ben", "sam", utc(10, 8, 0), 5)];
    assert_eq!(
        verdict(&key, &w.ctx(), utc(5, 9, 0)),
        Verdict::Stale(StaleReason::SlotTaken)
    );
    w.around.clear();
    w.entries[0].status = WaitlistStatus::Removed;
    assert_eq!(
        verdict(&key, &w.ctx(), utc(5, 9, 0)),
        Verdict::Stale(StaleReason::NoLongerWaiting)
    );
    w.entries[0].status = WaitlistStatus::Waiting;
    assert_eq!(
        verdict(&key, &w.ctx(), utc(10, 8, 0)),
        Verdict::Stale(StaleReason::TooLate)
    );
}

#[test]
fn offers_are_not_marketing_a_client_without_marketing_consent_still_hears() {
    let mut w = World::new();
    assert!(!MessageKind::SlotAvailable.is_marketing());
    assert!(!MessageKind::EarlierSlot.is_marketing());
    w.clients
        .iter_mut()
        .for_each(|c| c.preferences.marketing = false);
    w.entries = vec![entry("ana", 1)];
    assert_eq!(w.told().len(), 1);
}

#[test]
fn an_offer_of_the_same_slot_is_one_message_whenever_it_was_decided() {
    let mut w = World::new();
    w.entries = vec![entry("ana", 1)];
    let first = offers(&w.ctx())[0].key.clone();
    let mut again = first.clone();
    again.due = utc(7, 9, 0);
    assert_eq!(first.id(), again.id());
    assert_eq!(first.schedule_name(), again.schedule_name());
}

#[test]
fn a_slot_given_up_by_a_move_is_freed_unless_an_import_moved_it() {
    let booked = booking("zoe", "sam", utc(10, 8, 0), 1);
    let moved = booked
        .modify(
            Modification {
                start: Some(utc(11, 8, 0)),
                end: Some(utc(11, 8, 45)),
                ..Modification::default()
            },
            Actor::Staff,
            true,
            utc(5, 9, 0),
        )
        .unwrap()
        .unwrap();

    assert!(freed_slot(&booked, Some(&moved), utc(5, 9, 0)).is_some());
    let imported = moved.as_imported();
    assert_eq!(freed_slot(&booked, Some(&imported), utc(5, 9, 0)), None);
}
