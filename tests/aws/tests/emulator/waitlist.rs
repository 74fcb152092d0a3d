//! Offers of a freed slot on the AWS path (moto): the cancellation reaches the change handler
//! through the stream, the waitlist and the later bookings are found through the `by_type`
//! index, and the offers go out through the send queue, SES and SNS — real handlers and
//! adapters throughout.

use chrono::{TimeZone, Utc};
use rappel_aws_tests::aws::{recording_mark, save_recording_since, spawn_aws_app, unique_phone};
use rappel_testkit::CallsApi;
use serde_json::json;

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_cancellation_on_the_stream_sends_the_offers_through_ses_and_sns() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea("+33612345679").await;
    let ana_phone = unique_phone();
    let ana = app
        .post(
            "/v1/clients",
            json!({"name": "Ana", "email": "ana@example.fr", "phone": ana_phone}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cleo = app
        .post(
            "/v1/clients",
            json!({"name": "Cleo", "email": "cleo@example.fr", "preferences": {"earlier_slot_offers": true}}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.pump_stream().await;
    let waiting = app
        .post(
            "/v1/waitlist",
            json!({"client_id": ana, "type_id": "cut", "from": "2026-03-23T00:00:00+01:00", "until": "2026-04-10T00:00:00+02:00"}),
        )
        .await;
    assert_eq!(waiting.status, 201, "{}", waiting.body);
    // Cleo's later cut follows her default: she asked for earlier slots.
    app.book(
        &cleo,
        "2026-04-03T10:00:00+02:00",
        "2026-04-03T10:45:00+02:00",
    )
    .await;
    let leas = app.book_friday_10am(&lea).await;

    let mark = recording_mark();
    let cancelled = app
        .post(
            &format!("/v1/appointments/{leas}/cancel"),
            json!({"actor": "client"}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let (batch, response) = app.pump_stream().await;
    assert_eq!(response["batchItemFailures"], json!([]));
    save_recording_since(mark, "freed-slot");

    let to_ana = app.emails_to("ana@example.fr").await;
    assert_eq!(to_ana.len(), 1, "{to_ana:#?}");
    assert_eq!(
        to_ana[0].subject,
        "Une place s'est libérée le vendredi 27 mars 2026 à 10:00"
    );
    assert_eq!(app.sms_to(&ana_phone).await.len(), 1);
    let to_cleo = app.emails_to("cleo@example.fr").await;
    let earlier: Vec<_> = to_cleo
        .iter()
        .filter(|m| m.subject.starts_with("Un créneau plus tôt"))
        .collect();
    assert_eq!(earlier.len(), 1, "{to_cleo:#?}");
    assert!(
        earlier[0]
            .text
            .contains("au lieu du vendredi 3 avril 2026 à 10:00")
    );
    // Léa, who cancelled, hears of her cancellation only.
    assert!(
        app.emails_to("lea@example.fr")
            .await
            .iter()
            .all(|m| !m.subject.contains("place"))
    );

    // A replay of the same stream batch sends nothing more.
    let replayed = app.deliver_batch(batch).await;
    assert_eq!(replayed["batchItemFailures"], json!([]));
    assert_eq!(app.emails_to("ana@example.fr").await.len(), 1);
    assert_eq!(app.sms_to(&ana_phone).await.len(), 1);
    let history = app.communications(&ana).await;
    assert!(
        history
            .iter()
            .any(|c| c["kind"] == "slot_available" && c["status"] == "sent"),
        "{history:#?}"
    );
}
