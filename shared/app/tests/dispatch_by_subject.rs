//! The single delivery path dispatches on a message's subject: each subject's current state is
//! loaded and its own planner decides — with in-memory adapters, no HTTP.

#![allow(clippy::unwrap_used)] // helpers of a test: a panic is a failed test

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use rappel_app::{DeliveryOutcome, DeliveryServices, deliver};
use rappel_core::message::{
    Channel, MessageKey, MessageKind, Recipient, StaleReason, Subject, SuppressionReason,
};
use rappel_core::model::*;
use rappel_core::render::{LinkSigner, SenderIdentity};
use rappel_core::settings::*;
use rappel_ports::clock::VirtualClock;
use rappel_ports::delivery::{Outbox, OutboxEntry};
use rappel_ports::history::{CommunicationHistory, CommunicationStatus, MemoryHistory};
use rappel_ports::ledger::MemoryLedger;
use rappel_ports::records::{Expected, MemoryRecords, Record, RecordWriter};
use std::sync::Arc;

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
    services: DeliveryServices,
    outbox: Arc<Outbox>,
    history: Arc<MemoryHistory>,
    tenant: TenantId,
}

/// A salon with a 30-day re-engagement e-mail, Léa (marketing consent) and her visit on
/// 2 March 2026, 10:00–10:45 in Paris.
async fn world(consent: bool) -> World {
    let records = Arc::new(MemoryRecords::in_memory());
    let outbox = Arc::new(Outbox::new(None, false));
    let history = Arc::new(MemoryHistory::in_memory());
    let tenant: TenantId = id("salon");
    let mut settings = BusinessSettings::defaults_for(&tenant);
    settings.version = 1;
    settings.input.notifications.reengagement.steps =
        ReengagementSteps::new(vec![ReengagementStep {
            days_after_last_visit: 30,
            email: true,
            sms: false,
        }])
        .unwrap();
    let put = |r: Record| {
        let records = records.clone();
        async move { records.put(r, Expected::Absent).await.unwrap() }
    };
    put(Record::Settings(settings)).await;
    let paris = TimeZone::parse("Europe/Paris").unwrap();
    put(Record::Client(Client {
        tenant: tenant.clone(),
        id: id("lea"),
        name: id("Léa Martin"),
        email: Some(id("lea@example.fr")),
        phone: None,
        locale: Locale::FR,
        time_zone: paris,
        preferences: ContactPreferences {
            marketing: consent,
            ..ContactPreferences::default()
        },
        version: 1,
    }))
    .await;
    let start = utc(2026, 3, 2, 9, 0);
    put(Record::Appointment(Appointment {
        tenant: tenant.clone(),
        id: id("visit"),
        client_id: id("lea"),
        staff_id: id("sam"),
        type_id: id("cut"),
        start,
        end: start + Duration::minutes(45),
        time_zone: paris,
        status: AppointmentStatus::Completed,
        origin: Origin::Online,
        version: 1,
        created_at: start - Duration::days(7),
        updated_at: start,
        details_changed_at: start - Duration::days(7),
        last_change: LastChange {
            action: ChangeAction::Completed,
            actor: Actor::Staff,
            at: start,
            notify_client: false,
            in_bulk: false,
        },
        earlier_slot_offers: None,
        client_confirmation: None,
    }))
    .await;
    let services = DeliveryServices {
        records: records.clone(),
        marks: Arc::new(rappel_ports::address_marks::MemoryAddressMarks::in_memory()),
        mailer: outbox.clone(),
        sms: outbox.clone(),
        ledger: Arc::new(MemoryLedger::in_memory()),
        history: history.clone(),
        clock: Arc::new(VirtualClock::starting_at(utc(2026, 4, 1, 8, 45))),
        sender: SenderIdentity {
            address: id("no-reply@rappel.example"),
            sms_opt_out: None,
            two_way_sms: false,
        },
        links: LinkSigner::new("https://r.example/links", b"k".to_vec()),
        settles: Arc::new(rappel_ports::send_queue::InProcessQueue::in_memory()),
        pace: Arc::new(rappel_ports::delivery::Unpaced),
        usage: Arc::new(rappel_ports::usage::MemoryUsage::in_memory()),
        held: Arc::new(rappel_ports::schedules::InProcessScheduler::in_memory()),
        two_way: None,
        pseudonyms: rappel_core::privacy::Pseudonyms::new([7u8; 32]).unwrap(),
    };
    World {
        services,
        outbox,
        history,
        tenant,
    }
}

fn step_one(w: &World, client: &str, kind: MessageKind) -> MessageKey {
    MessageKey {
        tenant: w.tenant.clone(),
        subject: Subject::Client(id(client)),
        kind,
        ordinal: 1,
        recipient: Recipient::Client(id(client)),
        channel: Channel::Email,
        // 30 days after 10:45 Paris (CET) is 10:45 Paris (CEST).
        due: utc(2026, 4, 1, 8, 45),
    }
}

