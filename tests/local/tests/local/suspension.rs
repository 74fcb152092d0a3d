//! The operator's kill switch: a suspended business sends nothing — each message recorded
//! `suppressed: business_suspended` — its integrator cannot lift it through the API, and once
//! resumed its later messages go out again.

use rappel_testkit::fixtures::{LEA_MAIL, LEA_PHONE, friday_before};
use rappel_testkit::{CallsApi, spawn_app};
use serde_json::json;

#[tokio::test]
async fn a_suspended_business_sends_nothing_until_an_operator_resumes_it() {
    let app = spawn_app(friday_before()).await;
    let (lea, _) = app.lea_booked_friday_10am().await;
    let before = app.outbox().await.len();
    assert!(before > 0, "the booking's confirmation went out");

    let suspended = app
        .put(
            "/_local/businesses/salon-lea/suspension",
            json!({"reason": "SMS pumping through the contact form"}),
        )
        .await;
    assert_eq!(suspended.status, 200, "{}", suspended.body);
    assert!(suspended.body["suspended"]["since"].is_string());

    // The integrator saves its settings: the suspension stays.
    let settings = json!({"business_name": "Salon Léa", "time_zone": "Europe/Paris"});
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);

    // The day-before reminder (Thursday 09:00 UTC) is held.
    app.advance_to("2026-03-26T12:00:00Z").await;
    assert_eq!(
        app.outbox().await.len(),
        before,
        "nothing sent while suspended"
    );
    let history = app.communications(&lea).await;
    let held: Vec<_> = history
        .iter()
        .filter(|e| e["status"] == "suppressed" && e["reason"] == "business_suspended")
        .collect();
    assert!(!held.is_empty(), "{history:#?}");

    let resumed = app.delete("/_local/businesses/salon-lea/suspension").await;
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    assert!(resumed.body["suspended"].is_null());
    // The 2-hour reminder (Friday 07:00 UTC) goes out again.
    app.advance_to("2026-03-27T08:00:00Z").await;
    assert!(app.outbox().await.len() > before, "sent again once resumed");
    assert_eq!(
        app.sent_of_kind("reminder", LEA_PHONE).await.len(),
        1,
        "the 2-hour SMS reminder"
    );
    assert!(
        app.sent_of_kind("reminder", LEA_MAIL).await.is_empty(),
        "the day-before one stays held"
    );
}

#[tokio::test]
async fn another_business_sends_while_one_is_suspended() {
    let app = spawn_app(friday_before()).await;
    app.lea_booked_friday_10am().await;
    let suspended = app
        .put(
            "/_local/businesses/salon-other/suspension",
            json!({"reason": "unpaid"}),
        )
        .await;
    assert_eq!(suspended.status, 200, "{}", suspended.body);
    app.advance_to("2026-03-26T12:00:00Z").await;
    assert!(!app.sent_of_kind("reminder", LEA_MAIL).await.is_empty());
}
