//! Exactly-once and failure handling on the AWS side, against the emulator: replayed stream
//! batches, schedules fired twice, concurrent writes, opted-out numbers, SES rejections, and
//! the tenant taken from the JWT claims.

use rappel_aws_tests::aws::{LEA_MAIL, spawn_aws_app};
use rappel_ports::records::{Expected, Record, StoreError, TypedRecords};
use rappel_testkit::CallsApi;
use rappel_testkit::fixtures::friday_before;
use serde_json::json;

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_replayed_stream_batch_sends_and_schedules_nothing_twice() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    let booked = app
        .post(
            "/v1/appointments",
            json!({"client_id": lea, "staff_id": "sam", "type_id": "cut",
                   "start": "2026-03-27T10:00:00+01:00", "end": "2026-03-27T10:45:00+01:00"}),
        )
        .await;
    assert_eq!(booked.status, 201);
    let (batch, first) = app.pump_stream().await;
    assert_eq!(batch.records.len(), 1);
    assert_eq!(first["batchItemFailures"], json!([]));
    let emails = app.emails().await.len();
    let schedules = app.schedules().await.len();

    let replay = app.deliver_batch(batch).await;

    assert_eq!(replay["batchItemFailures"], json!([]));
    assert_eq!(app.emails().await.len(), emails, "no e-mail sent twice");
    assert_eq!(app.sms_to(&app.phone).await.len(), 1, "no SMS sent twice");
    assert_eq!(
        app.schedules().await.len(),
        schedules,
        "no schedule doubled"
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_schedule_fired_twice_delivers_its_reminder_once() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    app.book_friday_10am(&lea).await;
    let reminder = app.schedules().await.remove(0);
    app.clock.set(reminder.at);

    let first = app.fire(&reminder).await;
    let second = app.fire(&reminder).await;

    assert!(
        first.is_empty() && second.is_empty(),
        "both firings handled"
    );
    let reminders: Vec<_> = app
        .emails_to(LEA_MAIL)
        .await
        .into_iter()
        .filter(|e| e.subject.starts_with("Rappel"))
        .collect();
    assert_eq!(reminders.len(), 1);
    let history = app.communications(&lea).await;
    let sent_reminders = history.iter().filter(|c| c["kind"] == "reminder").count();
    assert_eq!(sent_reminders, 1, "{history:?}");
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_stale_edit_is_refused_with_409_and_concurrent_writes_never_both_win() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    let id = app.book_friday_10am(&lea).await;

    let first = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": "2026-03-27T11:00:00+01:00", "expected_version": 1}),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let stale = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": "2026-03-27T12:00:00+01:00", "expected_version": 1}),
        )
        .await;
    assert_eq!(
        (stale.status, stale.body["error"]["code"].as_str()),
        (409, Some("version_conflict"))
    );
    assert_eq!(
        app.get(&format!("/v1/appointments/{id}")).await.body["start"],
        "2026-03-27T11:00:00+01:00"
    );

    // Two writers that both read version 2 race on the table itself: exactly one wins, and
    // the loser learns which version is there now.
    let records = app.delivery.records.clone();
    let tenant = rappel_core::model::TenantId::parse("salon-lea").unwrap();
    let client = rappel_core::model::ClientId::parse(&lea).unwrap();
    let current = records.client(&tenant, &client).await.unwrap().unwrap();
    let mut one = current.clone();
    one.version += 1;
    let mut other = current.clone();
    other.version += 1;
    let (a, b) = tokio::join!(
        records.put(Record::Client(one), Expected::Version(current.version)),
        records.put(Record::Client(other), Expected::Version(current.version)),
    );
    let conflicts: Vec<_> = [a, b].into_iter().filter_map(Result::err).collect();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert!(matches!(
        conflicts[0],
        StoreError::Conflict { found: Some(v), .. } if v == current.version + 1
    ));
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_sms_to_an_opted_out_number_is_suppressed_and_recorded() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    // moto answers "opted out" for numbers ending in 99.
    let opted_out = "+33612345699";
    let lea = app.create_lea(opted_out).await;
    app.book_friday_10am(&lea).await;

    assert!(app.sms_to(opted_out).await.is_empty());
    let history = app.communications(&lea).await;
    let sms = history
        .iter()
        .find(|c| c["kind"] == "confirmation" && c["channel"] == "sms")
        .expect("the SMS confirmation is in the history");
    assert_eq!(
        (sms["status"].as_str(), sms["reason"].as_str()),
        (Some("suppressed"), Some("opted_out"))
    );
    assert_eq!(
        app.emails_to(LEA_MAIL).await.len(),
        1,
        "e-mail still goes out"
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_email_ses_rejects_is_recorded_as_failed_with_the_reason() {
    // The sender identity is not verified: SES rejects every send (MessageRejected).
    let app = spawn_aws_app(friday_before(), false).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    let id = app.book_friday_10am(&lea).await;

    assert!(app.emails().await.is_empty());
    let history = app.communications(&lea).await;
    let email = history
        .iter()
        .find(|c| c["kind"] == "confirmation" && c["channel"] == "email")
        .expect("the e-mail confirmation is in the history");
    assert_eq!(email["status"], "failed");
    assert!(
        email["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("MessageRejected"),
        "{email}"
    );
    assert_eq!(
        app.sms_to(&app.phone).await.len(),
        1,
        "the SMS still goes out"
    );
    let plan = app
        .get(&format!("/v1/appointments/{id}/notifications"))
        .await;
    assert_eq!(plan.status, 200);
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn the_api_takes_the_tenant_from_the_jwt_claim_only() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;

    let without_claim = app
        .call_with_claims("GET", "/v1/settings", None, json!({"sub": "someone"}))
        .await;
    assert_eq!(without_claim.status, 401);
    let other_business = app
        .call_with_claims(
            "GET",
            &format!("/v1/clients/{lea}"),
            None,
            json!({"tenant_id": "another-salon"}),
        )
        .await;
    assert_eq!(other_business.status, 404);
    assert_eq!(app.get(&format!("/v1/clients/{lea}")).await.status, 200);
}
