//! Triggers arrive at least once, possibly twice, late or out of order: the client still gets
//! each message once, and never one that no longer applies. Faults are injected in the outbox.

use chrono::{TimeZone, Utc};
use rappel_change_handler::handle_changes;
use rappel_ports::delivery::OutboxFault;
use rappel_ports::records::{ChangeRecord, Record, TypedRecords};
use rappel_send::handle_send;
use rappel_testkit::CallsApi;
use rappel_testkit::spawn_app;
use serde_json::json;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()
}

#[tokio::test]
async fn a_schedule_fired_twice_sends_one_message() {
    let app = spawn_app(now()).await;
    let (_, _) = app.lea_booked_friday_10am().await;
    let entry = app.stack.scheduler.list().remove(0);
    app.stack.clock.set(entry.due);
    let before = app.outbox().await.len();
    handle_send(&app.stack.delivery, &entry.request())
        .await
        .unwrap();
    handle_send(&app.stack.delivery, &entry.request())
        .await
        .unwrap();
    assert_eq!(app.outbox().await.len(), before + 1);
}

#[tokio::test]
async fn a_replayed_stream_batch_sends_nothing_twice() {
    let app = spawn_app(now()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    let booked = app
        .book(
            &lea,
            "2026-03-27T10:00:00+01:00",
            "2026-03-27T10:45:00+01:00",
        )
        .await;
    let id = rappel_core::model::AppointmentId::parse(booked["id"].as_str().unwrap()).unwrap();
    let tenant = rappel_core::model::TenantId::parse("salon-lea").unwrap();
    let appointment = app
        .stack
        .records
        .appointment(&tenant, &id)
        .await
        .unwrap()
        .unwrap();
    let before = app.outbox().await.len();
    let replay = vec![ChangeRecord {
        sequence: "replayed".into(),
        old: None,
        new: Some(Record::Appointment(appointment)),
        expired: false,
    }];
    let outcome = handle_changes(&app.stack.services, &replay).await;
    assert!(outcome.failed_sequences.is_empty());
    handle_changes(&app.stack.services, &replay).await;
    // The replays queued the change's messages again; the queue's consumer finds them settled.
    app.stack.settle().await;
    assert_eq!(
        app.outbox().await.len(),
        before,
        "confirmations and alerts are not sent again"
    );
    assert_eq!(
        app.stack.scheduler.list().len(),
        3,
        "schedules are not duplicated"
    );
}

#[tokio::test]
async fn a_reminder_fired_after_its_appointment_moved_is_recorded_stale_and_not_sent() {
    let app = spawn_app(now()).await;
    let (lea, id) = app.lea_booked_friday_10am().await;
    // The scheduler already handed out the 24 h reminder when the client moved the appointment.
    let old_reminder = app.stack.scheduler.list().remove(0);
    app.patch(
        &format!("/v1/appointments/{id}"),
        json!({"start": "2026-03-30T10:00:00+02:00", "actor": "client"}),
    )
    .await;
    app.stack.clock.set(old_reminder.due);
    let before = app.outbox().await.len();
    handle_send(&app.stack.delivery, &old_reminder.request())
        .await
        .unwrap();
    assert_eq!(app.outbox().await.len(), before);
    let stale: Vec<_> = app
        .communications(&lea)
        .await
        .into_iter()
        .filter(|c| c["status"] == "stale")
        .collect();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["reason"], "not_in_current_plan");
}

