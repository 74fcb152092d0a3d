//! Abuse guards on SMS: a business texts numbers of its own country (its time zone's) unless
//! it lists others; a number abroad is recorded `suppressed: sms_country_not_allowed` and its
//! e-mail still goes.

use rappel_testkit::fixtures::friday_before;
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

const BELGIAN_MOBILE: &str = "+32470123456";

async fn salon(app: &TestApp, countries: Option<Value>) {
    let mut settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr"
    });
    if let Some(countries) = countries {
        settings["sms_countries"] = countries;
    }
    let answer = app.put("/v1/settings", settings).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    app.seed_catalog().await;
}

async fn book_a_belgian_client(app: &TestApp) -> String {
    let client = app
        .create_client(
            json!({"name": "Lotte Peeters", "email": "lotte@example.be", "phone": BELGIAN_MOBILE}),
        )
        .await;
    app.book(
        &client,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    app.advance_to("2026-03-27T12:00:00Z").await;
    client
}

#[tokio::test]
async fn a_paris_salon_does_not_text_a_belgian_number_and_still_mails_its_client() {
    let app = spawn_app(friday_before()).await;
    salon(&app, None).await;
    let client = book_a_belgian_client(&app).await;

    assert!(app.sent_to(BELGIAN_MOBILE).await.is_empty());
    let history = app.communications(&client).await;
    let refused: Vec<&Value> = history
        .iter()
        .filter(|e| e["channel"] == "sms" && e["reason"] == "sms_country_not_allowed")
        .collect();
    assert!(!refused.is_empty(), "{history:#?}");
    assert!(
        !app.sent_to("lotte@example.be").await.is_empty(),
        "e-mail still goes"
    );
}

#[tokio::test]
async fn a_salon_that_lists_belgium_texts_its_belgian_client() {
    let app = spawn_app(friday_before()).await;
    salon(&app, Some(json!(["FR", "BE"]))).await;
    book_a_belgian_client(&app).await;
    assert!(!app.sent_to(BELGIAN_MOBILE).await.is_empty());
}

#[tokio::test]
async fn a_country_list_that_is_not_country_codes_is_refused() {
    let app = spawn_app(friday_before()).await;
    let settings = json!({"business_name": "Salon Léa", "sms_countries": ["france"]});
    let answer = app.put("/v1/settings", settings).await;
    assert_eq!(answer.status, 422, "{}", answer.body);
}
