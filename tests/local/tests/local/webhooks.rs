//! Webhooks on the local stack, received by an independent verifier: `infra/webhook-receiver.py`
//! checks every request with the Standard Webhooks reference library (`standardwebhooks`, from
//! PyPI, pinned). Every transition of a life cycle arrives once per id; an endpoint down for a
//! while, or refusing requests now and then, loses nothing; a rotated secret keeps verifying.

use rappel_testkit::fixtures::friday_before;
use rappel_testkit::webhook_receiver::{Receiver, accepted_ids};
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};
use std::collections::HashSet;

async fn register(app: &TestApp, receiver: &Receiver) -> Value {
    let created = app
        .post("/v1/webhooks", json!({"url": receiver.url()}))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let secret = created.body["secret"].as_str().expect("the secret, once");
    receiver
        .control("/_secrets", json!({"secrets": [secret]}))
        .await;
    created.body
}

/// Every event of the business, from the API.
async fn events(app: &TestApp) -> Vec<Value> {
    app.get("/_local/events").await.body["events"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn every_transition_of_a_life_cycle_arrives_once_verified_by_the_reference_library() {
    let receiver = Receiver::start();
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    register(&app, &receiver).await;
    let (_, appointment) = {
        let lea = app.create_lea().await;
        let booked = app
            .book(
                &lea,
                "2026-03-27T10:00:00+01:00",
                "2026-03-27T10:45:00+01:00",
            )
            .await;
        (lea, booked["id"].as_str().expect("an id").to_owned())
    };
    let moved = app
        .patch(
            &format!("/v1/appointments/{appointment}"),
            json!({"start": "2026-03-27T11:00:00+01:00", "end": "2026-03-27T11:45:00+01:00"}),
        )
        .await;
    assert_eq!(moved.status, 200);
    app.advance_to("2026-03-26T12:00:00Z").await;
    let cancelled = app
        .post(&format!("/v1/appointments/{appointment}/cancel"), json!({}))
        .await;
    assert_eq!(cancelled.status, 200);

    let all = events(&app).await;
    assert!(!all.is_empty());
    let received = receiver.received().await;
    assert_eq!(received["unverified"], 0, "{received}");
    let ids = accepted_ids(&received);
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "each id once");
    let expected: Vec<String> = all
        .iter()
        .filter_map(|e| e["id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(ids, expected, "every event, in the stream's order");
    let types: HashSet<&str> = received["accepted"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["type"].as_str())
        .collect();
    for wanted in [
        "message.planned",
        "message.replanned",
        "message.sent",
        "message.withdrawn",
    ] {
        assert!(types.contains(wanted), "{wanted}: {types:?}");
    }
}

#[tokio::test]
async fn an_endpoint_down_for_a_while_or_refusing_now_and_then_loses_nothing() {
    let receiver = Receiver::start();
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let endpoint = register(&app, &receiver).await;
    receiver.control("/_mode", json!({"down": true})).await;
    let lea = app.create_lea().await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    let listed = app.get("/v1/webhooks").await;
    let state = &listed.body["endpoints"][0];
    assert_eq!(state["id"], endpoint["id"]);
    assert_eq!(state["state"], "failing", "{}", listed.body);
    assert!(state["secret"].is_null(), "never shown again");
    assert!(accepted_ids(&receiver.received().await).is_empty());

    // Back after six hours, refusing one request in three for a while.
    receiver
        .control("/_mode", json!({"down": false, "fail": 3}))
        .await;
    app.advance_to("2026-03-20T15:00:00Z").await;
    receiver
        .control("/_mode", json!({"down": false, "fail": 2}))
        .await;
    app.advance_to("2026-03-21T09:00:00Z").await;

    let received = receiver.received().await;
    assert!(received["refused"].as_u64().unwrap_or(0) > 0);
    let ids = accepted_ids(&received);
    let expected: Vec<String> = events(&app)
        .await
        .iter()
        .filter_map(|e| e["id"].as_str().map(str::to_owned))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ids, expected, "nothing lost, in order");
    let listed = app.get("/v1/webhooks").await;
    assert_eq!(listed.body["endpoints"][0]["state"], "active");
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_old_one_so_either_verifies() {
    let receiver = Receiver::start();
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let endpoint = register(&app, &receiver).await;
    let id = endpoint["id"].as_str().expect("an id");
    let rotated = app
        .post(&format!("/v1/webhooks/{id}/rotate-secret"), json!({}))
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    assert_ne!(rotated.body["secret"], endpoint["secret"]);
    // The receiver still holds only the old secret: requests verify all the same.
    app.lea_booked_friday_10am().await;
    let received = receiver.received().await;
    assert_eq!(received["unverified"], 0);
    assert!(!accepted_ids(&received).is_empty());
    // Only the new one now.
    receiver
        .control("/_secrets", json!({"secrets": [rotated.body["secret"]]}))
        .await;
    let before = accepted_ids(&received).len();
    let bob = app
        .create_client(json!({"name": "Bob", "email": "bob@example.fr"}))
        .await;
    app.book(
        &bob,
        "2026-03-27T12:00:00+01:00",
        "2026-03-27T12:45:00+01:00",
    )
    .await;
    let received = receiver.received().await;
    assert_eq!(received["unverified"], 0, "{received}");
    assert!(accepted_ids(&received).len() > before);
    assert_eq!(app.delete(&format!("/v1/webhooks/{id}")).await.status, 204);
    assert_eq!(app.delete(&format!("/v1/webhooks/{id}")).await.status, 404);
}

#[tokio::test]
async fn an_endpoint_down_for_days_is_disabled_then_enabled_again_gets_what_it_missed() {
    let receiver = Receiver::start();
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let endpoint = register(&app, &receiver).await;
    let id = endpoint["id"].as_str().expect("an id");
    receiver.control("/_mode", json!({"down": true})).await;
    app.lea_booked_friday_10am().await;
    app.advance_to("2026-03-26T09:00:00Z").await;
    let listed = app.get("/v1/webhooks").await;
    assert_eq!(
        listed.body["endpoints"][0]["state"], "disabled",
        "{}",
        listed.body
    );
    let all = events(&app).await;
    assert!(
        all.iter()
            .any(|e| e["type"] == "webhook.disabled" && e["webhook"]["id"] == id),
        "a webhook.disabled event says which: {all:#?}"
    );

    receiver.control("/_mode", json!({"down": false})).await;
    let enabled = app
        .post(&format!("/v1/webhooks/{id}/enable"), json!({}))
        .await;
    assert_eq!(enabled.status, 200, "{}", enabled.body);
    assert_eq!(enabled.body["state"], "active");
    app.advance_to("2026-03-26T09:00:10Z").await;
    let expected: Vec<String> = events(&app)
        .await
        .iter()
        .filter_map(|e| e["id"].as_str().map(str::to_owned))
        .collect();
    assert!(!expected.is_empty());
    let received = receiver.received().await;
    assert_eq!(received["unverified"], 0);
    assert_eq!(
        accepted_ids(&received),
        expected,
        "what it missed, in order"
    );
}
