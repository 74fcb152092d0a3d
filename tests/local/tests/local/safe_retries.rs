//! An integrator's HTTP client retries: after a timeout, a dropped connection, a 503. With an
//! `Idempotency-Key`, a `POST` asked again answers the first answer and does nothing more; a
//! `PUT` under the integrator's own id is safe to repeat by itself.

use chrono::Utc;
use rappel_core::model::TenantId;
use rappel_ports::idempotency::{IdempotencyError, IdempotencyKeys, KeptAnswer, KeyClaim};
use rappel_testkit::fault_proxy::{Fault, FaultPlan, FaultProxy};
use rappel_testkit::fixtures::{LEA_MAIL, friday_before};
use rappel_testkit::{CallsApi, Response, TestApp, spawn_app};
use serde_json::{Value, json};

fn booking(client: &str) -> Value {
    json!({"client_id": client, "staff_id": "sam", "type_id": "cut",
           "start": "2026-03-27T10:00:00+01:00", "end": "2026-03-27T10:45:00+01:00"})
}

/// `POST path` with an idempotency key, to `base` (the stack, or a proxy in front of it);
/// `None` when the connection closed before an answer.
async fn post_with_key(
    app: &TestApp,
    base: &str,
    path: &str,
    key: &str,
    body: &Value,
) -> Option<(Response, Option<String>)> {
    let sent = app
        .http
        .post(format!("{base}{path}"))
        .header("x-tenant-id", &app.tenant)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .ok()?;
    let replayed = sent
        .headers()
        .get("idempotent-replayed")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let status = sent.status().as_u16();
    let text = sent.text().await.ok()?;
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Some((Response { status, body }, replayed))
}

/// Sam's appointments on Friday 27 March.
async fn sams_friday(app: &TestApp) -> Vec<Value> {
    let agenda = app.get("/v1/staff/sam/appointments?date=2026-03-27").await;
    assert_eq!(agenda.status, 200, "{}", agenda.body);
    agenda.body["appointments"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_booking_retried_after_its_answer_was_lost_books_once_and_confirms_once() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    // The write lands, then the connection closes before the answer: what a timeout looks like.
    let proxy = FaultProxy::start(&app.base, FaultPlan::first(1, Fault::AnswerLost, &[])).await;

    let lost = post_with_key(
        &app,
        &proxy.url,
        "/v1/appointments",
        "book-1",
        &booking(&lea),
    )
    .await;
    assert!(lost.is_none(), "the first answer is lost: {lost:?}");
    let (retried, replayed) = post_with_key(
        &app,
        &proxy.url,
        "/v1/appointments",
        "book-1",
        &booking(&lea),
    )
    .await
    .expect("the retry is answered");

    assert_eq!(retried.status, 201, "{}", retried.body);
    let booked = sams_friday(&app).await;
    assert_eq!(booked.len(), 1, "one appointment: {booked:?}");
    assert_eq!(booked[0]["id"], retried.body["id"]);
    app.stack.settle().await;
    assert_eq!(app.sent_of_kind("confirmation", LEA_MAIL).await.len(), 1);
    assert_eq!(replayed.as_deref(), Some("true"));
}

#[tokio::test]
async fn the_same_key_with_the_same_body_answers_the_first_answer_again() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let body = json!({"name": "Léa Martin", "email": LEA_MAIL});

    let (first, replayed_first) = post_with_key(&app, &app.base, "/v1/clients", "cl-1", &body)
        .await
        .expect("answered");
    let (again, replayed_again) = post_with_key(&app, &app.base, "/v1/clients", "cl-1", &body)
        .await
        .expect("answered");

    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(replayed_first, None);
    assert_eq!((again.status, &again.body), (201, &first.body));
    assert_eq!(replayed_again.as_deref(), Some("true"));
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = json!({"name": "Léa Martin", "email": LEA_MAIL});
    let tom = json!({"name": "Tom Petit", "email": "tom@example.fr"});

    post_with_key(&app, &app.base, "/v1/clients", "cl-1", &lea).await;
    let (reused, _) = post_with_key(&app, &app.base, "/v1/clients", "cl-1", &tom)
        .await
        .expect("answered");

    assert_eq!(reused.status, 422, "{}", reused.body);
    assert_eq!(reused.body["error"]["code"], "idempotency_key_reused");
}