#[tokio::test]
async fn a_throttled_provider_is_retried_and_the_client_still_gets_one_confirmation() {
    let app = spawn_app(now()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    app.stack
        .outbox
        .inject_email_faults([OutboxFault::Transient]);
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    assert_eq!(app.sent_to("lea@example.fr").await.len(), 1);
    assert_eq!(app.sent_to("sam@salon-lea.fr").await.len(), 1);
    assert!(app.stack.dead_letters().is_empty());
}

#[tokio::test]
async fn a_firing_that_keeps_failing_is_dead_lettered_with_what_is_needed_to_replay_it() {
    let app = spawn_app(now()).await;
    let (_, _) = app.lea_booked_friday_10am().await;
    // As many failures as the send queue's maxReceiveCount.
    app.stack.outbox.inject_email_faults(
        [OutboxFault::Transient; rappel_ports::send_queue::MAX_RECEIVES as usize],
    );
    app.advance_to("2026-03-26T09:30:00Z").await;
    let dead = app.get("/_local/dead-letters").await.body["dead_letters"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["request"]["key"]["kind"], "reminder");
    assert_eq!(dead[0]["request"]["key"]["channel"], "email");
    assert_eq!(dead[0]["receives"], 10);
    // Replaying the dead letter delivers it, once.
    let entry = rappel_ports::schedules::ScheduleEntry::for_key(
        &serde_json::from_value(dead[0]["request"]["key"].clone()).unwrap(),
    );
    handle_send(&app.stack.delivery, &entry.request())
        .await
        .unwrap();
    handle_send(&app.stack.delivery, &entry.request())
        .await
        .unwrap();
    assert_eq!(
        app.sent_to("lea@example.fr")
            .await
            .iter()
            .filter(|m| m["subject"].as_str().unwrap().starts_with("Rappel"))
            .count(),
        1
    );
}

#[tokio::test]
async fn an_opted_out_number_gets_no_sms_and_a_rejected_address_is_recorded_as_failed() {
    let app = spawn_app(now()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    app.stack
        .outbox
        .opt_out(&rappel_core::model::PhoneNumber::parse("+33612345678").unwrap());
    app.stack.outbox.reject_address("lea@example.fr");
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    assert!(app.sent_to("+33612345678").await.is_empty());
    let history = app.communications(&lea).await;
    let by_channel = |ch: &str| {
        history
            .iter()
            .find(|c| c["kind"] == "confirmation" && c["channel"] == ch)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            by_channel("sms")["status"].as_str(),
            by_channel("sms")["reason"].as_str()
        ),
        (Some("suppressed"), Some("opted_out"))
    );
    assert_eq!(by_channel("email")["status"], "failed");
}

#[tokio::test]
async fn a_concurrent_edit_is_refused_with_409_instead_of_being_lost() {
    let app = spawn_app(now()).await;
    let (_, id) = app.lea_booked_friday_10am().await;
    let first = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": "2026-03-27T11:00:00+01:00", "expected_version": 1}),
        )
        .await;
    assert_eq!(first.status, 200);
    let second = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": "2026-03-27T12:00:00+01:00", "expected_version": 1}),
        )
        .await;
    assert_eq!(
        (second.status, second.body["error"]["code"].as_str()),
        (409, Some("version_conflict"))
    );
    assert_eq!(
        app.get(&format!("/v1/appointments/{id}")).await.body["start"],
        "2026-03-27T11:00:00+01:00"
    );
}

#[tokio::test]
async fn a_dead_letter_replayed_through_the_local_route_is_delivered_once() {
    let app = spawn_app(now()).await;
    let (lea, _) = app.lea_booked_friday_10am().await;
    app.stack.outbox.inject_email_faults(
        [OutboxFault::Transient; rappel_ports::send_queue::MAX_RECEIVES as usize],
    );
    app.advance_to("2026-03-26T09:30:00Z").await;
    assert_eq!(app.stack.dead_letters().len(), 1);

    let replayed = app.post("/_local/dead-letters/replay", json!({})).await;
    assert_eq!(replayed.status, 200, "{}", replayed.body);
    assert_eq!(replayed.body["replayed"], 1);
    assert_eq!(replayed.body["dead_letters"], json!([]));
    let again = app.post("/_local/dead-letters/replay", json!({})).await;
    assert_eq!(again.body["replayed"], 0);

    let reminders: Vec<_> = app
        .sent_to("lea@example.fr")
        .await
        .into_iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("Rappel"))
        })
        .collect();
    assert_eq!(reminders.len(), 1);
    let sent: Vec<_> = app
        .communications(&lea)
        .await
        .into_iter()
        .filter(|c| c["kind"] == "reminder" && c["channel"] == "email")
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["status"], "sent");
}
