//! Waitlist and earlier-slot offers through the local stack's HTTP API: a cancellation frees
//! a slot, and the clients waiting for it hear of it — the right ones, in order, once.

use chrono::{TimeZone, Utc};
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

/// A Paris salon (Sam, "Coupe") where two clients hear of each freed slot.
async fn salon(offers: Value, quiet_hours: Value) -> TestApp {
    let app = spawn_app(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()).await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {"offers": offers, "quiet_hours": quiet_hours}
    });
    let r = app.put("/v1/settings", settings).await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.seed_catalog().await;
    app
}

async fn client(app: &TestApp, name: &str, contact: Value) -> String {
    let mut body = json!({"name": name});
    body.as_object_mut()
        .unwrap()
        .extend(contact.as_object().unwrap().clone());
    app.create_client(body).await
}

async fn wait_for_june(app: &TestApp, client: &str) -> Value {
    let r = app
        .post(
            "/v1/waitlist",
            json!({"client_id": client, "type_id": "cut", "from": "2026-06-08T00:00:00+02:00", "until": "2026-06-20T00:00:00+02:00", "days": ["wed", "thu"], "time_range": {"from": "09:00", "until": "12:00"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

/// Books `client` for the slot of these tests: Wednesday 10 June, 10:00–10:45 in Paris.
async fn book_wednesday_10am(app: &TestApp, client: &str) -> String {
    let booked = app
        .book(
            client,
            "2026-06-10T10:00:00+02:00",
            "2026-06-10T10:45:00+02:00",
        )
        .await;
    booked["id"].as_str().unwrap().to_owned()
}

async fn cancel_as_client(app: &TestApp, appointment: &str) {
    let r = app
        .post(
            &format!("/v1/appointments/{appointment}/cancel"),
            json!({"actor": "client"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

fn statuses(history: &[Value], kind: &str) -> Vec<(String, String, String)> {
    history
        .iter()
        .filter(|c| c["kind"] == kind)
        .map(|c| {
            (
                c["channel"].as_str().unwrap_or_default().to_owned(),
                c["status"].as_str().unwrap_or_default().to_owned(),
                c["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_cancellation_tells_the_waiting_clients_in_order_up_to_the_cap_once() {
    let app = salon(
        json!({"per_slot": 2, "booking_url": "https://salon.example/book?offer={token}"}),
        Value::Null,
    )
    .await;
    let ana = client(&app, "Ana", json!({"email": "ana@example.fr"})).await;
    let ben = client(&app, "Ben", json!({"email": "ben@example.fr"})).await;
    let cleo = client(&app, "Cleo", json!({"email": "cleo@example.fr"})).await;
    let zoe = client(&app, "Zoé", json!({"email": "zoe@example.fr"})).await;
    wait_for_june(&app, &ana).await;
    app.advance_to("2026-06-01T10:00:00Z").await;
    wait_for_june(&app, &ben).await;
    // Cleo holds a later cut and asked for an earlier one: third in line, beyond the cap.
    let later = app
        .post("/v1/appointments", json!({"client_id": cleo, "staff_id": "sam", "type_id": "cut", "start": "2026-06-25T10:00:00+02:00", "end": "2026-06-25T10:45:00+02:00", "earlier_slot_offers": true}))
        .await;
    assert_eq!(later.status, 201, "{}", later.body);
    assert_eq!(later.body["earlier_slot_offers"], true);
    // Zoé's Wednesday 10 June, 10:00, is the slot that frees up. She waits too: never told.
    let zoes_entry = wait_for_june(&app, &zoe).await;
    let zoes = book_wednesday_10am(&app, &zoe).await;

    cancel_as_client(&app, &zoes).await;

    let to_ana = app.sent_of_kind("slot_available", "ana@example.fr").await;
    let to_ben = app.sent_of_kind("slot_available", "ben@example.fr").await;
    assert_eq!((to_ana.len(), to_ben.len()), (1, 1));
    assert!(
        app.sent_of_kind("earlier_slot", "cleo@example.fr")
            .await
            .is_empty()
    );
    assert!(
        app.sent_of_kind("slot_available", "zoe@example.fr")
            .await
            .is_empty()
    );
    assert_eq!(
        to_ana[0]["subject"],
        "Une place s'est libérée le mercredi 10 juin 2026 à 10:00"
    );
    let link = to_ana[0]["text"].as_str().unwrap();
    assert!(
        link.contains("https://salon.example/book?offer=cl_"),
        "{link}"
    );
    // Oldest entry first: Ana's offer went out before Ben's.
    assert!(to_ana[0]["id"].as_str().unwrap() < to_ben[0]["id"].as_str().unwrap());

    // Zoé leaves the waitlist. Ben takes the slot, then cancels it: freed again, Ana is not
    // told a second time (and Ben, who freed it now, is not told of it either).
    let zoes_entry = zoes_entry["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&format!("/v1/waitlist/{zoes_entry}"))
            .await
            .status,
        204
    );
    app.advance_to("2026-06-02T10:00:00Z").await;
    let bens = book_wednesday_10am(&app, &ben).await;
    cancel_as_client(&app, &bens).await;
    assert_eq!(
        app.sent_of_kind("slot_available", "ana@example.fr")
            .await
            .len(),
        1
    );
    assert_eq!(
        app.sent_of_kind("slot_available", "ben@example.fr")
            .await
            .len(),
        1
    );
    // With room for one more, Cleo now hears of the earlier slot.
    let history = app.communications(&cleo).await;
    assert_eq!(
        statuses(&history, "earlier_slot"),
        vec![
            ("email".to_owned(), "sent".to_owned(), String::new()),
            (
                "sms".to_owned(),
                "suppressed".to_owned(),
                "no_phone".to_owned()
            ),
        ]
    );
    assert_eq!(
        app.sent_of_kind("earlier_slot", "cleo@example.fr").await[0]["subject"],
        "Un créneau plus tôt est disponible : le mercredi 10 juin 2026 à 10:00"
    );
}

#[tokio::test]
async fn an_offer_held_by_quiet_hours_is_stale_if_the_slot_is_rebooked_meanwhile() {
    let app = salon(json!({}), json!({"from": "21:00", "until": "08:00"})).await;
    let ana = client(&app, "Ana", json!({"phone": "+33611111111"})).await;
    let zoe = client(&app, "Zoé", json!({"email": "zoe@example.fr"})).await;
    let ben = client(&app, "Ben", json!({"email": "ben@example.fr"})).await;
    wait_for_june(&app, &ana).await;
    let zoes = book_wednesday_10am(&app, &zoe).await;
    // Cancelled at 22:30 in Paris: Ana's SMS waits for 08:00.
    app.advance_to("2026-06-05T20:30:00Z").await;
    cancel_as_client(&app, &zoes).await;
    assert!(
        app.sent_of_kind("slot_available", "+33611111111")
            .await
            .is_empty()
    );
    // Ben books the slot at 23:00; at 08:00 the held offer is recorded stale, not sent.
    app.advance_to("2026-06-05T21:00:00Z").await;
    book_wednesday_10am(&app, &ben).await;
    app.advance_to("2026-06-06T07:00:00Z").await;
    assert!(
        app.sent_of_kind("slot_available", "+33611111111")
            .await
            .is_empty()
    );
    let history = app.communications(&ana).await;
    assert_eq!(
        statuses(&history, "slot_available"),
        vec![
            // Ana has no e-mail: that leg is recorded, suppressed.
            (
                "email".to_owned(),
                "suppressed".to_owned(),
                "no_email".to_owned()
            ),
            (
                "sms".to_owned(),
                "stale".to_owned(),
                "slot_taken".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn a_waitlist_entry_can_be_read_listed_and_removed() {
    let app = salon(json!({}), Value::Null).await;
    let ana = client(&app, "Ana", json!({"email": "ana@example.fr"})).await;
    let entry = wait_for_june(&app, &ana).await;
    let id = entry["id"].as_str().unwrap();
    assert_eq!(entry["status"], "waiting");
    assert_eq!(entry["time_zone"], "Europe/Paris");
    assert_eq!(app.get(&format!("/v1/waitlist/{id}")).await.status, 200);
    let listed = app.get(&format!("/v1/clients/{ana}/waitlist")).await.body;
    assert_eq!(listed["entries"].as_array().map(Vec::len), Some(1));
    assert_eq!(app.delete(&format!("/v1/waitlist/{id}")).await.status, 204);
    assert_eq!(app.get(&format!("/v1/waitlist/{id}")).await.status, 404);
    let listed = app.get(&format!("/v1/clients/{ana}/waitlist")).await.body;
    assert_eq!(listed["entries"].as_array().map(Vec::len), Some(0));
    // Nonsense is refused with the field or the reason.
    for (body, what) in [
        (
            json!({"client_id": ana, "type_id": "cut", "from": "2026-06-20T00:00:00Z", "until": "2026-06-08T00:00:00Z"}),
            "until",
        ),
        (
            json!({"client_id": ana, "type_id": "nope", "from": "2026-06-08T00:00:00Z", "until": "2026-06-20T00:00:00Z"}),
            "type_id",
        ),
        (
            json!({"client_id": ana, "type_id": "cut", "from": "2026-06-08T00:00:00Z", "until": "2026-06-20T00:00:00Z", "days": ["someday"]}),
            "days",
        ),
    ] {
        let r = app.post("/v1/waitlist", body.clone()).await;
        assert_eq!(r.status, 422, "{body} → {}", r.body);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(what),
            "{}",
            r.body
        );
    }
}