#[tokio::test]
async fn a_message_about_a_client_is_planned_and_rendered_by_the_client_planner() {
    let w = world(true).await;
    let outcome = deliver(&w.services, &step_one(&w, "lea", MessageKind::Reengagement))
        .await
        .unwrap();
    assert!(
        matches!(outcome, DeliveryOutcome::Sent { .. }),
        "{outcome:?}"
    );
    let sent = w.outbox.messages();
    assert_eq!(sent.len(), 1);
    let OutboxEntry::Email { text, mime, .. } = &sent[0] else {
        panic!("an e-mail: {sent:?}");
    };
    assert!(text.contains("30 jours"), "{text}");
    assert!(mime.contains("List-Unsubscribe"), "{mime}");
    let history = w.history.for_client(&w.tenant, &id("lea")).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].about, Subject::Client(id("lea")));
    assert_eq!(history[0].client, Some(id("lea")));
}

#[tokio::test]
async fn the_client_planner_applies_the_marketing_consent() {
    let w = world(false).await;
    let outcome = deliver(&w.services, &step_one(&w, "lea", MessageKind::Reengagement))
        .await
        .unwrap();
    assert_eq!(
        outcome,
        DeliveryOutcome::Suppressed(SuppressionReason::NoMarketingConsent)
    );
    assert!(w.outbox.messages().is_empty());
}

#[tokio::test]
async fn a_message_about_a_client_who_is_gone_is_stale_and_says_so() {
    let w = world(true).await;
    let outcome = deliver(
        &w.services,
        &step_one(&w, "nobody", MessageKind::Reengagement),
    )
    .await
    .unwrap();
    let reason = StaleReason::SubjectGone(rappel_core::message::SubjectKind::Client);
    assert_eq!(outcome, DeliveryOutcome::Stale(reason));
    assert_eq!(reason.as_str(), "client_gone");
    let history = w
        .history
        .for_client(&w.tenant, &id("nobody"))
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].status, CommunicationStatus::Stale);
    assert_eq!(history[0].reason.as_deref(), Some("client_gone"));
}

#[tokio::test]
async fn a_message_about_an_appointment_that_is_gone_names_the_appointment() {
    let w = world(true).await;
    let key = MessageKey {
        subject: Subject::Appointment(id("never-booked")),
        kind: MessageKind::Reminder,
        ..step_one(&w, "lea", MessageKind::Reminder)
    };
    let outcome = deliver(&w.services, &key).await.unwrap();
    assert_eq!(
        outcome,
        DeliveryOutcome::Stale(StaleReason::SubjectGone(
            rappel_core::message::SubjectKind::Appointment
        ))
    );
    assert!(w.outbox.messages().is_empty());
}

#[tokio::test]
async fn a_kind_that_is_not_about_its_subject_is_never_sent() {
    let w = world(true).await;
    // A reminder "about a client": no client plan holds it.
    let outcome = deliver(&w.services, &step_one(&w, "lea", MessageKind::Reminder))
        .await
        .unwrap();
    assert!(matches!(outcome, DeliveryOutcome::Stale(_)), "{outcome:?}");
    assert!(w.outbox.messages().is_empty());
}

#[tokio::test]
async fn a_digest_firing_is_decided_by_the_day_planner_and_delivered_once() {
    use rappel_app::deliver_request;
    use rappel_core::message::DigestTrigger;
    use rappel_ports::records::TypedRecords;
    use rappel_ports::schedules::SendRequest;

    let w = world(true).await;
    let records = w.services.records.clone();
    let mut settings = records.settings(&w.tenant).await.unwrap();
    let version = settings.version;
    settings.input.notifications.digest.staff = true;
    settings.version += 1;
    records
        .put(Record::Settings(settings), Expected::Version(version))
        .await
        .unwrap();
    records
        .put(
            Record::Staff(StaffMember {
                tenant: w.tenant.clone(),
                id: id("sam"),
                name: id("Sam"),
                email: Some(id("sam@salon.example")),
                phone: None,
                locale: Locale::FR,
                time_zone: TimeZone::parse("Europe/Paris").unwrap(),
                version: 1,
            }),
            Expected::Absent,
        )
        .await
        .unwrap();
    // Monday 2 March, 07:00 in Paris: the day of Léa's visit (it is in the past for the
    // record, but the digest covers it).
    let fired_at = utc(2026, 3, 2, 6, 0);
    let services = DeliveryServices {
        clock: Arc::new(VirtualClock::starting_at(fired_at)),
        ..w.services.clone()
    };
    let request = SendRequest::Digest {
        trigger: DigestTrigger {
            tenant: w.tenant.clone(),
            recipient: Recipient::Staff(id("sam")),
        },
        fired_at,
    };
    let first = deliver_request(&services, &request).await.unwrap();
    assert_eq!(first.len(), 1, "{first:?}");
    let (key, outcome) = &first[0];
    assert!(
        matches!(outcome, DeliveryOutcome::Sent { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        key.subject,
        Subject::StaffDay {
            staff: id("sam"),
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        }
    );
    let again = deliver_request(&services, &request).await.unwrap();
    assert_eq!(again[0].1, DeliveryOutcome::Duplicate);
    assert_eq!(w.outbox.messages().len(), 1);
}
