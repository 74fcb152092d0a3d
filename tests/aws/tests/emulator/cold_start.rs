//! A cold start does not wait for Secrets Manager (moto): the API and send functions read the
//! link keys when a request first needs them — prefetched meanwhile — once per container. A
//! key that cannot be read yet fails that request clearly, and the next one reads it.

use chrono::{TimeZone, Utc};
use rappel_api::lambda::LambdaApi;
use rappel_aws::wiring::{self, DeliveryOnce, DeliveryParts};
use rappel_aws::{ConfigError, sdk};
use rappel_aws_tests::aws::{api_gateway_event, call_lambda_api, emulator_url};
use rappel_aws_tests::provision::Resources;
use rappel_ports::clock::VirtualClock;
use serde_json::json;
use std::sync::Arc;

/// A deployment whose names are known but whose resources (the secret among them) do not
/// exist yet.
fn not_yet_created() -> Resources {
    let prefix = format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let mut resources = Resources::named(&prefix);
    // The stack passes its queues' URLs to the functions as it does every name.
    let url = |name: &str| format!("{}/123456789012/{name}", emulator_url());
    resources.send_queue_url = url(&resources.send_queue_name);
    resources.bulk_send_queue_url = url(&resources.bulk_send_queue_name);
    resources.webhook_retry_queue_url = url(&resources.webhook_retry_queue_name);
    resources.erasure_queue_url = url(&resources.erasure_queue_name);
    resources
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn the_api_answers_503_while_its_link_keys_cannot_be_read_and_serves_once_they_can() {
    let sdk = sdk::load_for_emulator(&emulator_url()).await;
    let mut resources = not_yet_created();
    let env = resources.env();
    let clock = Arc::new(VirtualClock::starting_at(
        Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(),
    ));
    // Composing reads nothing: the cold start would be over here.
    let api = LambdaApi::new(
        wiring::api_services(&sdk, &env, clock).unwrap(),
        wiring::tenant_claim(&env).unwrap(),
        wiring::lazy_link_keys(&sdk, &env).unwrap(),
    );
    let get_settings = || {
        api_gateway_event(
            "GET",
            "/v1/settings",
            None,
            json!({"tenant_id": "salon-lea"}),
        )
    };

    let early = call_lambda_api(&api, get_settings()).await;
    assert_eq!(early.status, 503, "{}", early.body);
    assert_eq!(early.body["error"]["code"], "links_unavailable");

    resources
        .create(&sdk, b"integration-test-link-signing-key-0123456789", true)
        .await
        .unwrap();
    let later = call_lambda_api(&api, get_settings()).await;
    assert_eq!(later.status, 200, "{}", later.body);
    assert_eq!(
        later.body["tenant"], "salon-lea",
        "the defaults of a new business"
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn the_send_function_reads_its_link_keys_on_its_first_batch_and_keeps_them() {
    let sdk = sdk::load_for_emulator(&emulator_url()).await;
    let mut resources = not_yet_created();
    let clock = Arc::new(VirtualClock::starting_at(
        Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(),
    ));
    let delivery =
        DeliveryOnce::new(DeliveryParts::compose(&sdk, &resources.env(), clock).unwrap());
    assert!(matches!(
        delivery.get().await.err(),
        Some(ConfigError::Secret { .. })
    ));
    resources
        .create(&sdk, b"integration-test-link-signing-key-0123456789", true)
        .await
        .unwrap();
    let first = delivery.get().await.expect("the keys are read now");
    let again = delivery.get().await.unwrap();
    assert!(std::ptr::eq(first, again), "built once per container");
}
