//! Day one of an integrator: its future appointments imported without texting anyone — and
//! imported again, and again, without anything happening twice.

use chrono::{TimeZone, Utc};
use rappel_testkit::fixtures::{LEA_MAIL, friday_before};
use rappel_testkit::{CallsApi, Response, TestApp, spawn_app};
use serde_json::{Value, json};

fn lea() -> Value {
    json!({"id": "crm-lea", "name": "Léa Martin", "email": LEA_MAIL, "phone": "+33612345678"})
}

fn appointment(id: &str, day: u32, hour: u32) -> Value {
    json!({"id": id, "client_id": "crm-lea", "staff_id": "sam", "type_id": "cut",
           "start": format!("2026-03-{day}T{hour}:00:00+01:00"),
           "end": format!("2026-03-{day}T{hour}:45:00+01:00")})
}

async fn import(app: &TestApp, body: Value) -> Response {
    let answer = app.post("/v1/imports", body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer
}

fn outcomes(answer: &Response, list: &str) -> Vec<String> {
    answer.body[list]
        .as_array()
        .expect("a list of items")
        .iter()
        .map(|i| match i["code"].as_str() {
            Some(code) => format!("{}:{code}", i["outcome"].as_str().unwrap_or_default()),
            None => i["outcome"].as_str().unwrap_or_default().to_owned(),
        })
        .collect()
}

#[tokio::test]
async fn an_import_tells_nobody_and_plans_the_reminders_as_for_any_booking() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;

    let answer = import(
        &app,
        json!({"clients": [lea()],
               "appointments": [appointment("rdv-1", 27, 10), appointment("rdv-2", 30, 15)]}),
    )
    .await;
    app.stack.settle().await;

    assert_eq!(outcomes(&answer, "clients"), vec!["created"]);
    assert_eq!(
        outcomes(&answer, "appointments"),
        vec!["created", "created"]
    );
    assert_eq!(answer.body["counts"]["created"], 3);
    assert!(app.outbox().await.is_empty(), "no confirmation, no alert");
    let plan = app.get("/v1/appointments/rdv-1/notifications").await;
    let reminders: Vec<&Value> = plan.body["notifications"]
        .as_array()
        .expect("planned messages")
        .iter()
        .filter(|n| n["kind"] == "reminder" && n["status"] == "scheduled")
        .collect();
    assert!(!reminders.is_empty(), "{}", plan.body);
    app.advance_to("2026-03-26T09:00:00Z").await;
    let sent = app.sent_of_kind("reminder", LEA_MAIL).await;
    assert_eq!(sent.len(), 1, "the day-before reminder of rdv-1");
    assert!(app.sent_of_kind("confirmation", LEA_MAIL).await.is_empty());
}

#[tokio::test]
async fn the_same_import_again_changes_nothing_and_sends_nothing() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let body = json!({"clients": [lea()], "appointments": [appointment("rdv-1", 27, 10)]});
    import(&app, body.clone()).await;

    let again = import(&app, body).await;
    app.stack.settle().await;

    assert_eq!(outcomes(&again, "clients"), vec!["unchanged"]);
    assert_eq!(outcomes(&again, "appointments"), vec!["unchanged"]);
    assert_eq!(app.get("/v1/appointments/rdv-1").await.body["version"], 1);
    assert!(app.outbox().await.is_empty());
}

#[tokio::test]
async fn an_import_that_moves_a_booked_appointment_tells_nobody_of_the_move() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let put = app
        .put(
            "/v1/appointments/rdv-1",
            json!({"client_id": app.create_lea().await, "staff_id": "sam", "type_id": "cut",
                   "start": "2026-03-27T10:00:00+01:00", "end": "2026-03-27T10:45:00+01:00"}),
        )
        .await;
    assert_eq!(put.status, 201, "{}", put.body);
    app.stack.settle().await;
    let client = put.body["client_id"].as_str().unwrap().to_owned();
    let before = app.outbox().await.len();
    assert!(before > 0, "the booking was confirmed");

    let mut moved = appointment("rdv-1", 27, 14);
    moved["client_id"] = json!(client);
    let answer = import(&app, json!({"appointments": [moved]})).await;
    app.stack.settle().await;

    assert_eq!(outcomes(&answer, "appointments"), vec!["updated"]);
    assert_eq!(app.outbox().await.len(), before, "no notice, no alert");
    let now = app.get("/v1/appointments/rdv-1").await;
    assert_eq!(now.body["start"], "2026-03-27T14:00:00+01:00");
    assert_eq!(now.body["last_change"]["action"], "imported");
}

