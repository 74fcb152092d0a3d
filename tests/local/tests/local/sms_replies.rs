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

/// Salon Léa's reminders: the day before, by e-mail and SMS, asking for a confirmation; and
/// 3 hours before, by SMS, only while the client has not answered. Sam's digest at 07:00.
async fn asking_reminders(app: &TestApp) {
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "reply_address": "accueil@salon-lea.fr",
        "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}],
        "notifications": {
            "reminders": [
                {"offset": "24h", "email": true, "sms": true, "ask_confirmation": true},
                {"offset": "3h", "sms": true, "only_if_unanswered": true}
            ],
            "digest": {"staff": true, "managers": false, "when": "same_day", "at": "07:00", "email": true}
        }
    });
    let saved = app.put("/v1/settings", settings).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
}

/// The text of Sam's latest digest.
async fn sam_digest(app: &TestApp) -> String {
    let digests = app.sent_of_kind("staff_digest", "sam@salon-lea.fr").await;
    let latest = digests.last().expect("Sam's digest");
    latest["text"].as_str().unwrap_or_default().to_owned()
}

async fn confirmation_of(app: &TestApp, id: &str) -> Value {
    app.get(&format!("/v1/appointments/{id}")).await.body["client_confirmation"].clone()
}

/// The salon, asking, and Léa as its client (her id).
async fn salon_asking_and_lea() -> (TestApp, String) {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    asking_reminders(&app).await;
    let lea = app.create_lea().await;
    (app, lea)
}

/// Léa booked Friday 27 March 10:00 (Paris), the salon asking; the clock on Thursday 10:00,
/// when the day-before reminder went.
async fn asked_the_day_before() -> (TestApp, String, String) {
    let (app, lea) = salon_asking_and_lea().await;
    let booked = app
        .book(
            &lea,
            "2026-03-27T10:00:00+01:00",
            "2026-03-27T10:45:00+01:00",
        )
        .await;
    let id = booked["id"].as_str().expect("an id").to_owned();
    app.advance_to("2026-03-26T10:00:00+01:00").await;
    (app, lea, id)
}

#[tokio::test]
async fn a_reminder_asks_and_oui_confirms_once_even_sent_twice() {
    let (app, lea, id) = asked_the_day_before().await;
    let reminder = app.sent_of_kind("reminder", LEA_PHONE).await;
    assert_eq!(reminder.len(), 1, "{reminder:#?}");
    let text = reminder[0]["text"].as_str().unwrap_or_default();
    assert!(
        text.ends_with("Répondez OUI pour confirmer, ANNULER pour annuler."),
        "{text}"
    );
    let asked = confirmation_of(&app, &id).await;
    assert_eq!(asked["state"], "requested", "{asked}");
    assert_eq!(asked["by"], "sms_reply", "{asked}");
    let version = app.get(&format!("/v1/appointments/{id}")).await.body["version"].clone();

    assert_eq!(reply(&app, LEA_PHONE, "Oui !").await, "confirmed");
    let confirmed = app.get(&format!("/v1/appointments/{id}")).await.body;
    assert_eq!(
        confirmed["client_confirmation"]["state"], "confirmed",
        "{confirmed}"
    );
    assert_eq!(confirmed["client_confirmation"]["by"], "sms_reply");
    assert_eq!(confirmed["status"], "confirmed");
    assert_eq!(confirmed["version"], version.as_u64().unwrap() + 1);

    // Sent again: answered again, confirmed once.
    assert_eq!(reply(&app, LEA_PHONE, "OUI").await, "confirmed");
    let again = app.get(&format!("/v1/appointments/{id}")).await.body;
    assert_eq!(
        again["version"], confirmed["version"],
        "a second OUI writes nothing"
    );
    let answers: Vec<String> = texts(&app)
        .await
        .into_iter()
        .filter(|t| t.starts_with("Merci !"))
        .collect();
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert!(answers[0].starts_with("Merci ! Votre rendez-vous du vendredi 27 mars 2026 à 10:00 chez Salon Léa est confirmé."), "{}", answers[0]);

    // The "no answer yet" reminder is withdrawn: nothing at 7:00. Sam's digest says it.
    app.advance_to("2026-03-27T07:30:00+01:00").await;
    assert_eq!(app.sent_of_kind("reminder", LEA_PHONE).await.len(), 1);
    assert!(
        sam_digest(&app)
            .await
            .contains("Léa Martin · Coupe (présence confirmée)")
    );
    assert_eq!(
        replies_in(&app.communications(&lea).await),
        ["confirmed", "confirmed"]
    );
}

