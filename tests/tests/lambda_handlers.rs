//! The three Lambda handlers as Lambda calls them, with the real event shapes shipped under
//! `infra/events/` (DynamoDB stream batch, Scheduler input, API Gateway HTTP API request) and
//! the embedded adapters as fakes.

use lambda_runtime::{Context, LambdaEvent};
use rappel_change_handler::function_handler;
use rappel_ports::delivery::{OutboxEntry, OutboxFault};
use rappel_tests::handler_fakes::{batch, fakes};
use serde_json::json;
use tower::ServiceExt;

const SEND_INPUT: &str = include_str!("../../infra/events/schedule-send.json");
const API_REQUEST: &str = include_str!("../../infra/events/api-gateway-http-request.json");

#[tokio::test]
async fn an_unreadable_record_is_skipped_and_the_rest_of_the_batch_is_handled() {
    let fakes = fakes().await;
    let event = batch();
    assert_eq!(
        event.records.len(),
        2,
        "one moved appointment, one unreadable record"
    );

    let response = function_handler(LambdaEvent::new(event, Context::default()), &fakes.services)
        .await
        .unwrap_or_else(|never| match never {});

    assert!(response.batch_item_failures.is_empty());
    let to_lea: Vec<_> = fakes
        .outbox
        .messages()
        .into_iter()
        .filter(|m| matches!(m, OutboxEntry::Email { to, .. } if to == "lea@example.fr"))
        .collect();
    assert_eq!(to_lea.len(), 1, "the move is announced once");
    let dues: Vec<String> = fakes
        .scheduler
        .list()
        .iter()
        .map(|s| s.due.to_rfc3339())
        .collect();
    assert_eq!(
        dues,
        vec![
            "2026-03-27T09:00:00+00:00",
            "2026-03-27T09:00:00+00:00",
            "2026-03-28T07:00:00+00:00"
        ],
        "reminders planned for the new time"
    );
}

#[tokio::test]
async fn a_record_whose_reaction_fails_is_reported_by_its_sequence_number() {
    let fakes = fakes().await;
    fakes
        .outbox
        .inject_email_faults([OutboxFault::Transient; 4]);
    let event = batch();
    let sequence = event.records[0].change.sequence_number.clone().unwrap();

    let response = function_handler(LambdaEvent::new(event, Context::default()), &fakes.services)
        .await
        .unwrap_or_else(|never| match never {});

    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    assert_eq!(failed, vec![Some(sequence)]);
    let serialized = serde_json::to_value(&response).unwrap();
    assert!(serialized["batchItemFailures"][0]["itemIdentifier"].is_string());
}

#[tokio::test]
async fn the_send_handler_delivers_a_scheduled_reminder_once_and_says_so() {
    let fakes = fakes().await;
    let input: serde_json::Value = serde_json::from_str(SEND_INPUT).unwrap();
    let first = rappel_send::function_handler(
        LambdaEvent::new(input.clone(), Context::default()),
        &fakes.services.delivery,
    )
    .await
    .expect("delivered");
    let second = rappel_send::function_handler(
        LambdaEvent::new(input, Context::default()),
        &fakes.services.delivery,
    )
    .await
    .expect("a duplicate is not an error");

    assert_eq!((first.outcome, second.outcome), ("sent", "duplicate"));
    assert_eq!(fakes.outbox.messages().len(), 1);
}

#[tokio::test]
async fn the_send_handler_reports_a_malformed_input_as_a_typed_lambda_error() {
    let fakes = fakes().await;
    let error = rappel_send::function_handler(
        LambdaEvent::new(json!({"subject": "not a key"}), Context::default()),
        &fakes.services.delivery,
    )
    .await
    .expect_err("refused");
    let diagnostic = lambda_runtime::Diagnostic::from(error);
    assert_eq!(diagnostic.error_type, "Rappel.BadSendRequest");
}

#[tokio::test]
async fn the_send_handler_asks_for_a_retry_when_the_provider_fails_for_now() {
    let fakes = fakes().await;
    fakes.outbox.inject_email_faults([OutboxFault::Transient]);
    let input: serde_json::Value = serde_json::from_str(SEND_INPUT).unwrap();
    let error = rappel_send::function_handler(
        LambdaEvent::new(input.clone(), Context::default()),
        &fakes.services.delivery,
    )
    .await
    .expect_err("a retry is asked for");
    assert_eq!(
        lambda_runtime::Diagnostic::from(error).error_type,
        "Rappel.TransientDelivery"
    );
    let retried = rappel_send::function_handler(
        LambdaEvent::new(input, Context::default()),
        &fakes.services.delivery,
    )
    .await
    .expect("the retry delivers");
    assert_eq!(retried.outcome, "sent");
}

#[tokio::test]
async fn the_api_function_serves_an_api_gateway_request_for_the_claimed_tenant() {
    let fakes = fakes().await;
    let router =
        rappel_api::lambda::lambda_router(fakes.services.delivery.api(), "tenant_id".into());
    let mut event: serde_json::Value = serde_json::from_str(API_REQUEST).unwrap();
    event["rawPath"] = json!("/v1/clients/cl_lea");
    event["requestContext"]["http"]["path"] = json!("/v1/clients/cl_lea");
    let request: lambda_http::request::LambdaRequest = serde_json::from_value(event).unwrap();

    let response = lambda_http::Adapter::from(router)
        .oneshot(LambdaEvent::new(request, Context::default()))
        .await
        .expect("an answer");

    let response = serde_json::to_value(response).unwrap();
    assert_eq!(response["statusCode"], 200, "{response}");
    let body: serde_json::Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["name"], "Léa Martin");
}
