//! Each business's retention on the local stack: what its periods no longer keep is deleted as
//! the clock passes them — the appointment after its end, the history after its record, a
//! stranger's message after it came, a paid invoice after it was paid — with nothing planned,
//! sent or told because of it; and no file of the data dir holds it any more. A period shorter
//! than the business's own re-engagement needs is refused.

use chrono::Duration;
use rappel_core::model::{AppointmentId, TenantId};
use rappel_local::LocalConfig;
use rappel_ports::records::{RecordKey, RecordKind};
use rappel_testkit::fixtures::{LEA_MAIL, friday_before, id, utc};
use rappel_testkit::{CallsApi, TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use std::path::Path;

/// The salon of `seed_business`, keeping things for `retention`, with contact forms answered.
async fn salon_keeping(app: &TestApp, retention: Value) {
    app.seed_business().await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}],
        "notifications": {"auto_replies": {"contact_form": {"enabled": true}}},
        "retention": retention
    });
    let saved = app.put("/v1/settings", settings).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
}

/// Léa, booked for Friday 27 March 2026, 10:00–10:45 in Paris, at the salon as it is set up:
/// (client id, appointment id).
async fn lea_booked_friday_10am(app: &TestApp) -> (String, String) {
    let lea = app.create_lea().await;
    let booked = app
        .book(
            &lea,
            "2026-03-27T10:00:00+01:00",
            "2026-03-27T10:45:00+01:00",
        )
        .await;
    let appointment = booked["id"].as_str().expect("an id").to_owned();
    (lea, appointment)
}

fn appointment_key(app: &TestApp, appointment: &str) -> RecordKey {
    let tenant: TenantId = id(&app.tenant);
    let appointment: AppointmentId = id(appointment);
    RecordKey::new(&tenant, RecordKind::Appointment, appointment.as_str())
}

/// Every file under `dir` but the outbox (the recipients' mailboxes, which no retention of the
/// business reaches) that holds `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    rappel_testkit::byte_scan::files_holding(dir, needle, &["outbox"])
        .into_iter()
        .map(|(file, _)| file)
        .collect()
}

