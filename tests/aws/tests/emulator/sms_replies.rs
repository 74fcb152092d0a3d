//! Replies by SMS on the AWS path (moto): SMS leave from the two-way number
//! (`AWS.MM.SMS.OriginationNumber`, no sender ID), what they asked is kept in DynamoDB, and
//! the inbound SMS function takes End User Messaging's two-way payload (AWS's documented
//! example, `infra/events/sms-two-way-inbound.json`) as SNS delivers it: OUI confirms the
//! appointment the reminder asked about, once; STOP withdraws the salon's next SMS.

use aws_lambda_events::event::sns::SnsEvent;
use chrono::{TimeZone, Utc};
use lambda_runtime::{Context, LambdaEvent};
use rappel_aws_tests::aws::{AwsApp, spawn_aws_app, two_way_text};
use rappel_testkit::CallsApi;
use serde_json::{Value, json};

const TWO_WAY: &str = "+33757990000";

fn inbound(from: &str, body: &str, id: &str) -> SnsEvent {
    two_way_text(TWO_WAY, from, body, id)
}

async fn take(
    app: &AwsApp,
    services: &rappel_app::commands::sms_reply::ReplyServices,
    body: &str,
    id: &str,
) -> Vec<&'static str> {
    let event = inbound(&app.phone, body, id);
    let outcomes =
        rappel_inbound_sms::function_handler(LambdaEvent::new(event, Context::default()), services)
            .await
            .expect("taken in DynamoDB");
    app.drain_send_queue().await;
    outcomes
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn oui_confirms_the_appointment_asked_about_and_stop_withdraws_the_next_sms_on_aws() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    let (app, replies) = app.with_two_way_number(TWO_WAY).await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {"reminders": [{"offset": "1d", "sms": true, "ask_confirmation": true}]}
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    app.seed_catalog().await;
    app.pump_stream().await;
    let lea = app.create_lea(&app.phone.clone()).await;
    let id = app.book_friday_10am(&lea).await;
    app.advance_to("2026-03-26T10:00:00+01:00").await;

    let sms = app.sms_to(&app.phone).await;
    assert_eq!(sms.len(), 2, "the confirmation and the reminder: {sms:?}");
    assert!(
        sms[1]
            .text
            .ends_with("Répondez OUI pour confirmer, ANNULER pour annuler."),
        "{}",
        sms[1].text
    );
    let attributes = app.sms_attributes(&app.phone);
    assert!(!attributes.is_empty());
    for sent in &attributes {
        assert_eq!(sent["AWS.MM.SMS.OriginationNumber"], TWO_WAY, "{sent:?}");
        assert!(!sent.contains_key("AWS.SNS.SMS.SenderID"), "{sent:?}");
    }
    let asked = app.get(&format!("/v1/appointments/{id}")).await.body;
    assert_eq!(
        asked["client_confirmation"]["state"], "requested",
        "{asked}"
    );

    assert_eq!(take(&app, &replies, "Oui", "in-1").await, ["confirmed"]);
    assert_eq!(take(&app, &replies, "Oui", "in-1").await, ["duplicate"]);
    let confirmed = app.get(&format!("/v1/appointments/{id}")).await.body;
    assert_eq!(
        confirmed["client_confirmation"]["state"], "confirmed",
        "{confirmed}"
    );
    assert_eq!(confirmed["client_confirmation"]["by"], "sms_reply");
    let answers: Vec<String> = app
        .sms_to(&app.phone)
        .await
        .into_iter()
        .map(|s| s.text)
        .filter(|t| t.starts_with("Merci !"))
        .collect();
    assert_eq!(answers.len(), 1, "answered once: {answers:?}");

    assert_eq!(take(&app, &replies, "STOP", "in-2").await, ["stopped"]);
    let before = app.sms_to(&app.phone).await.len();
    let moved = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": "2026-03-27T11:00:00+01:00"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    app.pump_stream().await;
    assert_eq!(
        app.sms_to(&app.phone).await.len(),
        before,
        "no SMS after STOP"
    );
    let history = app.communications(&lea).await;
    assert!(
        history
            .iter()
            .any(|e| e["channel"] == "sms" && e["reason"] == "sms_stopped"),
        "{history:#?}"
    );
    let replied: Vec<&Value> = history
        .iter()
        .filter(|e| e["status"] == "replied")
        .collect();
    assert_eq!(replied.len(), 2, "{history:#?}");
}
