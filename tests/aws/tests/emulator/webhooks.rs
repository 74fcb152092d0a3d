//! A business's webhook endpoints on DynamoDB — registered with their secret shown once,
//! listed without it, rotated, deleted, another business's calls finding none of them — and
//! the publish function posting the events to them and onto the event bus: every request
//! checked by the Standard Webhooks reference library (`infra/webhook-receiver.py`), every
//! event once, in order, an endpoint down for hours catching up through its retries. (The
//! infra/test.sh fault run runs these again with 15 % of AWS calls failing.)

use chrono::{DateTime, Duration, TimeZone, Utc};
use rappel_aws_tests::aws::{AwsApp, spawn_aws_app, spawn_aws_app_with_faults};
use rappel_core::events::WebhookUrl;
use rappel_ports::clock::Clock;
use rappel_testkit::CallsApi;
use rappel_testkit::fault_proxy::{Fault, FaultPlan};
use rappel_testkit::webhook_receiver::{Receiver, accepted_ids};
use serde_json::{Value, json};

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_endpoint_is_registered_listed_rotated_and_deleted_by_its_business_only() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), false).await;
    let loopback = app
        .post("/v1/webhooks", json!({"url": "http://127.0.0.1:9/hook"}))
        .await;
    assert_eq!(loopback.status, 422, "https only on AWS: {}", loopback.body);
    let created = app
        .post(
            "/v1/webhooks",
            json!({"url": "https://crm.example.com/hooks", "event_types": ["message.sent"]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().expect("an id").to_owned();
    assert!(
        created.body["secret"]
            .as_str()
            .is_some_and(|s| s.starts_with("whsec_"))
    );

    let listed = app.get("/v1/webhooks").await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body["endpoints"][0]["id"], id.as_str());
    assert!(listed.body["endpoints"][0]["secret"].is_null());

    let other = json!({"tenant_id": "salon-b"});
    let theirs = app
        .call_with_claims("GET", "/v1/webhooks", None, other.clone())
        .await;
    assert_eq!(theirs.body["endpoints"], json!([]));
    let not_theirs = app
        .call_with_claims("DELETE", &format!("/v1/webhooks/{id}"), None, other)
        .await;
    assert_eq!(not_theirs.status, 404);

    let rotated = app
        .post(&format!("/v1/webhooks/{id}/rotate-secret"), json!({}))
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    assert_ne!(rotated.body["secret"], created.body["secret"]);
    assert_eq!(app.delete(&format!("/v1/webhooks/{id}")).await.status, 204);
    assert_eq!(app.get("/v1/webhooks").await.body["endpoints"], json!([]));
}

fn friday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()
}

