//! Replies by SMS on the local stack (`POST /_local/sms-reply`): a STOP withdraws one
//! business's SMS to that number and only that business's, START restores them, HELP names the
//! business, free text becomes the business's inbound message, and a number nobody texted
//! changes nothing. Every reply is in the client's history with what it did.

use rappel_testkit::fixtures::{LEA_PHONE, friday_before};
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

async fn reply(app: &TestApp, from: &str, body: &str) -> String {
    let taken = app
        .post("/_local/sms-reply", json!({"from": from, "body": body}))
        .await;
    assert_eq!(taken.status, 200, "{}", taken.body);
    taken.body["outcome"]
        .as_str()
        .expect("an outcome")
        .to_owned()
}

/// The texts to Léa's number, oldest first.
async fn texts(app: &TestApp) -> Vec<String> {
    app.sent_to(LEA_PHONE)
        .await
        .iter()
        .filter_map(|m| m["text"].as_str().map(str::to_owned))
        .collect()
}

fn replies_in(history: &[Value]) -> Vec<String> {
    history
        .iter()
        .filter(|e| e["status"] == "replied")
        .map(|e| e["reason"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Salon B: another business, texting the same number.
async fn salon_b(app: &TestApp) -> TestApp {
    let other = TestApp {
        tenant: "salon-b".into(),
        ..app.clone()
    };
    other.seed_business().await;
    let settings =
        json!({"business_name": "Barbier B", "time_zone": "Europe/Paris", "default_locale": "fr"});
    assert_eq!(other.put("/v1/settings", settings).await.status, 200);
    other
}

#[tokio::test]
async fn a_stop_withdraws_that_salons_sms_to_the_number_and_not_another_salons() {
    let app = spawn_app(friday_before()).await;
    let (lea, id) = app.lea_booked_friday_10am().await;
    let sent = texts(&app).await;
    assert_eq!(sent.len(), 1, "the booking's SMS: {sent:?}");

    assert_eq!(reply(&app, LEA_PHONE, "Stop").await, "stopped");
    let sent = texts(&app).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        sent[1].contains("Vous ne recevrez plus de SMS de Salon Léa"),
        "{}",
        sent[1]
    );

    // Salon Léa moves the appointment: the e-mail goes, the SMS is withdrawn.
    let moved = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": "2026-03-28T11:00:00+01:00"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(texts(&app).await.len(), 2, "no SMS of Salon Léa after STOP");
    let history = app.communications(&lea).await;
    assert!(
        history
            .iter()
            .any(|e| e["channel"] == "sms" && e["reason"] == "sms_stopped"),
        "{history:#?}"
    );
    assert_eq!(replies_in(&history), ["stopped"]);

    // Salon B texts the same number: untouched by Salon Léa's STOP.
    let b = salon_b(&app).await;
    let theirs = b.create_lea().await;
    b.book(
        &theirs,
        "2026-03-27T15:00:00+01:00",
        "2026-03-27T15:45:00+01:00",
    )
    .await;
    let sent = texts(&app).await;
    assert_eq!(sent.len(), 3, "Salon B's confirmation goes: {sent:?}");

    // START goes to the last sender (Salon B), which had no stop: Salon Léa's stays.
    assert_eq!(reply(&app, LEA_PHONE, "START").await, "started");
    assert!(texts(&app).await[3].contains("Barbier B"));
}

#[tokio::test]
async fn start_gives_the_salon_its_sms_back_and_help_names_it() {
    let app = spawn_app(friday_before()).await;
    let (lea, id) = app.lea_booked_friday_10am().await;
    assert_eq!(reply(&app, LEA_PHONE, "arrêt").await, "stopped");
    assert_eq!(reply(&app, LEA_PHONE, "start").await, "started");
    let sent = texts(&app).await;
    assert!(
        sent.last()
            .is_some_and(|t| t.contains("Vous recevrez à nouveau les SMS de Salon Léa")),
        "{sent:?}"
    );
    let moved = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": "2026-03-28T11:00:00+01:00"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let before_help = texts(&app).await.len();
    assert_eq!(
        before_help, 4,
        "booking, stop, start answers and the move's SMS"
    );

    assert_eq!(reply(&app, LEA_PHONE, "AIDE").await, "help");
    let sent = texts(&app).await;
    assert!(
        sent[before_help].starts_with("Salon Léa : rappels de rendez-vous."),
        "{sent:?}"
    );
    assert_eq!(
        replies_in(&app.communications(&lea).await),
        ["stopped", "started", "help"]
    );
}

#[tokio::test]
async fn free_text_is_an_inbound_message_of_the_salon_and_a_reply_delivered_twice_is_one() {
    let app = spawn_app(friday_before()).await;
    let (lea, _) = app.lea_booked_friday_10am().await;
    let body = json!({"from": LEA_PHONE, "body": "Je serai 5 min en retard", "id": "in-1"});
    let first = app.post("/_local/sms-reply", body.clone()).await;
    assert_eq!(first.body["outcome"], "to_business", "{}", first.body);
    let again = app.post("/_local/sms-reply", body).await;
    assert_eq!(again.body["outcome"], "duplicate", "{}", again.body);
    let history = app.communications(&lea).await;
    assert_eq!(replies_in(&history), ["to_business"], "{history:#?}");
    // No keyword: nothing texted back by Rappel itself (the business's automatic reply
    // rules, off by default, decide).
    assert_eq!(texts(&app).await.len(), 1);
}

#[tokio::test]
async fn a_confirm_with_nothing_waiting_changes_nothing_and_says_so() {
    let app = spawn_app(friday_before()).await;
    let (lea, id) = app.lea_booked_friday_10am().await;
    assert_eq!(reply(&app, LEA_PHONE, "OUI").await, "nothing_to_answer");
    assert_eq!(reply(&app, LEA_PHONE, "annuler").await, "nothing_to_answer");
    let appointment = app.get(&format!("/v1/appointments/{id}")).await;
    assert_eq!(
        appointment.body["status"], "confirmed",
        "{}",
        appointment.body
    );
    let sent = texts(&app).await;
    assert!(
        sent.last()
            .is_some_and(|t| t.contains("Aucun rendez-vous n'attend de réponse")),
        "{sent:?}"
    );
    assert_eq!(
        replies_in(&app.communications(&lea).await),
        ["nothing_to_answer", "nothing_to_answer"]
    );
}

#[tokio::test]
async fn a_number_nobody_texted_changes_nothing_and_gets_no_answer() {
    let app = spawn_app(friday_before()).await;
    app.lea_booked_friday_10am().await;
    let before = app.outbox().await.len();
    assert_eq!(reply(&app, "+33698765432", "STOP").await, "unknown");
    assert_eq!(app.outbox().await.len(), before);
    let refused = app
        .post(
            "/_local/sms-reply",
            json!({"from": "06 12", "body": "STOP"}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
}