#[tokio::test]
async fn an_ended_appointment_and_its_history_go_when_the_business_keeps_them_no_longer() {
    let app = spawn_app(friday_before()).await;
    salon_keeping(
        &app,
        json!({"ended_appointments_days": 150, "history_days": 90}),
    )
    .await;
    let (lea, appointment) = lea_booked_friday_10am(&app).await;
    // The day after: the confirmation and the reminders are sent and in her history.
    app.advance_to("2026-03-28T09:00:00Z").await;
    let sent = app.sent_to(LEA_MAIL).await.len();
    assert!(sent >= 2, "the confirmation and a reminder went out");
    let history = app.communications(&lea).await;
    assert!(!history.is_empty());
    assert!(
        history.iter().all(|e| e["kept_until"].is_string()),
        "each entry says until when it is kept: {history:#?}"
    );
    let ended = utc(2026, 3, 27, 9, 45);
    assert_eq!(
        app.stack
            .records
            .kept_until(&appointment_key(&app, &appointment)),
        Some(ended + Duration::days(150)),
        "kept 150 days from its end"
    );

    // 90 days after the messages: the history is gone, the appointment is still there.
    app.advance_to("2026-06-27T12:00:00Z").await;
    assert!(app.communications(&lea).await.is_empty());
    let still = app.get(&format!("/v1/appointments/{appointment}")).await;
    assert_eq!(still.status, 200, "{}", still.body);

    // 150 days after its end: gone too — and nobody was told, nothing was planned again.
    let events_before = app.get("/_local/events").await.body["events"]
        .as_array()
        .map_or(0, Vec::len);
    app.advance_to("2026-08-25T12:00:00Z").await;
    let gone = app.get(&format!("/v1/appointments/{appointment}")).await;
    assert_eq!(gone.status, 404, "{}", gone.body);
    assert_eq!(
        app.sent_to(LEA_MAIL).await.len(),
        sent,
        "no message about it"
    );
    let events_after = app.get("/_local/events").await.body["events"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(events_after, events_before, "no event about it");
    assert!(app.stack.dead_letters().is_empty());
    // Léa herself is the business's client until it erases her.
    assert_eq!(app.get(&format!("/v1/clients/{lea}")).await.status, 200);
}

#[tokio::test]
async fn a_moved_appointment_is_kept_from_its_new_end_and_an_action_keeps_the_stamp() {
    let app = spawn_app(friday_before()).await;
    salon_keeping(&app, json!({"ended_appointments_days": 200})).await;
    let (_, appointment) = lea_booked_friday_10am(&app).await;
    let key = appointment_key(&app, &appointment);
    let moved = app
        .patch(
            &format!("/v1/appointments/{appointment}"),
            json!({"start": "2026-05-29T10:00:00+02:00"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let new_end = utc(2026, 5, 29, 8, 45);
    assert_eq!(
        app.stack.records.kept_until(&key),
        Some(new_end + Duration::days(200))
    );
    let cancelled = app
        .post(&format!("/v1/appointments/{appointment}/cancel"), json!({}))
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(
        app.stack.records.kept_until(&key),
        Some(new_end + Duration::days(200)),
        "a cancelled appointment is kept from the end it had"
    );
}

#[tokio::test]
async fn a_strangers_message_leaves_no_file_once_its_period_is_over() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(LocalConfig {
        data_dir: Some(dir.path().to_path_buf()),
        ..LocalConfig::for_tests(friday_before())
    })
    .await;
    salon_keeping(
        &app,
        json!({"inbound_messages_days": 40, "history_days": 40}),
    )
    .await;
    let form = app
        .post(
            "/v1/inbound",
            json!({"kind": "contact_form", "name": "Inès Fauconnier", "email": "ines.fauconnier@example.org"}),
        )
        .await;
    assert_eq!(form.status, 202, "{}", form.body);
    assert_eq!(
        app.sent_to("ines.fauconnier@example.org").await.len(),
        1,
        "answered"
    );
    // She is in the stores now: the scan sees what it looks for.
    assert!(!files_holding(dir.path(), "Fauconnier").is_empty());

    app.advance_to("2026-04-28T12:00:00Z").await;
    assert!(
        !files_holding(dir.path(), "Fauconnier").is_empty(),
        "kept for 40 days"
    );
    app.advance_to("2026-05-01T12:00:00Z").await;
    assert_eq!(
        files_holding(dir.path(), "Fauconnier"),
        Vec::<String>::new()
    );
    assert_eq!(
        files_holding(dir.path(), "ines.fauconnier"),
        Vec::<String>::new()
    );
    // Léa's salon is still all there.
    assert!(!files_holding(dir.path(), "Salon L").is_empty());
}

#[tokio::test]
async fn an_open_invoice_is_kept_and_a_paid_one_goes_after_the_closed_documents_period() {
    let app = spawn_app(friday_before()).await;
    salon_keeping(&app, json!({"closed_documents_days": 35})).await;
    let lea = app.create_lea().await;
    for number in ["f1", "f2"] {
        let issued = app
            .put(
                &format!("/v1/invoices/{number}"),
                json!({"client_id": lea, "number": number.to_uppercase(), "amount": 4500,
                       "currency": "EUR", "issued_at": "2026-03-20T10:00:00+01:00",
                       "due_date": "2027-12-20"}),
            )
            .await;
        assert_eq!(issued.status, 200, "{}", issued.body);
    }
    let paid = app.post("/v1/invoices/f1/paid", json!({})).await;
    assert_eq!(paid.status, 200, "{}", paid.body);

    app.advance_to("2026-04-25T12:00:00Z").await;
    assert_eq!(
        app.get("/v1/invoices/f1").await.status,
        404,
        "paid 36 days ago"
    );
    assert_eq!(app.get("/v1/invoices/f2").await.status, 200, "still open");
}

#[tokio::test]
async fn a_period_shorter_than_the_business_re_engagement_needs_is_refused() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let refused = app
        .put(
            "/v1/settings",
            json!({
                "business_name": "Salon Léa",
                "notifications": {"reengagement": {"steps": [{"days_after_last_visit": 180, "email": true}]}},
                "retention": {"ended_appointments_days": 150}
            }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.body["error"]["code"], "retention_too_short");
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("211 days")),
        "{}",
        refused.body
    );
    let too_short = app
        .put(
            "/v1/settings",
            json!({"business_name": "Salon Léa", "retention": {"history_days": 7}}),
        )
        .await;
    assert_eq!(too_short.status, 422, "{}", too_short.body);
}

#[tokio::test]
async fn a_shorter_period_applies_to_what_is_already_kept_through_a_job_of_bounded_steps() {
    let app = spawn_app(friday_before()).await;
    salon_keeping(&app, json!({})).await;
    let (lea, appointment) = lea_booked_friday_10am(&app).await;
    let key = appointment_key(&app, &appointment);
    app.advance_to("2026-03-28T09:00:00Z").await;
    let ended = utc(2026, 3, 27, 9, 45);
    assert_eq!(
        app.stack.records.kept_until(&key),
        Some(ended + Duration::days(1095)),
        "three years by default"
    );
    let history = app.communications(&lea).await;
    assert!(!history.is_empty());
    let sent_keys: Vec<String> = history
        .iter()
        .filter(|e| e["status"] == "sent")
        .filter_map(|e| e["message_key"].as_str().map(str::to_owned))
        .collect();
    assert!(!sent_keys.is_empty());
    let sent_before = app.sent_to(LEA_MAIL).await.len();

    // The business keeps appointments 200 days and the history 60 from now on.
    salon_keeping(
        &app,
        json!({"ended_appointments_days": 200, "history_days": 60}),
    )
    .await;
    app.advance_to("2026-03-28T10:00:00Z").await;
    assert_eq!(
        app.stack.records.kept_until(&key),
        Some(ended + Duration::days(200)),
        "the stored appointment is stamped again"
    );
    let history = app.communications(&lea).await;
    assert!(!history.is_empty());
    for entry in &history {
        let recorded = chrono::DateTime::parse_from_rfc3339(entry["recorded_at"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            entry["kept_until"].as_str().map(|k| k.to_owned()),
            Some(
                (recorded + Duration::days(60))
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            ),
            "{entry:#}"
        );
    }
    assert_eq!(
        app.sent_to(LEA_MAIL).await.len(),
        sent_before,
        "a retention change tells nobody"
    );
    let status = app.get("/v1/settings").await;
    assert_eq!(status.status, 200);

    // 61 days on, her history is gone — and the ledger's copies of it with it.
    app.advance_to("2026-05-29T12:00:00Z").await;
    assert!(app.communications(&lea).await.is_empty());
    for key in &sent_keys {
        let entry = app.stack.delivery.ledger.entry(key).await.unwrap();
        assert_eq!(
            entry, None,
            "the ledger's entry of {key} went with its copy"
        );
    }
    let export = app.get(&format!("/v1/clients/{lea}/export")).await;
    assert_eq!(export.status, 200, "{}", export.body);
    assert_eq!(export.body["communications"], json!([]), "{}", export.body);
}