/// Registers an endpoint through the API and points it at `receiver`. The deployed API takes
/// `https://` host names only; the receiver is plain HTTP on loopback, so the stored endpoint's
/// URL is changed to it (what the publish function reads), secret and cursor as registered.
async fn register(app: &AwsApp, receiver: &Receiver) -> String {
    let created = app
        .post(
            "/v1/webhooks",
            json!({"url": "https://crm.example.com/hooks"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let secret = created.body["secret"].as_str().expect("the secret, once");
    receiver
        .control("/_secrets", json!({"secrets": [secret]}))
        .await;
    let store = &app.publish.dispatch.store;
    let tenant = rappel_core::model::TenantId::parse(&app.tenant).unwrap();
    let mut endpoint = store.of_business(&tenant).await.unwrap().remove(0);
    endpoint.url = WebhookUrl::parse(&receiver.url(), true).unwrap();
    store.save(&endpoint).await.unwrap();
    endpoint.id
}

/// Every event of the business, from the API (they are all older than its settle window once
/// the publish function has run).
async fn events(app: &AwsApp) -> Vec<Value> {
    let listed = app.get("/v1/events?limit=500").await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    listed.body["events"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn ids(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| e["id"].as_str().map(str::to_owned))
        .collect()
}

/// A queue that receives every event of the app's bus (a rule of the integrator's own).
async fn tap_the_bus(app: &AwsApp) -> String {
    let url = app.create_queue("bus-tap").await;
    let sqs = aws_sdk_sqs::Client::new(&app.sdk);
    let arn = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes()
        .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
        .cloned()
        .expect("a queue ARN");
    let bus = aws_sdk_eventbridge::Client::new(&app.sdk);
    bus.put_rule()
        .name("all-rappel-events")
        .event_bus_name(&app.resources.event_bus_name)
        .event_pattern(json!({"source": ["rappel"]}).to_string())
        .send()
        .await
        .expect("a rule on the bus");
    bus.put_targets()
        .rule("all-rappel-events")
        .event_bus_name(&app.resources.event_bus_name)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("tap")
                .arn(arn)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("the rule's target");
    url
}

/// The bus events the tap received: `(detail type, detail)`.
async fn tapped(app: &AwsApp, url: &str) -> Vec<(String, Value)> {
    let sqs = aws_sdk_sqs::Client::new(&app.sdk);
    let mut all = Vec::new();
    loop {
        let got = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .send()
            .await
            .unwrap();
        if got.messages().is_empty() {
            return all;
        }
        for message in got.messages() {
            let envelope: Value = serde_json::from_str(message.body().unwrap_or("{}")).unwrap();
            all.push((
                envelope["detail-type"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                envelope["detail"].clone(),
            ));
            sqs.delete_message()
                .queue_url(url)
                .receipt_handle(message.receipt_handle().unwrap_or_default())
                .send()
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_life_cycle_reaches_the_bus_and_a_verified_webhook_once_per_event_in_order() {
    let receiver = Receiver::start();
    let app = spawn_aws_app(friday_morning(), true).await;
    let tap = tap_the_bus(&app).await;
    app.seed_salon().await;
    register(&app, &receiver).await;
    let lea = app.create_lea(&app.phone).await;
    let booked = app.book_friday_10am(&lea).await;
    app.pump_events().await;
    app.advance_to("2026-03-26T10:00:00Z").await;
    app.pump_events().await;
    let cancelled = app
        .post(&format!("/v1/appointments/{booked}/cancel"), json!({}))
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    app.pump_stream().await;
    app.pump_events().await;

    let all = events(&app).await;
    assert!(!all.is_empty());
    let types: Vec<&str> = all.iter().filter_map(|e| e["type"].as_str()).collect();
    for expected in ["message.planned", "message.sent", "message.withdrawn"] {
        assert!(types.contains(&expected), "{expected} in {types:?}");
    }
    let received = receiver.received().await;
    assert_eq!(received["unverified"], 0, "{received}");
    assert_eq!(
        accepted_ids(&received),
        ids(&all),
        "every event once, in the business's order"
    );
    // At least once is the promise (a receiver drops a repeated `webhook-id`); with AWS
    // answering, exactly once.
    if app.faults.is_none() {
        for accepted in received["accepted"].as_array().into_iter().flatten() {
            assert_eq!(accepted["attempts"], 1, "posted once: {accepted}");
        }
    }

    // EventBridge delivers to targets in no set order: the same events, each once; a consumer
    // orders them by (occurred_at, id), their position.
    let on_the_bus = tapped(&app, &tap).await;
    let mut bus_ids: Vec<String> = on_the_bus
        .iter()
        .map(|(_, d)| d["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut expected = ids(&all);
    bus_ids.sort();
    expected.sort();
    assert_eq!(bus_ids, expected, "the bus carries every event once");
    for (detail_type, detail) in &on_the_bus {
        assert_eq!(detail["type"].as_str(), Some(detail_type.as_str()));
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_endpoint_down_for_hours_catches_up_in_order_through_its_retries() {
    let receiver = Receiver::start();
    let app = spawn_aws_app(friday_morning(), true).await;
    app.seed_salon().await;
    register(&app, &receiver).await;
    receiver.control("/_mode", json!({"down": true})).await;
    let lea = app.create_lea(&app.phone).await;
    app.book_friday_10am(&lea).await;
    app.pump_events().await;
    assert!(
        !app.webhook_retry_schedules().await.is_empty(),
        "a refusal schedules the endpoint's retry"
    );

    // Three hours down: the retries at 5 s, 5 min, 30 min and 2 h are refused too.
    let down_until = app.clock.now() + Duration::hours(3);
    let fired = app.fire_webhook_retries_until(down_until).await;
    assert!(fired >= 4, "{fired} retries fired while down");
    assert!(accepted_ids(&receiver.received().await).is_empty());

    // Back, and refusing a request now and then: the next retry posts everything, in order.
    receiver
        .control("/_mode", json!({"down": false, "fail": 2}))
        .await;
    let later = app.clock.now() + Duration::days(2);
    app.fire_webhook_retries_until(later).await;
    let received = receiver.received().await;
    let all = events(&app).await;
    assert!(!all.is_empty());
    assert_eq!(received["unverified"], 0, "{received}");
    assert_eq!(accepted_ids(&received), ids(&all), "nothing lost, in order");
    assert!(
        app.webhook_retry_schedules().await.is_empty(),
        "caught up: no retry left"
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_endpoint_failing_for_days_is_disabled_and_enabled_again_resumes_where_it_stopped() {
    let receiver = Receiver::start();
    let app = spawn_aws_app(friday_morning(), true).await;
    let tap = tap_the_bus(&app).await;
    app.seed_salon().await;
    let id = register(&app, &receiver).await;
    receiver.control("/_mode", json!({"down": true})).await;
    let lea = app.create_lea(&app.phone).await;
    app.book_friday_10am(&lea).await;
    app.pump_events().await;
    let six_days = app.clock.now() + Duration::days(6);
    app.fire_webhook_retries_until(six_days).await;
    let listed = app.get("/v1/webhooks").await;
    assert_eq!(
        listed.body["endpoints"][0]["state"], "disabled",
        "{}",
        listed.body
    );
    // The webhook.disabled event leaves through the stream like any other.
    app.pump_events().await;
    let on_the_bus = tapped(&app, &tap).await;
    assert!(
        on_the_bus
            .iter()
            .any(|(t, d)| t == "webhook.disabled" && d["webhook"]["id"] == id.as_str()),
        "{on_the_bus:?}"
    );

    receiver.control("/_mode", json!({"down": false})).await;
    let enabled = app
        .post(&format!("/v1/webhooks/{id}/enable"), json!({}))
        .await;
    assert_eq!(enabled.status, 200, "{}", enabled.body);
    assert!(
        app.run_webhook_retries().await > 0,
        "enabling runs it at once"
    );
    let all = events(&app).await;
    assert!(!all.is_empty());
    let received = receiver.received().await;
    assert_eq!(received["unverified"], 0, "{received}");
    assert_eq!(
        accepted_ids(&received),
        ids(&all),
        "what it missed, in order"
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_enable_retried_after_its_run_could_not_be_queued_still_queues_it() {
    let receiver = Receiver::start();
    let app = spawn_aws_app_with_faults(friday_morning(), true, Some(FaultPlan::none())).await;
    let faults = app.faults.as_ref().expect("the fault proxy");
    app.seed_salon().await;
    let id = register(&app, &receiver).await;
    receiver.control("/_mode", json!({"down": true})).await;
    let lea = app.create_lea(&app.phone).await;
    app.book_friday_10am(&lea).await;
    app.pump_events().await;
    let six_days = app.clock.now() + Duration::days(6);
    app.fire_webhook_retries_until(six_days).await;
    app.pump_events().await;
    receiver.control("/_mode", json!({"down": false})).await;

    // The enable saves the endpoint, then SQS refuses its run: the integrator is told to
    // retry (the harness retries a 503 itself, each time refused too).
    faults.set_plan(FaultPlan::always(Fault::Unavailable, &["sqs"]));
    let refused = app
        .post(&format!("/v1/webhooks/{id}/enable"), json!({}))
        .await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    faults.calm();
    let enabled = app
        .post(&format!("/v1/webhooks/{id}/enable"), json!({}))
        .await;
    assert_eq!(enabled.status, 200, "{}", enabled.body);
    assert!(
        app.run_webhook_retries().await > 0,
        "the retried enable queued its run"
    );
    let all = events(&app).await;
    assert!(!all.is_empty());
    let received = receiver.received().await;
    assert_eq!(
        accepted_ids(&received),
        ids(&all),
        "what it missed, in order"
    );
}
