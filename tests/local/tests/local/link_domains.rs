//! A business's own templates link only to the domains it declared: a phishing link is refused
//! when the template is saved, and a template whose domain was since taken out of the settings
//! is set aside for the built-in one when the message goes out.

use rappel_testkit::fixtures::{LEA_MAIL, friday_before};
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

async fn declare(app: &TestApp, domains: Value) {
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "link_domains": domains
    });
    let answer = app.put("/v1/settings", settings).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

fn reminder_linking_to(url: &str) -> Value {
    json!({
        "subject": "Votre rendez-vous chez {{ business_name }}",
        "text": format!("À bientôt ! Nos tarifs : {url}"),
        "html": format!("<p>À bientôt !</p><p><a href=\"{url}\">Nos tarifs</a></p>")
    })
}

#[tokio::test]
async fn a_template_linking_outside_the_declared_domains_is_refused_when_saved() {
    let app = spawn_app(friday_before()).await;
    declare(&app, json!(["salon-lea.fr"])).await;
    let phishing = app
        .put(
            "/v1/templates/reminder/email/fr",
            reminder_linking_to("https://salon-lea.fr.verify-account.com/login"),
        )
        .await;
    assert_eq!(phishing.status, 422, "{}", phishing.body);
    assert_eq!(phishing.body["error"]["code"], "link_domain_not_allowed");
    assert!(
        phishing.body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("salon-lea.fr.verify-account.com")),
        "{}",
        phishing.body
    );

    let own = app
        .put(
            "/v1/templates/reminder/email/fr",
            reminder_linking_to("https://www.salon-lea.fr/tarifs"),
        )
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
}

#[tokio::test]
async fn a_template_whose_domain_was_taken_out_goes_out_as_the_built_in_one() {
    let app = spawn_app(friday_before()).await;
    declare(&app, json!(["salon-lea.fr"])).await;
    app.seed_catalog().await;
    let saved = app
        .put(
            "/v1/templates/reminder/email/fr",
            reminder_linking_to("https://www.salon-lea.fr/tarifs"),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    declare(&app, json!([])).await;
    let lea = app.create_lea().await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    app.advance_to("2026-03-27T12:00:00Z").await;

    let reminders = app.sent_of_kind("reminder", LEA_MAIL).await;
    assert!(!reminders.is_empty());
    for reminder in &reminders {
        let text = reminder["text"].as_str().unwrap_or_default();
        assert!(!text.contains("salon-lea.fr/tarifs"), "{text}");
    }
}