#[tokio::test]
async fn a_key_belongs_to_its_business() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let body = json!({"name": "Léa Martin", "email": LEA_MAIL});
    let (ours, _) = post_with_key(&app, &app.base, "/v1/clients", "shared-key", &body)
        .await
        .expect("answered");

    let other = TestApp {
        tenant: "salon-max".into(),
        ..app.clone()
    };
    let (theirs, replayed) = post_with_key(&other, &other.base, "/v1/clients", "shared-key", &body)
        .await
        .expect("answered");

    assert_eq!(theirs.status, 201, "{}", theirs.body);
    assert_eq!(
        replayed, None,
        "another business's answer is never replayed"
    );
    assert_ne!(theirs.body["id"], ours.body["id"]);
    let read = other
        .get(&format!(
            "/v1/clients/{}",
            ours.body["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(read.status, 404);
}

#[tokio::test]
async fn a_malformed_key_is_refused_before_anything_is_written() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let body = json!({"name": "Léa Martin", "email": LEA_MAIL});
    let long = "k".repeat(256);

    for key in ["", long.as_str()] {
        let (refused, _) = post_with_key(&app, &app.base, "/v1/clients", key, &body)
            .await
            .expect("answered");
        assert_eq!(refused.status, 400, "{key:?}: {}", refused.body);
        assert_eq!(refused.body["error"]["code"], "invalid_idempotency_key");
    }
}

#[tokio::test]
async fn a_failed_request_is_not_kept_and_may_be_tried_again_with_its_key() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    let unknown = json!({"client_id": lea, "staff_id": "nobody", "type_id": "cut",
                         "start": "2026-03-27T10:00:00+01:00", "end": "2026-03-27T10:45:00+01:00"});

    // A refusal (4xx other than a conflict) is an answer like any other: kept and replayed.
    let (refused, _) = post_with_key(&app, &app.base, "/v1/appointments", "k", &unknown)
        .await
        .expect("answered");
    let (again, replayed) = post_with_key(&app, &app.base, "/v1/appointments", "k", &unknown)
        .await
        .expect("answered");

    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!((again.status, replayed.as_deref()), (422, Some("true")));
}

#[tokio::test]
async fn a_client_put_under_the_integrators_id_is_created_once_then_left_unchanged() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = json!({"name": "Léa Martin", "email": LEA_MAIL, "phone": "+33612345678"});

    let created = app.put("/v1/clients/crm-4411", lea.clone()).await;
    let again = app.put("/v1/clients/crm-4411", lea.clone()).await;
    let renamed = app
        .put(
            "/v1/clients/crm-4411",
            json!({"name": "Léa Dubois", "email": LEA_MAIL}),
        )
        .await;

    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["id"], "crm-4411");
    assert_eq!((again.status, &again.body["version"]), (200, &json!(1)));
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.body["name"], "Léa Dubois");
    assert_eq!(
        renamed.body["phone"],
        Value::Null,
        "an absent phone is cleared"
    );
    assert_eq!(renamed.body["version"], 2);
}

#[tokio::test]
async fn an_appointment_put_twice_is_booked_and_confirmed_once() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;

    let first = app.put("/v1/appointments/rdv-981", booking(&lea)).await;
    let second = app.put("/v1/appointments/rdv-981", booking(&lea)).await;
    app.stack.settle().await;

    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["id"], "rdv-981");
    assert_eq!((second.status, &second.body["version"]), (200, &json!(1)));
    assert_eq!(sams_friday(&app).await.len(), 1);
    assert_eq!(app.sent_of_kind("confirmation", LEA_MAIL).await.len(), 1);
    assert!(app.sent_of_kind("rescheduled", LEA_MAIL).await.is_empty());
}

#[tokio::test]
async fn an_appointment_put_with_another_start_moves_it_and_tells_the_client() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    app.put("/v1/appointments/rdv-981", booking(&lea)).await;

    let moved = app
        .put(
            "/v1/appointments/rdv-981",
            json!({"client_id": lea, "staff_id": "sam", "type_id": "cut", "expected_version": 1,
                   "start": "2026-03-27T14:00:00+01:00", "end": "2026-03-27T14:45:00+01:00"}),
        )
        .await;
    app.stack.settle().await;

    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(moved.body["start"], "2026-03-27T14:00:00+01:00");
    assert_eq!(moved.body["version"], 2);
    assert_eq!(app.sent_of_kind("rescheduled", LEA_MAIL).await.len(), 1);
}

#[tokio::test]
async fn an_appointment_put_cannot_change_its_client_or_a_stale_version() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    let tom = app
        .create_client(json!({"name": "Tom Petit", "email": "tom@example.fr"}))
        .await;
    app.put("/v1/appointments/rdv-981", booking(&lea)).await;

    let other_client = app.put("/v1/appointments/rdv-981", booking(&tom)).await;
    let mut stale = booking(&lea);
    stale["expected_version"] = json!(7);
    let stale = app.put("/v1/appointments/rdv-981", stale).await;

    assert_eq!(other_client.status, 422, "{}", other_client.body);
    assert_eq!(other_client.body["error"]["code"], "immutable_field");
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert_eq!(stale.body["error"]["code"], "version_conflict");
}

