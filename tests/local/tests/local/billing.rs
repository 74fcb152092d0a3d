//! Invoices, quotes and automatic replies through the real HTTP API on the local stack: an
//! invoice announced and reminded after its due date, one paid in time never reminded (and the
//! history says why), a quote about to expire flagged to the manager, a conversation answered
//! once, a stranger's contact form answered, a machine never answered.

use rappel_testkit::fixtures::{LEA_MAIL, friday_before};
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

const OLGA_MAIL: &str = "olga@salon-lea.fr";

/// The salon (Paris, French, manager Olga) with these billing and auto-reply settings.
async fn salon(app: &TestApp, notifications: Value) -> String {
    app.seed_business().await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "managers": [{"id": "owner", "name": "Olga", "email": OLGA_MAIL}],
        "notifications": notifications
    });
    let saved = app.put("/v1/settings", settings).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    app.create_lea().await
}

fn invoice(client: &str, number: &str, due_date: &str) -> Value {
    json!({
        "client_id": client,
        "number": number,
        "amount": 123456,
        "currency": "EUR",
        "issued_at": "2026-03-20T10:00:00+01:00",
        "due_date": due_date,
        "url": "https://pay.salon-lea.fr/f42"
    })
}

/// Text with its narrow and plain no-break spaces shown as spaces.
fn seen(text: &Value) -> String {
    text.as_str()
        .unwrap_or_default()
        .replace(['\u{a0}', '\u{202f}'], " ")
}

