//! Integrators' API keys on AWS (against the emulator): the operator's tool issues and scopes
//! a key in the deployment's deliveries table, the authorizer function checks it with the real
//! DynamoDB adapter, and the API function serves the business the authorizer allowed — until
//! the key is revoked or the business withdrawn.

use aws_lambda_events::event::apigw::ApiGatewayV2CustomAuthorizerV2Request;
use chrono::{DateTime, TimeZone, Utc};
use lambda_runtime::{Context, LambdaEvent};
use rappel_authorizer::admin::run;
use rappel_authorizer::{AuthorizerContext, AuthorizerResponse, function_handler};
use rappel_aws::dynamodb::DynamoCredentials;
use rappel_aws::wiring;
use rappel_aws_tests::aws::{integrator_gateway_event, spawn_aws_app};
use serde_json::{Value, json};

const AUTHORIZER_EVENT: &str =
    include_str!("../../../../infra/events/api-gateway-authorizer-request.json");

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()
}

async fn tool(store: &DynamoCredentials, command: &str) -> String {
    let words: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
    run(&words, store, now())
        .await
        .expect("the tool's command runs")
}

/// The authorizer's event for a request with this key naming this business.
fn authorizer_event(key: &str, business: &str) -> ApiGatewayV2CustomAuthorizerV2Request {
    let mut event: Value = serde_json::from_str(AUTHORIZER_EVENT).expect("the fixture is JSON");
    let bearer = format!("Bearer {key}");
    event["headers"]["authorization"] = json!(bearer);
    event["headers"]["x-rappel-business"] = json!(business);
    event["identitySource"] = json!([bearer, business]);
    serde_json::from_value(event).expect("an authorizer event")
}

async fn authorize(store: &DynamoCredentials, key: &str, business: &str) -> AuthorizerResponse {
    function_handler(
        LambdaEvent::new(authorizer_event(key, business), Context::default()),
        store,
    )
    .await
    .expect("the authorizer answers")
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_key_issued_with_the_tool_reaches_its_business_through_the_authorizer_until_revoked() {
    let app = spawn_aws_app(now(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone.clone()).await;
    let store = wiring::credentials_in(&app.sdk, &app.resources.deliveries_table);

    let issued = tool(&store, "issue acme production 2026-12").await;
    let key = issued
        .lines()
        .find_map(|line| line.strip_prefix("key:"))
        .expect("the key is printed once")
        .trim()
        .to_owned();
    let key_id = issued
        .lines()
        .find_map(|line| line.strip_prefix("key id:"))
        .expect("its id too")
        .trim()
        .to_owned();
    assert!(key.starts_with(&format!("rk_acme_{key_id}_")), "{issued}");

    // Not yet granted any business: refused, and the refusal carries nothing.
    let refused = authorize(&store, &key, &app.tenant).await;
    assert!(!refused.is_authorized);
    assert_eq!(refused.context, AuthorizerContext::default());

    tool(&store, &format!("grant acme {}", app.tenant)).await;
    let allowed = authorize(&store, &key, &app.tenant).await;
    assert!(allowed.is_authorized, "{allowed:?}");
    assert_eq!(allowed.context.tenant, app.tenant);
    assert_eq!(allowed.context.key_id, key_id);

    // What API Gateway passes on: the API serves that business's records.
    let context = serde_json::to_value(&allowed.context).unwrap();
    let read = app
        .call_event(integrator_gateway_event(
            "GET",
            &format!("/v1/clients/{lea}"),
            None,
            context.clone(),
        ))
        .await;
    assert_eq!(read.status, 200, "{read:?}");
    assert_eq!(read.body["name"], "Léa Martin");

    // Another business, a wrong secret: refused.
    assert!(!authorize(&store, &key, "salon-zoe").await.is_authorized);
    let wrong = format!("{}0", &key[..key.len() - 1]);
    let wrong = if wrong == key {
        format!("{}1", &key[..key.len() - 1])
    } else {
        wrong
    };
    assert!(!authorize(&store, &wrong, &app.tenant).await.is_authorized);

    // The operator's list shows the key and never its secret.
    let listed = tool(&store, "keys acme").await;
    assert!(
        listed.contains(&key_id)
            && listed.contains("production 2026-12")
            && listed.contains("live"),
        "{listed}"
    );
    assert!(!listed.contains(&key), "{listed}");
    let granted = tool(&store, "grants acme").await;
    assert_eq!(granted.lines().collect::<Vec<_>>(), [app.tenant.as_str()]);

    // Rotation: a second key works beside the first; the first, revoked, no longer does.
    let second = tool(&store, "issue acme production 2027-01").await;
    let second = second
        .lines()
        .find_map(|l| l.strip_prefix("key:"))
        .unwrap()
        .trim()
        .to_owned();
    tool(&store, &format!("revoke acme {key_id}")).await;
    assert!(!authorize(&store, &key, &app.tenant).await.is_authorized);
    assert!(authorize(&store, &second, &app.tenant).await.is_authorized);
    assert!(tool(&store, "keys acme").await.contains("revoked"));

    // The business withdrawn: refused for every key of the integrator.
    tool(&store, &format!("withdraw acme {}", app.tenant)).await;
    assert!(!authorize(&store, &second, &app.tenant).await.is_authorized);
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_unreadable_credentials_store_is_an_error_not_a_refusal() {
    let app = spawn_aws_app(now(), true).await;
    let missing = wiring::credentials_in(&app.sdk, "no-such-table");
    let key =
        "rk_acme_0123456789abcdef_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let answer = function_handler(
        LambdaEvent::new(authorizer_event(key, "salon-lea"), Context::default()),
        &missing,
    )
    .await;
    assert!(
        answer.is_err(),
        "API Gateway answers 500 and the caller retries: {answer:?}"
    );
}
