//! The e-mails as they leave, read back with a MIME parser nobody here wrote (mail-parser):
//! who an answer goes to for every kind, what marks them as a machine's, how a marketing e-mail
//! names its list, and dates and zones written the way their reader writes them.

use mail_parser::{HeaderValue, MessageParser};
use rappel_testkit::fixtures::{LEA_MAIL, friday_before};
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

const SAM_MAIL: &str = "sam@salon-lea.fr";
const DESK_MAIL: &str = "accueil@salon-lea.fr";
const OLGA_MAIL: &str = "olga@salon-lea.fr";

/// The salon, staff Sam (with an e-mail), with these sender settings and notifications.
async fn salon(app: &TestApp, sender: Value, notifications: Value) {
    app.seed_business().await;
    let mut settings = json!({
        "business_name": "Salon Léa & Cie",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "managers": [{"id": "owner", "name": "Olga", "email": OLGA_MAIL}],
        "notifications": notifications
    });
    if let (Some(settings), Some(sender)) = (settings.as_object_mut(), sender.as_object()) {
        settings.extend(sender.clone());
    }
    let saved = app.put("/v1/settings", settings).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
}

struct Mail {
    mime: String,
}

impl Mail {
    fn header(&self, name: &str) -> Option<String> {
        let message = MessageParser::default().parse(self.mime.as_bytes())?;
        match message.header(name)? {
            HeaderValue::Text(text) => Some(text.to_string()),
            HeaderValue::Address(address) => {
                address.first().and_then(|a| a.address()).map(str::to_owned)
            }
            other => Some(format!("{other:?}")),
        }
    }

    fn sender_name(&self) -> Option<String> {
        let message = MessageParser::default().parse(self.mime.as_bytes())?;
        message.from()?.first()?.name().map(str::to_owned)
    }

    fn raw_header(&self, name: &str) -> Option<String> {
        self.mime
            .split("\r\n\r\n")
            .next()?
            .lines()
            .find(|l| {
                l.to_ascii_lowercase()
                    .starts_with(&format!("{}:", name.to_ascii_lowercase()))
            })
            .map(|l| l[name.len() + 1..].trim().to_owned())
    }
}

async fn mails_of_kind(app: &TestApp, kind: &str, to: &str) -> Vec<Mail> {
    app.sent_of_kind(kind, to)
        .await
        .into_iter()
        .filter_map(|m| {
            m["mime"].as_str().map(|mime| Mail {
                mime: mime.to_owned(),
            })
        })
        .collect()
}

fn invoice(client: &str, due_date: &str) -> Value {
    json!({"client_id": client, "number": "F-1", "amount": 123456, "currency": "EUR",
           "issued_at": "2026-03-20T10:00:00+01:00", "due_date": due_date})
}

#[tokio::test]
async fn an_automatic_reply_says_it_answers_and_every_other_email_that_a_machine_sent_it() {
    let app = spawn_app(friday_before()).await;
    salon(
        &app,
        json!({}),
        json!({"auto_replies": {"message": {"enabled": true}}}),
    )
    .await;
    let lea = app.create_lea().await;
    app.post("/v1/inbound", json!({"kind": "message", "client_id": lea}))
        .await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;

    let replies = mails_of_kind(&app, "auto_reply", LEA_MAIL).await;
    assert_eq!(replies.len(), 1);
    assert_eq!(
        replies[0].header("Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    let confirmations = mails_of_kind(&app, "confirmation", LEA_MAIL).await;
    assert_eq!(confirmations.len(), 1);
    assert_eq!(
        confirmations[0].header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
}

#[tokio::test]
async fn the_senders_name_reads_back_whole_and_the_message_id_is_the_senders_domain() {
    let app = spawn_app(friday_before()).await;
    salon(&app, json!({}), json!({})).await;
    let lea = app.create_lea().await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    let confirmations = mails_of_kind(&app, "confirmation", LEA_MAIL).await;
    assert_eq!(confirmations.len(), 1);
    let mail = &confirmations[0];
    assert_eq!(mail.sender_name().as_deref(), Some("Salon Léa & Cie"));
    let from = mail.raw_header("From").unwrap_or_default();
    assert!(
        !from.starts_with("\"=?"),
        "an encoded word inside quotes: {from}"
    );
    let id = mail.raw_header("Message-ID").unwrap_or_default();
    assert!(id.ends_with("@rappel.localhost.localdomain>"), "{id}");
}

#[tokio::test]
async fn with_staff_reply_to_an_appointment_answers_the_staff_and_an_invoice_the_business() {
    let app = spawn_app(friday_before()).await;
    salon(
        &app,
        json!({"sender_mode": "staff_reply_to", "reply_address": DESK_MAIL}),
        json!({"auto_replies": {"message": {"enabled": true}}}),
    )
    .await;
    let lea = app.create_lea().await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    let saved = app
        .put("/v1/invoices/f1", invoice(&lea, "2026-04-01"))
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    app.post("/v1/inbound", json!({"kind": "message", "client_id": lea}))
        .await;

    for (kind, expected) in [
        ("confirmation", SAM_MAIL),
        ("invoice_issued", DESK_MAIL),
        ("auto_reply", DESK_MAIL),
    ] {
        let mails = mails_of_kind(&app, kind, LEA_MAIL).await;
        assert_eq!(mails.len(), 1, "{kind}");
        assert_eq!(
            mails[0].header("Reply-To").as_deref(),
            Some(expected),
            "{kind}"
        );
    }
}

#[tokio::test]
async fn without_a_reply_address_no_reply_means_no_reply_to_and_staff_mode_falls_back_to_the_manager()
 {
    let app = spawn_app(friday_before()).await;
    salon(&app, json!({}), json!({})).await;
    let lea = app.create_lea().await;
    app.put("/v1/invoices/f1", invoice(&lea, "2026-04-01"))
        .await;
    let mails = mails_of_kind(&app, "invoice_issued", LEA_MAIL).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].header("Reply-To"), None);

    let app = spawn_app(friday_before()).await;
    salon(&app, json!({"sender_mode": "staff_reply_to"}), json!({})).await;
    let lea = app.create_lea().await;
    app.put("/v1/invoices/f1", invoice(&lea, "2026-04-01"))
        .await;
    let mails = mails_of_kind(&app, "invoice_issued", LEA_MAIL).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].header("Reply-To").as_deref(), Some(OLGA_MAIL));
}

