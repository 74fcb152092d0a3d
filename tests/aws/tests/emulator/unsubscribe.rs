//! A mail provider's one-click unsubscribe (RFC 8058) is not pressed again: while DynamoDB
//! fails, the API queues it and answers 200, and the send function withdraws the consent when
//! the store is back. Only when the queue fails too is the answer 503.

use chrono::{Duration, TimeZone, Utc};
use rappel_aws_tests::aws::{AwsApp, link_form_event, spawn_aws_app_with_faults};
use rappel_core::model::{ClientId, TenantId};
use rappel_testkit::CallsApi;
use rappel_testkit::fault_proxy::{Fault, FaultPlan};
use serde_json::json;

/// An app behind the fault proxy (calm for now), a client who consented to marketing, and the
/// path of her unsubscribe link.
async fn app_with_a_consenting_client() -> (AwsApp, String, String) {
    let app = spawn_aws_app_with_faults(
        Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(),
        true,
        Some(FaultPlan::none()),
    )
    .await;
    let (client, path) = consenting_client(&app).await;
    (app, client, path)
}

/// A client who consented to marketing, and the path of her unsubscribe link.
async fn consenting_client(app: &AwsApp) -> (String, String) {
    app.seed_salon().await;
    let created = app
        .post(
            "/v1/clients",
            json!({"name": "Léa Martin", "email": "lea@example.fr", "preferences": {"marketing": true}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    app.pump_stream().await;
    let id = created.body["id"].as_str().expect("an id").to_owned();
    let url = app.delivery.links.unsubscribe_link(
        &TenantId::parse(&app.tenant).expect("the app's tenant"),
        &ClientId::parse(&id).expect("the client's id"),
        rappel_ports::clock::Clock::now(app.clock.as_ref()) + Duration::days(30),
    );
    let path = url[url.find("/links/").expect("a links path")..].to_owned();
    (id, path)
}

async fn consents(app: &AwsApp, client: &str) -> bool {
    let read = app.get(&format!("/v1/clients/{client}")).await;
    assert_eq!(read.status, 200, "{}", read.body);
    read.body["preferences"]["marketing"] == true
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_one_click_unsubscribe_during_a_dynamodb_outage_is_queued_and_withdrawn_later() {
    let (app, client, path) = app_with_a_consenting_client().await;
    let faults = app.faults.as_ref().expect("the fault proxy");

    faults.set_plan(FaultPlan::always(Fault::Unavailable, &["dynamodb"]));
    let answer = app
        .call_event(link_form_event(&path, "List-Unsubscribe=One-Click"))
        .await;
    faults.calm();
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert!(
        consents(&app, &client).await,
        "not yet: the request waits on the queue"
    );

    let failed = app.drain_send_queue().await;
    assert!(failed.is_empty(), "{failed:?}");
    assert!(
        !consents(&app, &client).await,
        "withdrawn once the store is back"
    );
    let history = app.communications(&client).await;
    assert_eq!(
        history
            .iter()
            .filter(|e| e["status"] == "unsubscribed")
            .count(),
        1,
        "{history:#?}"
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_one_click_unsubscribe_is_answered_503_only_when_the_queue_fails_too() {
    let (app, client, path) = app_with_a_consenting_client().await;
    let faults = app.faults.as_ref().expect("the fault proxy");
    faults.set_plan(FaultPlan::always(Fault::Unavailable, &["dynamodb", "sqs"]));
    let answer = app
        .call_event(link_form_event(&path, "List-Unsubscribe=One-Click"))
        .await;
    faults.calm();
    assert_eq!(answer.status, 503);
    assert!(consents(&app, &client).await);
}