#[tokio::test]
async fn a_bad_item_is_refused_in_its_place_and_the_others_are_written() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let mut unknown_staff = appointment("rdv-2", 27, 11);
    unknown_staff["staff_id"] = json!("nobody");
    let past = appointment("rdv-3", 19, 10);
    let mut no_id = appointment("x", 27, 12);
    no_id.as_object_mut().unwrap().remove("id");

    let answer = import(
        &app,
        json!({
            "clients": [lea(), {"id": "crm-bad", "name": "Bad", "email": "not an address"}, {"name": "No id"}],
            "appointments": [appointment("rdv-1", 27, 10), unknown_staff, past,
                             appointment("rdv-1", 27, 16), no_id]
        }),
    )
    .await;

    assert_eq!(
        outcomes(&answer, "clients"),
        vec!["created", "refused:invalid_field", "refused:invalid_field"]
    );
    assert_eq!(
        outcomes(&answer, "appointments"),
        vec![
            "created",
            "refused:unknown_staff",
            "refused:start_in_past",
            "refused:duplicate_id",
            "refused:invalid_field"
        ]
    );
    assert_eq!(answer.body["clients"][1]["id"], "crm-bad");
    assert_eq!(app.get("/v1/clients/crm-bad").await.status, 404);
    assert_eq!(app.get("/v1/appointments/rdv-2").await.status, 404);
    assert_eq!(
        app.get("/v1/appointments/rdv-1").await.body["start"],
        "2026-03-27T10:00:00+01:00"
    );
}

#[tokio::test]
async fn an_import_asked_to_notify_announces_like_a_booking() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;

    import(
        &app,
        json!({"notify": true, "clients": [lea()], "appointments": [appointment("rdv-1", 27, 10)]}),
    )
    .await;
    app.stack.settle().await;

    assert_eq!(app.sent_of_kind("confirmation", LEA_MAIL).await.len(), 1);
}

#[tokio::test]
async fn an_import_of_more_than_a_thousand_items_is_refused_whole() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let clients: Vec<Value> = (0..1001)
        .map(|n| json!({"id": format!("c{n}"), "name": "X"}))
        .collect();

    let answer = app.post("/v1/imports", json!({"clients": clients})).await;

    assert_eq!(answer.status, 422, "{}", answer.body);
    assert_eq!(answer.body["error"]["code"], "too_many_items");
    assert_eq!(app.get("/v1/clients/c0").await.status, 404);
}

#[tokio::test]
async fn a_thousand_items_fit_in_one_import() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let clients: Vec<Value> = (0..100)
        .map(|n| json!({"id": format!("c{n}"), "name": "Client", "email": format!("c{n}@example.fr")}))
        .collect();
    let appointments: Vec<Value> = (0..900)
        .map(|n| {
            let start = Utc.with_ymd_and_hms(2026, 4, 1, 7, 0, 0).unwrap()
                + chrono::Duration::minutes(30 * n as i64);
            json!({"id": format!("a{n}"), "client_id": format!("c{}", n % 100),
                   "staff_id": "sam", "type_id": "cut",
                   "start": start.to_rfc3339(), "end": (start + chrono::Duration::minutes(30)).to_rfc3339()})
        })
        .collect();

    let answer = import(
        &app,
        json!({"clients": clients, "appointments": appointments}),
    )
    .await;
    app.stack.settle().await;

    assert_eq!(
        answer.body["counts"]["created"], 1000,
        "{}",
        answer.body["counts"]
    );
    assert!(app.outbox().await.is_empty());
}

/// The contract says every item is an object: a list holding anything else is a malformed
/// request, refused whole (nothing written), not an import with refused items.
/// (Found by Schemathesis' negative-data check.)
#[tokio::test]
async fn an_import_whose_list_holds_something_other_than_objects_is_refused_whole() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    for body in [
        json!({"clients": [lea(), 10000000.0]}),
        json!({"clients": [lea()], "appointments": ["rdv-1"]}),
    ] {
        let answer = app.post("/v1/imports", body.clone()).await;
        assert_eq!(answer.status, 422, "{body}: {answer:?}");
        assert_eq!(answer.body["error"]["code"], "invalid_body", "{answer:?}");
    }
    let clients = app.get("/v1/clients").await;
    assert_eq!(clients.body["clients"], json!([]), "nothing written");
}