#[tokio::test]
async fn an_american_reads_an_invoice_date_as_on_a_reminder_and_a_zone_by_its_city() {
    let app = spawn_app(friday_before()).await;
    salon(&app, json!({}), json!({})).await;
    let ann = app
        .create_client(
            json!({"name": "Ann Lee", "email": "ann@example.com", "locale": "en-US",
                              "time_zone": "America/New_York"}),
        )
        .await;
    let saved = app
        .put("/v1/invoices/f1", invoice(&ann, "2027-11-09"))
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    app.book(
        &ann,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;

    let invoices = app.sent_of_kind("invoice_issued", "ann@example.com").await;
    assert_eq!(invoices.len(), 1);
    let text = invoices[0]["text"].as_str().unwrap_or_default();
    assert!(text.contains("Tuesday, November 9, 2027"), "{text}");
    let confirmations = app.sent_of_kind("confirmation", "ann@example.com").await;
    assert_eq!(confirmations.len(), 1);
    let text = confirmations[0]["text"].as_str().unwrap_or_default();
    assert!(text.contains("(New York time)"), "{text}");
    assert!(!text.contains("America/New_York"), "{text}");

    let lea = app.create_lea().await;
    app.book(
        &lea,
        "2026-03-27T11:00:00+01:00",
        "2026-03-27T11:45:00+01:00",
    )
    .await;
    let french = app.sent_of_kind("confirmation", LEA_MAIL).await;
    assert_eq!(french.len(), 1);
    let text = french[0]["text"].as_str().unwrap_or_default();
    assert!(text.contains("(heure de Paris)"), "{text}");
}

#[tokio::test]
async fn a_marketing_email_names_its_list_under_the_senders_domain() {
    let app = spawn_app(friday_before()).await;
    salon(
        &app,
        json!({}),
        json!({"reengagement": {"steps": [{"days_after_last_visit": 30, "email": true}]}}),
    )
    .await;
    let lea = app
        .create_client(json!({"name": "Léa Martin", "email": LEA_MAIL,
                              "preferences": {"marketing": true}}))
        .await;
    let visit = app
        .book(
            &lea,
            "2026-03-27T10:00:00+01:00",
            "2026-03-27T10:45:00+01:00",
        )
        .await;
    app.advance_to("2026-03-27T10:00:00Z").await;
    let id = visit["id"].as_str().unwrap_or_default();
    let done = app
        .post(&format!("/v1/appointments/{id}/complete"), json!({}))
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    app.advance_to("2026-04-26T09:00:00Z").await;

    let mails = mails_of_kind(&app, "reengagement", LEA_MAIL).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].raw_header("List-Id").as_deref(),
        Some("<reengagement.salon-lea.rappel.localhost.localdomain>")
    );
    assert!(mails[0].raw_header("List-Unsubscribe").is_some());
    let confirmations = mails_of_kind(&app, "confirmation", LEA_MAIL).await;
    assert_eq!(confirmations.len(), 1);
    assert_eq!(confirmations[0].raw_header("List-Id"), None);
}

#[tokio::test]
async fn a_business_sees_how_many_sms_parts_its_template_costs_before_any_is_sent() {
    let app = spawn_app(friday_before()).await;
    salon(&app, json!({}), json!({})).await;
    let built_in = app.get("/v1/templates/completed/sms/fr").await;
    assert_eq!(built_in.status, 200, "{}", built_in.body);
    assert_eq!(
        built_in.body["sms_sample"]["encoding"], "gsm7",
        "{}",
        built_in.body
    );
    assert_eq!(built_in.body["sms_sample"]["parts"], 1, "{}", built_in.body);

    let own = json!({"text": "{{ business_name }} : à bientôt pour votre {{ type_name }} du {{ date }} à {{ time }}, n'oubliez pas votre carte de fidélité, nous vous attendons !"});
    let saved = app.put("/v1/templates/reminder/sms/fr", own).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let sample = &saved.body["sms_sample"];
    assert_eq!(sample["encoding"], "ucs2", "ô: {sample}");
    assert_eq!(sample["parts"], 2, "{sample}");
    assert!(
        sample["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Salon Exemple"),
        "{sample}"
    );
    let email = app.get("/v1/templates/reminder/email/fr").await;
    assert!(email.body["sms_sample"].is_null(), "{}", email.body);
}
