//! E-mail feedback through the local stack: a permanent bounce stops e-mail to that address
//! (recorded, not silent) while SMS goes on; a new address resumes delivery; a complaint stops
//! it too; a transient bounce changes nothing.

use rappel_testkit::fixtures::{LEA_MAIL, LEA_PHONE, friday_before};
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

async fn report(app: &TestApp, address: &str, kind: &str) -> Value {
    let answer = app
        .post("/_local/bounce", json!({"address": address, "kind": kind}))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body
}

async fn move_to(app: &TestApp, id: &str, start: &str) {
    let moved = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": start, "actor": "client"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
}

#[tokio::test]
async fn a_bounced_address_stops_receiving_email_until_it_changes() {
    let app = spawn_app(friday_before()).await;
    let (lea, id) = app.lea_booked_friday_10am().await;
    assert_eq!(app.sent_to(LEA_MAIL).await.len(), 1, "the confirmation");

    assert_eq!(
        report(&app, LEA_MAIL, "permanent").await["outcome"],
        "marked"
    );
    move_to(&app, &id, "2026-03-27T11:00:00+01:00").await;
    assert_eq!(
        app.sent_to(LEA_MAIL).await.len(),
        1,
        "no e-mail to a dead address"
    );
    assert_eq!(app.sent_to(LEA_PHONE).await.len(), 2, "the SMS still goes");
    let history = app.communications(&lea).await;
    assert!(!history.is_empty());
    assert!(
        history.iter().any(|c| c["status"] == "bounced"),
        "the bounce is in the history: {history:#?}"
    );
    assert!(
        history.iter().any(|c| c["kind"] == "rescheduled"
            && c["channel"] == "email"
            && c["status"] == "suppressed"
            && c["reason"] == "email_bounced"),
        "{history:#?}"
    );

    // A new address: delivery resumes.
    let changed = app
        .patch(
            &format!("/v1/clients/{lea}"),
            json!({"email": "lea.martin@example.fr"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    move_to(&app, &id, "2026-03-27T12:00:00+01:00").await;
    assert_eq!(app.sent_to("lea.martin@example.fr").await.len(), 1);
}

#[tokio::test]
async fn an_address_that_bounced_stays_refused_for_a_new_client_of_the_business_only() {
    let app = spawn_app(friday_before()).await;
    app.lea_booked_friday_10am().await;
    assert_eq!(
        report(&app, LEA_MAIL, "permanent").await["outcome"],
        "marked"
    );

    // The business files the same address again under another client: still dead.
    let again = app
        .create_client(json!({"name": "L. Martin", "email": LEA_MAIL}))
        .await;
    app.book(
        &again,
        "2026-03-27T14:00:00+01:00",
        "2026-03-27T14:45:00+01:00",
    )
    .await;
    assert_eq!(
        app.sent_to(LEA_MAIL).await.len(),
        1,
        "only the first confirmation"
    );
    let history = app.communications(&again).await;
    assert!(!history.is_empty());
    assert!(
        history
            .iter()
            .any(|c| c["status"] == "suppressed" && c["reason"] == "email_bounced"),
        "{history:#?}"
    );

    // Another business never learnt of it: its e-mail goes.
    let other = "salon-b";
    let settings =
        json!({"business_name": "Salon B", "time_zone": "Europe/Paris", "default_locale": "fr"});
    assert_eq!(
        app.call_as(other, "PUT", "/v1/settings", Some(settings))
            .await
            .status,
        200
    );
    let created = app
        .call_as(
            other,
            "POST",
            "/v1/clients",
            Some(json!({"name": "Léa", "email": LEA_MAIL})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let client = created.body["id"].as_str().expect("an id");
    let types = app
        .call_as(
            other,
            "PUT",
            "/v1/appointment-types/cut",
            Some(json!({"name": "Coupe"})),
        )
        .await;
    assert!(types.status < 300, "{}", types.body);
    let staff = app
        .call_as(other, "PUT", "/v1/staff/kim", Some(json!({"name": "Kim"})))
        .await;
    assert!(staff.status < 300, "{}", staff.body);
    let booked = app
        .call_as(
            other,
            "POST",
            "/v1/appointments",
            Some(
                json!({"client_id": client, "staff_id": "kim", "type_id": "cut",
                        "start": "2026-03-27T15:00:00+01:00", "end": "2026-03-27T15:45:00+01:00"}),
            ),
        )
        .await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    assert_eq!(
        app.sent_to(LEA_MAIL).await.len(),
        2,
        "salon B's confirmation"
    );
}

#[tokio::test]
async fn a_complaint_stops_email_and_a_transient_bounce_does_not() {
    let app = spawn_app(friday_before()).await;
    let (lea, id) = app.lea_booked_friday_10am().await;

    assert_eq!(
        report(&app, LEA_MAIL, "transient").await["outcome"],
        "transient"
    );
    move_to(&app, &id, "2026-03-27T11:00:00+01:00").await;
    assert_eq!(
        app.sent_to(LEA_MAIL).await.len(),
        2,
        "a full mailbox is not dead"
    );

    assert_eq!(
        report(&app, LEA_MAIL, "complaint").await["outcome"],
        "marked"
    );
    move_to(&app, &id, "2026-03-27T12:00:00+01:00").await;
    assert_eq!(app.sent_to(LEA_MAIL).await.len(), 2);
    let history = app.communications(&lea).await;
    assert!(history.iter().any(|c| c["status"] == "complained"));
    assert!(
        history
            .iter()
            .any(|c| c["reason"] == "email_complaint" && c["status"] == "suppressed")
    );
    let unknown = app
        .post(
            "/_local/bounce",
            json!({"address": "nobody@example.fr", "kind": "permanent"}),
        )
        .await;
    assert_eq!(unknown.status, 404);
}

/// The planned e-mail reminder of an appointment, as its notifications list it.
async fn email_reminder(app: &TestApp, appointment: &str) -> Value {
    let listed = app
        .get(&format!("/v1/appointments/{appointment}/notifications"))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    listed.body["notifications"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|n| n["kind"] == "reminder" && n["channel"] == "email")
        .cloned()
        .expect("an e-mail reminder is planned")
}

/// The key of the history entry with `status` of the e-mail reminder.
fn reminder_key(history: &[Value], status: &str) -> Option<String> {
    history
        .iter()
        .find(|c| c["kind"] == "reminder" && c["channel"] == "email" && c["status"] == status)
        .and_then(|c| c["message_key"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn a_delivery_then_a_complaint_are_recorded_against_the_reminder_they_are_about() {
    let app = spawn_app(friday_before()).await;
    let (lea, id) = app.lea_booked_friday_10am().await;
    app.advance_to("2026-03-26T10:00:00Z").await;
    assert_eq!(email_reminder(&app, &id).await["status"], "sent");

    assert_eq!(
        report(&app, LEA_MAIL, "delivery").await["outcome"],
        "recorded"
    );
    assert_eq!(email_reminder(&app, &id).await["status"], "delivered");
    let history = app.communications(&lea).await;
    let sent = reminder_key(&history, "sent").expect("the reminder was sent");
    assert_eq!(
        reminder_key(&history, "delivered"),
        Some(sent.clone()),
        "the delivery is the reminder's own entry: {history:#?}"
    );

    assert_eq!(
        report(&app, LEA_MAIL, "complaint").await["outcome"],
        "marked"
    );
    assert_eq!(email_reminder(&app, &id).await["status"], "complained");
    // A delivery reported after the complaint it led to does not undo it.
    report(&app, LEA_MAIL, "delivery").await;
    assert_eq!(email_reminder(&app, &id).await["status"], "complained");
    let history = app.communications(&lea).await;
    assert_eq!(reminder_key(&history, "complained"), Some(sent.clone()));

    let events = app.get("/_local/events").await.body["events"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!events.is_empty());
    for kind in ["message.delivered", "message.complained"] {
        let event = events
            .iter()
            .find(|e| e["type"] == kind)
            .unwrap_or_else(|| panic!("a {kind} event in {events:#?}"));
        assert_eq!(
            event["message"]["key"].as_str(),
            Some(sent.as_str()),
            "{kind} names the message it is about"
        );
        assert_eq!(
            event["subject"],
            json!({"type": "appointment", "id": id}),
            "{event}"
        );
    }
}

#[tokio::test]
async fn a_delayed_delivery_is_recorded_and_changes_nothing_else() {
    let app = spawn_app(friday_before()).await;
    let (lea, id) = app.lea_booked_friday_10am().await;
    app.advance_to("2026-03-26T10:00:00Z").await;
    assert_eq!(report(&app, LEA_MAIL, "delay").await["outcome"], "recorded");
    assert_eq!(email_reminder(&app, &id).await["status"], "sent");
    let history = app.communications(&lea).await;
    assert_eq!(
        reminder_key(&history, "delivery_delayed"),
        reminder_key(&history, "sent")
    );
    let before = app.sent_to(LEA_MAIL).await.len();
    move_to(&app, &id, "2026-03-27T11:00:00+01:00").await;
    assert!(
        app.sent_to(LEA_MAIL).await.len() > before,
        "the address is not marked: the move's notice goes"
    );
}