async fn subjects_to(app: &TestApp, to: &str) -> Vec<String> {
    app.sent_to(to)
        .await
        .iter()
        .map(|m| m["subject"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn an_invoice_is_announced_with_its_amount_and_reminded_three_days_after_it_is_due() {
    let app = spawn_app(friday_before()).await;
    let lea = salon(&app, json!({})).await;

    let saved = app
        .put(
            "/v1/invoices/f42",
            invoice(&lea, "F-2026-0042", "2026-03-27"),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["status"], "issued");
    let notice = app.sent_to(LEA_MAIL).await;
    assert_eq!(notice.len(), 1, "{notice:#?}");
    assert_eq!(notice[0]["subject"], "Facture F-2026-0042 de Salon Léa");
    let text = seen(&notice[0]["text"]);
    assert!(text.contains("1 234,56 €"), "{text}");
    assert!(text.contains("vendredi 27 mars 2026"), "{text}");
    assert!(text.contains("https://pay.salon-lea.fr/f42"), "{text}");

    // 3 days after the due date, at 10:00 in Paris: Monday 30 March, summer time.
    let planned = app.get("/v1/invoices/f42/notifications").await;
    assert_eq!(planned.status, 200, "{}", planned.body);
    let steps = planned.body["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(steps.len(), 1, "{steps:#?}");
    assert_eq!(steps[0]["kind"], "invoice_reminder");
    assert_eq!(steps[0]["due"], "2026-03-30T08:00:00Z");
    assert_eq!(steps[0]["status"], "scheduled");

    app.advance_to("2026-03-30T08:30:00Z").await;
    assert_eq!(
        subjects_to(&app, LEA_MAIL).await,
        vec![
            "Facture F-2026-0042 de Salon Léa".to_owned(),
            "Rappel : facture F-2026-0042 en attente de paiement".to_owned(),
        ]
    );
}

#[tokio::test]
async fn an_invoice_paid_before_its_reminder_is_never_reminded_and_the_history_says_why() {
    let app = spawn_app(friday_before()).await;
    let lea = salon(&app, json!({})).await;
    app.put(
        "/v1/invoices/f43",
        invoice(&lea, "F-2026-0043", "2026-03-27"),
    )
    .await;
    let paid = app.post("/v1/invoices/f43/paid", json!({})).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert_eq!(paid.body["status"], "paid");
    let again = app.post("/v1/invoices/f43/paid", json!({})).await;
    assert_eq!(again.status, 409, "{}", again.body);

    app.advance_to("2026-04-10T09:00:00Z").await;
    assert_eq!(
        subjects_to(&app, LEA_MAIL).await,
        vec!["Facture F-2026-0043 de Salon Léa".to_owned()]
    );
    let history = app.communications(&lea).await;
    let reminder: Vec<_> = history
        .iter()
        .filter(|c| c["kind"] == "invoice_reminder")
        .collect();
    assert!(!reminder.is_empty(), "{history:#?}");
    assert!(
        reminder
            .iter()
            .all(|c| c["status"] == "stale" && c["reason"] == "invoice_paid"),
        "{reminder:#?}"
    );
    let planned = app.get("/v1/invoices/f43/notifications").await;
    assert_eq!(planned.body["notifications"], json!([]));
}

#[tokio::test]
async fn a_quote_about_to_expire_is_flagged_to_the_manager_in_owner_mode() {
    let app = spawn_app(friday_before()).await;
    let lea = salon(
        &app,
        json!({"billing": {"quote_expiring": {"mode": "owner", "steps": [{"days": 2}]}}}),
    )
    .await;
    let quote = json!({
        "client_id": lea,
        "number": "D-7",
        "amount": 50000,
        "currency": "EUR",
        "issued_at": "2026-03-20T10:00:00+01:00",
        "expires_on": "2026-03-31"
    });
    let saved = app.put("/v1/quotes/d7", quote).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(
        subjects_to(&app, LEA_MAIL).await,
        vec!["Devis D-7 de Salon Léa".to_owned()]
    );

    // Two days before 31 March: Sunday 29 March, the day the clocks go forward; 10:00 CEST.
    let planned = app.get("/v1/quotes/d7/notifications").await;
    let steps = planned.body["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(steps.len(), 1, "{steps:#?}");
    assert_eq!(steps[0]["kind"], "quote_expiring_alert");
    assert_eq!(steps[0]["due"], "2026-03-29T08:00:00Z");
    app.advance_to("2026-03-29T08:30:00Z").await;
    let to_olga = app.sent_to(OLGA_MAIL).await;
    let alert: Vec<_> = to_olga
        .iter()
        .filter(|m| m["subject"] == "Devis sans réponse : D-7 (Léa Martin)")
        .collect();
    assert_eq!(alert.len(), 1, "{to_olga:#?}");
    assert!(seen(&alert[0]["text"]).contains("500,00 €"));
    assert_eq!(
        subjects_to(&app, LEA_MAIL).await.len(),
        1,
        "nothing more to Léa"
    );
}

#[tokio::test]
async fn an_accepted_quote_is_not_reminded() {
    let app = spawn_app(friday_before()).await;
    let lea = salon(&app, json!({})).await;
    let quote = json!({
        "client_id": lea, "number": "D-8", "amount": 1000, "currency": "USD",
        "issued_at": "2026-03-20T10:00:00+01:00", "expires_on": "2026-03-31"
    });
    app.put("/v1/quotes/d8", quote).await;
    let accepted = app.post("/v1/quotes/d8/accept", json!({})).await;
    assert_eq!(accepted.body["status"], "accepted", "{}", accepted.body);
    app.advance_to("2026-04-02T09:00:00Z").await;
    assert_eq!(
        subjects_to(&app, LEA_MAIL).await,
        vec!["Devis D-8 de Salon Léa".to_owned()]
    );
}

#[tokio::test]
async fn two_messages_in_a_row_get_one_automatic_reply() {
    let app = spawn_app(friday_before()).await;
    let lea = salon(
        &app,
        json!({"auto_replies": {"message": {"enabled": true, "text": "Nous vous répondons sous 48 h."}}}),
    )
    .await;
    let first = app
        .post("/v1/inbound", json!({"kind": "message", "client_id": lea}))
        .await;
    assert_eq!(first.status, 202, "{}", first.body);
    let second = app
        .post("/v1/inbound", json!({"kind": "message", "client_id": lea}))
        .await;
    assert_eq!(second.status, 202, "{}", second.body);

    let replies = app.sent_to(LEA_MAIL).await;
    assert_eq!(replies.len(), 1, "{replies:#?}");
    assert_eq!(replies[0]["subject"], "Nous avons bien reçu votre message");
    assert!(seen(&replies[0]["text"]).contains("Nous vous répondons sous 48 h."));

    let id = second.body["id"].as_str().unwrap();
    let view = app.get(&format!("/v1/inbound/{id}")).await;
    assert_eq!(view.status, 200, "{}", view.body);
    assert_eq!(
        view.body["replies"][0]["status"], "suppressed",
        "{}",
        view.body
    );
    assert_eq!(view.body["replies"][0]["reason"], "within_reply_window");

    // A day later, the conversation is new again.
    app.advance_to("2026-03-21T10:00:00Z").await;
    app.post("/v1/inbound", json!({"kind": "message", "client_id": lea}))
        .await;
    assert_eq!(app.sent_to(LEA_MAIL).await.len(), 2);
}

#[tokio::test]
async fn a_contact_form_from_someone_new_is_answered_and_a_machine_is_not() {
    let app = spawn_app(friday_before()).await;
    salon(
        &app,
        json!({"auto_replies": {"contact_form": {"enabled": true}}}),
    )
    .await;
    let form = app
        .post(
            "/v1/inbound",
            json!({"kind": "contact_form", "name": "Noé Petit", "email": "noe@example.fr"}),
        )
        .await;
    assert_eq!(form.status, 202, "{}", form.body);
    let to_noe = app.sent_to("noe@example.fr").await;
    assert_eq!(to_noe.len(), 1, "{to_noe:#?}");
    assert_eq!(to_noe[0]["subject"], "Nous avons bien reçu votre demande");

    let robot = app
        .post(
            "/v1/inbound",
            json!({"kind": "contact_form", "name": "Shop", "email": "no-reply@shop.example"}),
        )
        .await;
    assert_eq!(robot.status, 202);
    assert_eq!(robot.body["automated"], true);
    assert!(app.sent_to("no-reply@shop.example").await.is_empty());
}

#[tokio::test]
async fn bad_billing_input_is_a_clear_4xx() {
    let app = spawn_app(friday_before()).await;
    let lea = salon(&app, json!({})).await;
    let cases = [
        (json!({"amount": -1}), "invalid_field"),
        (json!({"currency": "EURO"}), "invalid_field"),
        (json!({"client_id": "nobody"}), "unknown_client"),
        (json!({"due_date": "27/03/2026"}), "invalid_field"),
        (json!({"url": "javascript:alert(1)"}), "invalid_field"),
    ];
    for (change, code) in cases {
        let mut body = invoice(&lea, "F-1", "2026-03-27");
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let refused = app.put("/v1/invoices/f1", body.clone()).await;
        assert_eq!(refused.status, 422, "{body} → {}", refused.body);
        assert_eq!(refused.body["error"]["code"], code, "{body}");
    }
    app.put("/v1/invoices/f1", invoice(&lea, "F-1", "2026-03-27"))
        .await;
    let mut stale = invoice(&lea, "F-1", "2026-03-28");
    stale["expected_version"] = json!(7);
    assert_eq!(app.put("/v1/invoices/f1", stale).await.status, 409);
    assert_eq!(app.get("/v1/invoices/nothing").await.status, 404);
    let stranger = app
        .post(
            "/v1/inbound",
            json!({"kind": "message", "name": "X", "email": "x@example.fr"}),
        )
        .await;
    assert_eq!(stranger.status, 422, "{}", stranger.body);
}