/// Idempotency keys whose answers are never kept: an API that stopped right after its write,
/// before it could keep the answer.
struct StopsBeforeKeeping(std::sync::Arc<dyn IdempotencyKeys>);

#[async_trait::async_trait]
impl IdempotencyKeys for StopsBeforeKeeping {
    async fn claim(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
        now: chrono::DateTime<Utc>,
    ) -> Result<KeyClaim, IdempotencyError> {
        self.0.claim(tenant, key, fingerprint, now).await
    }

    async fn keep(
        &self,
        _: &TenantId,
        _: &str,
        _: &str,
        _: KeptAnswer,
        _: chrono::DateTime<Utc>,
    ) -> Result<(), IdempotencyError> {
        Err(IdempotencyError(
            "stopped before the answer was kept".into(),
        ))
    }

    async fn release(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
    ) -> Result<(), IdempotencyError> {
        self.0.release(tenant, key, fingerprint).await
    }
}

/// The app's API served again, with keys that keep no answer; returns its base URL.
async fn api_that_stops_before_keeping(app: &TestApp) -> String {
    let mut services = app.stack.api_services();
    services.idempotency = std::sync::Arc::new(StopsBeforeKeeping(services.idempotency.clone()));
    let router = rappel_api::dev_tenant_header(rappel_api::router(
        services,
        app.stack.delivery.links.clone(),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

#[tokio::test]
async fn a_booking_whose_answer_was_never_kept_is_still_booked_once_when_retried_later() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    let api = api_that_stops_before_keeping(&app).await;

    let (first, _) = post_with_key(&app, &api, "/v1/appointments", "book-1", &booking(&lea))
        .await
        .expect("answered");
    // The claim's lease runs out: the key may be tried again.
    app.advance_to("2026-03-20T09:05:00Z").await;
    let (retried, _) = post_with_key(&app, &api, "/v1/appointments", "book-1", &booking(&lea))
        .await
        .expect("answered");
    let mut other = booking(&lea);
    other["start"] = json!("2026-03-27T16:00:00+01:00");
    other["end"] = json!("2026-03-27T16:45:00+01:00");
    let (reused, _) = post_with_key(&app, &api, "/v1/appointments", "book-1", &other)
        .await
        .expect("answered");
    app.stack.settle().await;

    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(sams_friday(&app).await.len(), 1, "one appointment");
    assert_eq!(retried.status, 201, "{}", retried.body);
    assert_eq!(retried.body["id"], first.body["id"]);
    assert_eq!(app.sent_of_kind("confirmation", LEA_MAIL).await.len(), 1);
    assert_eq!(reused.status, 422, "{}", reused.body);
    assert_eq!(reused.body["error"]["code"], "idempotency_key_reused");
}

/// The local stack on a data directory, serving its API on a free port; returns its base URL.
async fn durable_stack(
    dir: &std::path::Path,
) -> (std::sync::Arc<rappel_local::LocalStack>, String) {
    let config = rappel_local::LocalConfig {
        data_dir: Some(dir.to_path_buf()),
        ..rappel_local::LocalConfig::for_tests(friday_before())
    };
    let stack = rappel_local::LocalStack::new(config).expect("the stack opens its data dir");
    let router = rappel_local::local_router(stack.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (stack, base)
}

#[tokio::test]
async fn a_kept_answer_survives_a_restart_of_the_local_stack() {
    let dir = tempfile::tempdir().unwrap();
    let body = json!({"name": "Léa Martin", "email": LEA_MAIL});
    let http = reqwest::Client::new();
    let post = |base: String| {
        let (http, body) = (http.clone(), body.clone());
        async move {
            let answer = http
                .post(format!("{base}/v1/clients"))
                .header("x-tenant-id", "salon-lea")
                .header("idempotency-key", "cl-1")
                .json(&body)
                .send()
                .await
                .expect("answered");
            let replayed = answer.headers().contains_key("idempotent-replayed");
            let body: Value = answer.json().await.expect("a JSON body");
            (body, replayed)
        }
    };
    let (first, _) = {
        let (_stack, base) = durable_stack(dir.path()).await;
        post(base).await
    };

    let (_stack, base) = durable_stack(dir.path()).await;
    let (again, replayed) = post(base).await;

    assert!(first["id"].is_string(), "{first}");
    assert_eq!(again, first);
    assert!(replayed, "answered from the key kept on disk");
}
