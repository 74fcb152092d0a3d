//! Invoices and automatic replies on the AWS path (moto): the notice goes out through SES, the
//! unpaid reminder is a one-shot schedule at the right instant in the invoice's prefix, and
//! paying the invoice deletes it — the real handlers and adapters throughout, the new record
//! kinds through the same stream, change handler and send function.

use chrono::{TimeZone, Utc};
use rappel_aws_tests::aws::{recording_mark, save_recording_since, spawn_aws_app};
use rappel_testkit::CallsApi;
use rappel_testkit::fixtures::LEA_MAIL;
use serde_json::json;

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_invoice_is_announced_through_ses_and_its_reminder_schedule_goes_when_it_is_paid() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea("+33612345671").await;

    let mark = recording_mark();
    let saved = app
        .put(
            "/v1/invoices/f42",
            json!({
                "client_id": lea, "number": "F-2026-0042", "amount": 123456, "currency": "EUR",
                "issued_at": "2026-03-20T10:00:00+01:00", "due_date": "2026-03-27",
                "url": "https://pay.salon-lea.fr/f42"
            }),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let (_, response) = app.pump_stream().await;
    assert_eq!(response["batchItemFailures"], json!([]));

    let mails = app.emails_to(LEA_MAIL).await;
    assert_eq!(mails.len(), 1, "{mails:#?}");
    assert_eq!(mails[0].subject, "Facture F-2026-0042 de Salon Léa");
    let text = mails[0].text.replace(['\u{a0}', '\u{202f}'], " ");
    assert!(text.contains("1 234,56 €"), "{text}");

    let reminders: Vec<_> = app
        .schedules()
        .await
        .into_iter()
        .filter(|s| s.input["key"]["kind"] == "invoice_reminder")
        .collect();
    assert_eq!(reminders.len(), 1, "{reminders:#?}");
    // 3 days after 27 March, 10:00 in Paris (summer time), scheduled in UTC.
    assert_eq!(reminders[0].expression, "at(2026-03-30T08:00:00)");
    assert_eq!(reminders[0].time_zone, "UTC");
    assert!(reminders[0].name.starts_with('i'), "the invoice's prefix");
    assert_eq!(
        reminders[0].input["key"]["subject"],
        json!({"type": "invoice", "id": "f42"})
    );

    let paid = app.post("/v1/invoices/f42/paid", json!({})).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    let (_, response) = app.pump_stream().await;
    assert_eq!(response["batchItemFailures"], json!([]));
    save_recording_since(mark, "invoice-life-cycle");
    assert!(
        app.schedules()
            .await
            .iter()
            .all(|s| s.input["key"]["kind"] != "invoice_reminder"),
        "the reminder schedule is deleted"
    );
    let history = app.communications(&lea).await;
    assert!(
        history.iter().any(|c| c["kind"] == "invoice_reminder"
            && c["status"] == "stale"
            && c["reason"] == "invoice_paid"),
        "{history:#?}"
    );
    assert_eq!(app.emails_to(LEA_MAIL).await.len(), 1, "no reminder sent");
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_inbound_message_is_answered_once_through_the_same_path() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {"auto_replies": {"message": {"enabled": true}}}
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    app.pump_stream().await;
    let lea = app.create_lea("+33612345672").await;

    let mut ids = Vec::new();
    for _ in 0..2 {
        let received = app
            .post("/v1/inbound", json!({"kind": "message", "client_id": lea}))
            .await;
        assert_eq!(received.status, 202, "{}", received.body);
        ids.push(received.body["id"].as_str().unwrap().to_owned());
    }
    let (_, response) = app.pump_stream().await;
    assert_eq!(response["batchItemFailures"], json!([]));
    let replies = app.emails_to(LEA_MAIL).await;
    assert_eq!(replies.len(), 1, "{replies:#?}");
    assert_eq!(replies[0].subject, "Nous avons bien reçu votre message");
    let history = app.communications(&lea).await;
    assert!(
        history
            .iter()
            .any(|c| c["kind"] == "auto_reply" && c["reason"] == "within_reply_window"),
        "{history:#?}"
    );
    // Each message shows what became of its reply, read from the history from its receipt on.
    let first = app.get(&format!("/v1/inbound/{}", ids[0])).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let replies = first.body["replies"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(replies.len(), 1, "{}", first.body);
}
