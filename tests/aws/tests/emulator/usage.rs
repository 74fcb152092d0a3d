//! A business's monthly usage on DynamoDB: counted in the transaction that settles each sent
//! message, read back by `GET /v1/usage`, and the SMS budget enforced from it.

use chrono::{TimeZone, Utc};
use rappel_aws_tests::aws::spawn_aws_app;
use rappel_testkit::CallsApi;
use serde_json::{Value, json};

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn the_month_counts_what_was_sent_and_the_sms_budget_sends_the_e_mail_instead() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    // The salon's matrix (seed_salon) with a budget of 5 cents: not even one SMS part to
    // France (0.073 €) fits.
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {
            "reminders": [{"offset": "1d", "email": true}, {"offset": "2h", "sms": true}]
        },
        "sms_budget": {"monthly_limit_cents": 5}
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    app.pump_stream().await;
    app.drain_replan_queue().await;
    let lea = app.create_lea(&app.phone).await;
    app.book_friday_10am(&lea).await;
    app.advance_to("2026-03-27T12:00:00Z").await;

    assert!(
        app.sms_to(&app.phone).await.is_empty(),
        "no SMS passes the budget"
    );
    let history = app.communications(&lea).await;
    let refused: Vec<&Value> = history
        .iter()
        .filter(|e| e["channel"] == "sms" && e["reason"] == "sms_budget")
        .collect();
    assert_eq!(
        refused.len(),
        2,
        "the confirmation's and the 2-hour reminder's SMS: {history:#?}"
    );
    let instead: Vec<&Value> = history
        .iter()
        .filter(|e| e["channel"] == "email" && e["reason"] == "instead_of_sms: sms_budget")
        .collect();
    // The confirmation has its own e-mail; the 2-hour reminder's e-mail goes in its place.
    assert_eq!(instead.len(), 1, "{history:#?}");
    assert_eq!(instead[0]["kind"], "reminder");
    assert_eq!(instead[0]["status"], "sent");

    let usage = app.get("/v1/usage?month=2026-03").await;
    assert_eq!(usage.status, 200, "{}", usage.body);
    let reminders_by_mail = usage.body["messages"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["kind"] == "reminder" && l["channel"] == "email")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(reminders_by_mail["messages"], 2, "{}", usage.body);
    assert_eq!(usage.body["sms"]["parts"], 0);
    assert_eq!(usage.body["sms"]["refused_by_budget"], 2);
    assert_eq!(usage.body["sms"]["budget"]["state"], "exhausted");
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_settle_replayed_after_it_landed_counts_the_message_once() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    app.book_friday_10am(&lea).await;
    let tenant = rappel_core::model::TenantId::parse(&app.tenant).unwrap();
    let client = rappel_core::model::ClientId::parse(&lea).unwrap();
    let history = app
        .delivery
        .history
        .for_client(&tenant, &client)
        .await
        .expect("the history");
    let sent = history
        .iter()
        .find(|r| r.status == rappel_ports::history::CommunicationStatus::Sent)
        .cloned()
        .expect("the confirmation was sent");
    let month = rappel_ports::usage::month_of(&sent);
    let before = app.delivery.usage.month(&tenant, &month).await.unwrap();
    assert!(!before.lines.is_empty());

    // A settle request delivered twice by the queue: the second finds the message settled.
    let replayed = app
        .delivery
        .ledger
        .settle_sent(&sent.message_key, &sent, sent.recorded_at)
        .await;
    assert!(replayed.is_ok(), "{replayed:?}");
    let after = app.delivery.usage.month(&tenant, &month).await.unwrap();
    assert_eq!(after, before, "counted once");
}