#[tokio::test]
async fn without_an_answer_the_no_answer_yet_reminder_goes() {
    let (app, _, id) = asked_the_day_before().await;
    app.advance_to("2026-03-27T07:30:00+01:00").await;
    let reminders = app.sent_of_kind("reminder", LEA_PHONE).await;
    assert_eq!(reminders.len(), 2, "{reminders:#?}");
    assert_eq!(confirmation_of(&app, &id).await["state"], "requested");
    assert!(
        sam_digest(&app)
            .await
            .contains("Léa Martin · Coupe (sans réponse)")
    );
}

/// What a cancel sent, as (to, kind, channel), the answer to the reply left out.
async fn sent_after(app: &TestApp, before: usize) -> Vec<(String, String, String)> {
    let mut sent: Vec<(String, String, String)> = app
        .outbox()
        .await
        .into_iter()
        .skip(before)
        .map(|m| {
            let kind = m["tags"]
                .as_array()
                .and_then(|tags| tags.iter().find(|t| t[0] == "rappel-kind"))
                .map(|t| t[1].as_str().unwrap_or_default().to_owned())
                .unwrap_or_default();
            let channel = if m["subject"].is_string() {
                "email"
            } else {
                "sms"
            };
            (
                m["to"].as_str().unwrap_or_default().to_owned(),
                kind,
                channel.to_owned(),
            )
        })
        .filter(|(_, kind, _)| kind != "auto_reply")
        .collect();
    sent.sort();
    sent
}

#[tokio::test]
async fn annuler_cancels_with_the_same_messages_as_the_link() {
    let (by_reply, lea, id) = asked_the_day_before().await;
    let before = by_reply.outbox().await.len();
    assert_eq!(reply(&by_reply, LEA_PHONE, "ANNULER").await, "cancelled");
    let cancelled = by_reply.get(&format!("/v1/appointments/{id}")).await.body;
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    assert_eq!(cancelled["client_confirmation"]["state"], "declined");
    assert_eq!(cancelled["client_confirmation"]["by"], "sms_reply");
    let after_reply = sent_after(&by_reply, before).await;
    assert!(!after_reply.is_empty());
    let history = by_reply.communications(&lea).await;
    assert!(
        history
            .iter()
            .any(|e| e["status"] == "cancelled_by_client" && e["reason"] == "sms_reply"),
        "{history:#?}"
    );

    let (by_link, _, id) = asked_the_day_before().await;
    let link = by_link
        .sent_to(rappel_testkit::fixtures::LEA_MAIL)
        .await
        .iter()
        .rev()
        .filter_map(|m| m["text"].as_str())
        .flat_map(str::split_whitespace)
        .find(|w| w.contains("/cancel?exp="))
        .expect("a cancel link")
        .to_owned();
    let before = by_link.outbox().await.len();
    let pressed = reqwest::Client::new()
        .post(&link)
        .send()
        .await
        .expect("the stack answers");
    assert_eq!(pressed.status(), 200);
    assert_eq!(
        by_link.get(&format!("/v1/appointments/{id}")).await.body["status"],
        "cancelled"
    );
    assert_eq!(after_reply, sent_after(&by_link, before).await);
    let answer = texts(&by_reply).await;
    assert!(
        answer.iter().any(|t| t.contains("est annulé")),
        "the reply is answered: {answer:?}"
    );
}

