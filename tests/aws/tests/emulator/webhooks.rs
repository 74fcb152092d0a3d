//! A business's webhook endpoints on DynamoDB: registered with their secret shown once,
//! listed without it, rotated, deleted — and another business's calls find none of them.
//! (Posting the events to them on AWS is the next step of issue 28: the local stack posts.)

use chrono::{TimeZone, Utc};
use rappel_aws_tests::aws::spawn_aws_app;
use rappel_testkit::CallsApi;
use serde_json::json;

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
