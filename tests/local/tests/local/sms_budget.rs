//! A business's monthly SMS budget: SMS go out while the month's spending stays within it;
//! the one that would pass it is not sent — recorded `suppressed: sms_budget` — and the client
//! gets the e-mail instead where the message had no e-mail of its own. `GET /v1/usage` shows
//! the month.

use rappel_testkit::fixtures::{LEA_MAIL, LEA_PHONE, friday_before};
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

/// The salon's settings with a budget of `cents` a month.
async fn budget_of(app: &TestApp, cents: u32) {
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}],
        "sms_budget": {"monthly_limit_cents": cents}
    });
    let answer = app.put("/v1/settings", settings).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

fn with_reason<'a>(
    history: &'a [Value],
    channel: &str,
    status: &str,
    reason: &str,
) -> Vec<&'a Value> {
    history
        .iter()
        .filter(|e| e["channel"] == channel && e["status"] == status && e["reason"] == reason)
        .collect()
}

#[tokio::test]
async fn sms_stop_at_the_monthly_budget_and_the_client_gets_the_e_mail_instead() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    // 10 cents: one SMS part to France (0.073 €) fits, a second does not.
    budget_of(&app, 10).await;
    let lea = app.create_lea().await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    app.advance_to("2026-03-27T12:00:00Z").await;

    let sms = app.sent_to(LEA_PHONE).await;
    assert_eq!(sms.len(), 1, "one SMS within the budget: {sms:?}");
    let history = app.communications(&lea).await;
    assert!(!history.is_empty());
    let refused = with_reason(&history, "sms", "suppressed", "sms_budget");
    assert!(!refused.is_empty(), "{history:#?}");
    // The 2-hour reminder is SMS only: its e-mail goes out in its place.
    let instead = with_reason(&history, "email", "sent", "instead_of_sms: sms_budget");
    assert!(!instead.is_empty(), "{history:#?}");
    for entry in &instead {
        assert_eq!(entry["kind"], "reminder");
        let refused_sms_of_the_same_message = refused
            .iter()
            .any(|r| r["kind"] == entry["kind"] && r["due"] == entry["due"]);
        assert!(refused_sms_of_the_same_message, "{entry}");
    }
    let reminders_by_mail = app.sent_of_kind("reminder", LEA_MAIL).await;
    assert_eq!(
        reminders_by_mail.len(),
        2,
        "the day-before reminder's own e-mail, and the 2-hour one's in place of its SMS"
    );

    let usage = app.get("/v1/usage?month=2026-03").await;
    assert_eq!(usage.status, 200, "{}", usage.body);
    assert_eq!(usage.body["sms"]["parts"], 1, "{}", usage.body);
    assert_eq!(usage.body["sms"]["cost_eur"], "0.0730");
    assert_eq!(usage.body["sms"]["refused_by_budget"], refused.len() as u64);
    assert_eq!(usage.body["sms"]["budget"]["state"], "exhausted");
}

#[tokio::test]
async fn without_a_budget_every_sms_goes_out_and_the_month_counts_them_by_kind_and_channel() {
    let app = spawn_app(friday_before()).await;
    let (lea, _) = app.lea_booked_friday_10am().await;
    app.advance_to("2026-03-27T12:00:00Z").await;

    let sms = app.sent_to(LEA_PHONE).await;
    assert!(sms.len() >= 2, "{sms:?}");
    let history = app.communications(&lea).await;
    assert!(with_reason(&history, "sms", "suppressed", "sms_budget").is_empty());

    let usage = app.get("/v1/usage?month=2026-03").await;
    assert_eq!(usage.status, 200, "{}", usage.body);
    let lines = usage.body["messages"].as_array().expect("lines");
    assert!(!lines.is_empty());
    let sms_messages: u64 = lines
        .iter()
        .filter(|l| l["channel"] == "sms")
        .map(|l| l["messages"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(sms_messages, sms.len() as u64);
    assert_eq!(
        usage.body["sms"]["parts"],
        sms.len() as u64,
        "one part each"
    );
    assert_eq!(usage.body["sms"]["budget"], Value::Null);
    assert_eq!(usage.body["sms"]["refused_by_budget"], 0);
    // Another month is empty; a month that is not one is refused.
    let april = app.get("/v1/usage?month=2026-04").await;
    assert_eq!(april.body["messages"], json!([]));
    assert_eq!(app.get("/v1/usage?month=2026-13").await.status, 422);
}

#[tokio::test]
async fn another_business_s_usage_is_its_own() {
    let app = spawn_app(friday_before()).await;
    app.lea_booked_friday_10am().await;
    app.advance_to("2026-03-27T12:00:00Z").await;
    let other = app
        .call_as("salon-b", "GET", "/v1/usage?month=2026-03", None)
        .await;
    assert_eq!(other.status, 200);
    assert_eq!(other.body["messages"], json!([]));
    assert_eq!(other.body["sms"]["parts"], 0);
}