#[tokio::test]
async fn two_appointments_waiting_earn_a_question_and_change_nothing() {
    let (app, lea) = salon_asking_and_lea().await;
    let first = app
        .book(
            &lea,
            "2026-03-27T10:00:00+01:00",
            "2026-03-27T10:45:00+01:00",
        )
        .await["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let second = app
        .book(
            &lea,
            "2026-03-27T15:00:00+01:00",
            "2026-03-27T15:45:00+01:00",
        )
        .await["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    app.advance_to("2026-03-26T15:00:00+01:00").await;
    assert_eq!(app.sent_of_kind("reminder", LEA_PHONE).await.len(), 2);

    assert_eq!(reply(&app, LEA_PHONE, "annuler").await, "clarified");
    for id in [&first, &second] {
        let a = app.get(&format!("/v1/appointments/{id}")).await.body;
        assert_eq!(a["status"], "confirmed", "{a}");
        assert_eq!(a["client_confirmation"]["state"], "requested", "{a}");
    }
    let question = texts(&app).await.pop().unwrap_or_default();
    assert!(
        question.contains("Plusieurs rendez-vous attendent votre réponse"),
        "{question}"
    );
    assert!(
        question.contains("10:00") && question.contains("15:00"),
        "{question}"
    );
}

#[tokio::test]
async fn the_e_mail_asks_with_a_confirm_link_that_only_its_button_follows() {
    let (app, _, id) = asked_the_day_before().await;
    let mail = app
        .sent_of_kind("reminder", rappel_testkit::fixtures::LEA_MAIL)
        .await;
    assert_eq!(mail.len(), 1, "{mail:#?}");
    let link = mail[0]["text"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .find(|w| w.contains("/confirm?exp="))
        .expect("a confirm link")
        .to_owned();
    let shown = reqwest::Client::new()
        .get(&link)
        .send()
        .await
        .expect("the stack answers");
    assert_eq!(shown.status(), 200);
    assert_eq!(
        confirmation_of(&app, &id).await["state"],
        "requested",
        "a GET confirms nothing"
    );
    let pressed = reqwest::Client::new()
        .post(&link)
        .send()
        .await
        .expect("the stack answers");
    assert_eq!(pressed.status(), 200);
    let confirmed = confirmation_of(&app, &id).await;
    assert_eq!(confirmed["state"], "confirmed", "{confirmed}");
    assert_eq!(confirmed["by"], "link", "{confirmed}");
}

#[tokio::test]
async fn the_inbox_form_takes_a_text_and_shows_what_it_did() {
    let app = spawn_app(friday_before()).await;
    app.lea_booked_friday_10am().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let sent = client
        .post(format!("{}/_local/ui/sms-reply", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("from=%2B33+6+12+34+56+78&body=stop")
        .send()
        .await
        .expect("the stack answers");
    assert_eq!(sent.status(), 303);
    assert_eq!(sent.headers()["location"], "/?reply=stopped");
    let page = client
        .get(format!("{}/?reply=stopped", app.base))
        .send()
        .await
        .expect("the stack answers")
        .text()
        .await
        .expect("a page");
    assert!(
        page.contains("The last reply: <span class=\"tag\">stopped</span>"),
        "{page}"
    );
    assert!(page.contains("+33199001234"), "the two-way number is named");
    let sent = texts(&app).await;
    assert!(
        sent.last()
            .is_some_and(|t| t.contains("Vous ne recevrez plus")),
        "{sent:?}"
    );
    // Nothing but an outcome's name is shown back.
    let page = client
        .get(format!("{}/?reply=%3Cscript%3E", app.base))
        .send()
        .await
        .expect("the stack answers")
        .text()
        .await
        .expect("a page");
    assert!(!page.contains("The last reply"));
}

#[tokio::test]
async fn a_text_from_a_staff_members_phone_is_filed_under_no_client() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let sam_phone = "+33698765432";
    let sam = app
        .put(
            "/v1/staff/sam",
            json!({"name": "Sam", "email": "sam@salon-lea.fr", "phone": sam_phone}),
        )
        .await;
    assert_eq!(sam.status, 200, "{}", sam.body);
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {"staff_alerts": {"new_booking": {"client_made": {"sms": true}}}}
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    let lea = app.create_lea().await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    assert_eq!(app.sent_to(sam_phone).await.len(), 1, "Sam's alert by SMS");

    assert_eq!(reply(&app, sam_phone, "Bien reçu").await, "unknown");
    assert!(replies_in(&app.communications(&lea).await).is_empty());
}
