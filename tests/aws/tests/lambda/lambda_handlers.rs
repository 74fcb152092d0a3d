//! The Lambda handlers as Lambda calls them, with the real event shapes shipped under
//! `infra/events/` (DynamoDB stream batch, send-queue batch, API Gateway HTTP API requests, the
//! key authorizer's request) and
//! the embedded adapters as fakes.

use async_trait::async_trait;
use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{Context, LambdaEvent};
use rappel_app::ReactionServices;
use rappel_aws_tests::handler_fakes::{batch, fakes};
use rappel_change_handler::function_handler;
use rappel_core::message::Channel;
use rappel_ports::deadline::Deadline;
use rappel_ports::delivery::{OutboxEntry, OutboxFault, ProviderPace};
use rappel_ports::history::CommunicationRecord;
use rappel_ports::ledger::{Claim, DeliveryLedger, Filed, LedgerEntry, LedgerError, LedgerState};
use rappel_ports::schedules::SendRequest;
use rappel_ports::send_queue::{QueueError, SendQueue};
use rappel_send::{LanePaces, START_RESERVE};
use serde_json::json;
use std::sync::Arc;
use tower::ServiceExt;

const SEND_BATCH: &str = include_str!("../../../../infra/events/sqs-send-batch.json");
const API_REQUEST: &str = include_str!("../../../../infra/events/api-gateway-http-request.json");
const INTEGRATOR_REQUEST: &str =
    include_str!("../../../../infra/events/api-gateway-integrator-request.json");
const AUTHORIZER_REQUEST: &str =
    include_str!("../../../../infra/events/api-gateway-authorizer-request.json");

fn send_batch() -> SqsEvent {
    serde_json::from_str(SEND_BATCH).expect("the fixture is an SQS event")
}

fn message_ids(event: &SqsEvent) -> Vec<String> {
    event
        .records
        .iter()
        .map(|r| r.message_id.clone().unwrap_or_default())
        .collect()
}

/// Hands a batch to the send handler as the queue's mapping does; the ids it hands back.
async fn send(fakes: &rappel_aws_tests::handler_fakes::Fakes, event: SqsEvent) -> Vec<String> {
    let response = rappel_send::function_handler(
        LambdaEvent::new(event, Context::default()),
        &fakes.delivery,
        &LanePaces::unlimited(),
    )
    .await
    .unwrap_or_else(|never| match never {});
    let serialized = serde_json::to_value(&response).expect("a batch response");
    assert!(serialized["batchItemFailures"].is_array());
    response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect()
}

/// A send queue that refuses everything (an SQS outage).
struct QueueDown;

#[async_trait]
impl SendQueue for QueueDown {
    async fn enqueue(&self, _requests: &[SendRequest]) -> Result<(), QueueError> {
        Err(QueueError("injected: SQS unavailable".into()))
    }
}

#[tokio::test]
async fn an_unreadable_record_is_handed_back_by_its_position_and_the_rest_of_the_batch_is_handled()
{
    let fakes = fakes().await;
    let event = batch();
    assert_eq!(
        event.records.len(),
        2,
        "one moved appointment, one unreadable record"
    );
    let unreadable = event.records[1].change.sequence_number.clone();

    let response = function_handler(LambdaEvent::new(event, Context::default()), &fakes.services)
        .await
        .unwrap_or_else(|never| match never {});

    // Lambda retries it a bounded number of times, then keeps its position in the stream
    // failure queue for a replay.
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    assert_eq!(failed, vec![unreadable]);
    let queued: Vec<String> = std::iter::from_fn(|| {
        let next = fakes.queue.receive()?;
        fakes.queue.done();
        let key = next.request.key()?;
        Some(format!("{} {} {}", key.kind, key.recipient, key.channel))
    })
    .collect();
    assert!(!queued.is_empty());
    assert!(
        queued.contains(&"rescheduled client:cl_lea email".to_owned()),
        "the move is announced, through the send queue: {queued:?}"
    );
    assert!(
        fakes.outbox.messages().is_empty(),
        "the change handler never sends"
    );
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
    let services = ReactionServices {
        queue: Arc::new(QueueDown),
        ..fakes.services.clone()
    };
    let event = batch();
    let sequence = event.records[0].change.sequence_number.clone().unwrap();
    let unreadable = event.records[1].change.sequence_number.clone().unwrap();

    let response = function_handler(LambdaEvent::new(event, Context::default()), &services)
        .await
        .unwrap_or_else(|never| match never {});

    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    assert_eq!(failed, vec![Some(sequence), Some(unreadable)]);
    let serialized = serde_json::to_value(&response).unwrap();
    assert!(serialized["batchItemFailures"][0]["itemIdentifier"].is_string());
}

#[tokio::test]
async fn the_send_handler_delivers_a_queued_reminder_once_even_when_queued_twice() {
    let fakes = fakes().await;
    let mut event = send_batch();
    let first = event.records[0].clone();
    event.records.push(first);
    assert!(send(&fakes, event).await.is_empty());
    let sent = fakes.outbox.messages();
    assert_eq!(sent.len(), 2, "the e-mail once, the SMS once: {sent:?}");
}

#[tokio::test]
async fn a_malformed_queue_message_is_handed_back_and_the_others_are_delivered() {
    let fakes = fakes().await;
    let mut event = send_batch();
    event.records[0].body = Some(json!({"subject": "not a key"}).to_string());
    let bad = message_ids(&event)[0].clone();
    let failed = send(&fakes, event).await;
    assert_eq!(failed, vec![bad], "kept for the dead-letter queue");
    assert_eq!(fakes.outbox.messages().len(), 1, "the SMS still goes out");
}

#[tokio::test]
async fn a_schedule_input_from_before_message_subjects_is_handed_back_never_misread() {
    let fakes = fakes().await;
    let mut event = send_batch();
    // The form of release 1: no version, the appointment named directly in the key.
    event.records[0].body = Some(
        json!({"key": {"tenant": "salon-lea", "appointment": "ap_fixture01", "kind": "reminder",
            "ordinal": 1, "recipient": {"type": "client", "id": "cl_lea"}, "channel": "email",
            "due": "2026-03-27T09:00:00Z"}})
        .to_string(),
    );
    let old = message_ids(&event)[0].clone();
    let error = rappel_send::parse_request(event.records[0].body.as_deref().unwrap())
        .unwrap_err()
        .to_string();
    assert!(error.contains("version 1"), "{error}");
    let failed = send(&fakes, event).await;
    assert_eq!(failed, vec![old], "kept for the dead-letter queue");
    assert_eq!(
        fakes.outbox.messages().len(),
        1,
        "only the SMS of today's form"
    );
}

#[tokio::test]
async fn a_provider_failing_for_now_gets_its_message_retried_and_the_retry_delivers() {
    let fakes = fakes().await;
    fakes.outbox.inject_sms_faults([OutboxFault::Transient]);
    let event = send_batch();
    let sms_id = message_ids(&event)[1].clone();
    let failed = send(&fakes, event).await;
    assert_eq!(failed, vec![sms_id]);
    assert_eq!(fakes.outbox.messages().len(), 1);

    let retried = send(&fakes, send_batch()).await;
    assert!(retried.is_empty());
    assert_eq!(fakes.outbox.messages().len(), 2, "e-mail once, SMS once");
}

#[tokio::test]
async fn an_e_mail_throttle_hands_back_the_e_mails_and_the_sms_still_goes_out() {
    let fakes = fakes().await;
    fakes.outbox.inject_email_faults([OutboxFault::Throttled]);
    let event = send_batch();
    let all = message_ids(&event);
    assert_eq!(all.len(), 2);
    let failed = send(&fakes, event).await;
    assert_eq!(
        failed,
        vec![all[0].clone()],
        "only the e-mail waits for the next receive"
    );
    let sent = fakes.outbox.messages();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(matches!(sent[0], OutboxEntry::Sms { .. }), "{sent:?}");
}

/// An e-mail provider that takes a second to take its turn.
struct SlowEmailTurns;

#[async_trait]
impl ProviderPace for SlowEmailTurns {
    async fn wait_turn(&self, channel: Channel) {
        if channel == Channel::Email {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }
}

/// With half a second to spare beyond what one message needs, a batch whose first message
/// waits a second for its turn hands the second back untried.
#[tokio::test(start_paused = true)]
async fn a_batch_hands_back_untried_what_it_cannot_start_inside_its_deadline() {
    let fakes = fakes().await;
    let event = send_batch();
    let ids = message_ids(&event);
    let deadline = Deadline::after(START_RESERVE + std::time::Duration::from_millis(500));
    let slow = rappel_app::DeliveryServices {
        pace: Arc::new(SlowEmailTurns),
        ..fakes.delivery.clone()
    };
    let response = rappel_send::handle_batch(&event.records, &slow, deadline).await;
    let failed: Vec<String> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    assert_eq!(
        failed,
        vec![ids[1].clone()],
        "the SMS waits for the next receive"
    );
    assert_eq!(fakes.outbox.messages().len(), 1, "the e-mail went out");
    // Given back before its claim: the next receive sends it at once.
    assert!(send(&fakes, send_batch()).await.is_empty());
    assert_eq!(fakes.outbox.messages().len(), 2, "each once");
}

/// A ledger whose `settle_sent` fails (DynamoDB failing every attempt of the call).
struct LedgerThatCannotSettle(Arc<dyn DeliveryLedger>);

#[async_trait]
impl DeliveryLedger for LedgerThatCannotSettle {
    async fn claim(
        &self,
        key: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Claim, LedgerError> {
        self.0.claim(key, now).await
    }
    async fn complete(
        &self,
        key: &str,
        state: LedgerState,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), LedgerError> {
        self.0.complete(key, state, now).await
    }
    async fn settle_sent(
        &self,
        _key: &str,
        _record: &CommunicationRecord,
        _now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Filed, LedgerError> {
        Err(LedgerError(
            "injected: the deliveries table is unavailable".into(),
        ))
    }
    async fn record_outcome(
        &self,
        key: &str,
        outcome: rappel_ports::ledger::ProviderOutcome,
        record: &CommunicationRecord,
    ) -> Result<Filed, LedgerError> {
        self.0.record_outcome(key, outcome, record).await
    }
    async fn release(&self, key: &str) -> Result<(), LedgerError> {
        self.0.release(key).await
    }
    async fn entry(&self, key: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        self.0.entry(key).await
    }
    async fn forget_copy(&self, key: &str) -> Result<(), LedgerError> {
        self.0.forget_copy(key).await
    }
    async fn restamp_copy(
        &self,
        key: &str,
        recorded_at: chrono::DateTime<chrono::Utc>,
        kept_until: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), LedgerError> {
        self.0.restamp_copy(key, recorded_at, kept_until).await
    }
}

#[tokio::test]
async fn a_message_the_ledger_could_not_record_is_done_and_its_settle_request_records_it() {
    let fakes = fakes().await;
    let healthy = fakes.delivery.clone();
    let broken = rappel_app::DeliveryServices {
        ledger: Arc::new(LedgerThatCannotSettle(healthy.ledger.clone())),
        ..healthy.clone()
    };
    let response = rappel_send::function_handler(
        LambdaEvent::new(send_batch(), Context::default()),
        &broken,
        &LanePaces::unlimited(),
    )
    .await
    .unwrap_or_else(|never| match never {});
    assert!(
        response.batch_item_failures.is_empty(),
        "a sent message is never handed back"
    );
    assert_eq!(fakes.outbox.messages().len(), 2);
    // The records wait on the send queue as settle requests.
    let mut settles = Vec::new();
    while let Some(queued) = fakes.queue.receive() {
        fakes.queue.done();
        settles.push(queued.request);
    }
    assert_eq!(settles.len(), 2, "{settles:?}");
    assert!(settles.iter().all(|r| r.kind_name() == "settle"));
    for request in &settles {
        rappel_send::handle_send(&healthy, request).await.unwrap();
    }
    let key = settles[0].key().unwrap().id();
    let entry = healthy.ledger.entry(&key).await.unwrap().unwrap();
    assert_eq!(entry.state, LedgerState::Sent);
    // The trigger coming again (a replay after the lease) is a duplicate: nothing more sent.
    assert!(send(&fakes, send_batch()).await.is_empty());
    assert_eq!(fakes.outbox.messages().len(), 2);
}

#[tokio::test]
async fn the_api_function_serves_an_api_gateway_request_for_the_claimed_tenant() {
    let router = lambda_router_over_fakes().await;
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

#[tokio::test]
async fn on_lambda_a_link_needs_no_token_while_the_api_still_does() {
    let router = lambda_router_over_fakes().await;
    let call = |path: &str| {
        let mut event: serde_json::Value = serde_json::from_str(API_REQUEST).unwrap();
        let (raw_path, query) = path.split_once('?').unwrap_or((path, ""));
        event["rawPath"] = json!(raw_path);
        event["rawQueryString"] = json!(query);
        event["requestContext"]["http"]["path"] = json!(raw_path);
        // A public route: API Gateway runs no authorizer, so there are no claims.
        event["requestContext"]["authorizer"] = serde_json::Value::Null;
        let request: lambda_http::request::LambdaRequest = serde_json::from_value(event).unwrap();
        let router = router.clone();
        async move {
            let response = lambda_http::Adapter::from(router)
                .oneshot(LambdaEvent::new(request, Context::default()))
                .await
                .expect("an answer");
            serde_json::to_value(response).unwrap()
        }
    };
    let link = call("/links/salon-lea/ap_fixture01/cancel?exp=4102444800&sig=00").await;
    assert_eq!(link["statusCode"], 404, "{link}");
    assert!(link["body"].as_str().unwrap().contains("Link not valid"));
    let api = call("/v1/clients/cl_lea").await;
    assert_eq!(api["statusCode"], 401, "{api}");
    let contract = call("/v1/openapi.json").await;
    assert_eq!(contract["statusCode"], 200, "{contract}");
    let served: serde_json::Value =
        serde_json::from_str(contract["body"].as_str().unwrap()).unwrap();
    let committed: serde_json::Value =
        serde_json::from_str(rappel_api::openapi::document_json()).unwrap();
    assert!(served["paths"].as_object().is_some_and(|p| !p.is_empty()));
    assert_eq!(
        served, committed,
        "the contract is public, as its route in template.yaml"
    );
}

/// The API function behind the integrators' HTTP API, over the fakes.
async fn integrators_api(context: serde_json::Value) -> serde_json::Value {
    let router = lambda_router_over_fakes().await;
    let mut event: serde_json::Value = serde_json::from_str(INTEGRATOR_REQUEST).unwrap();
    event["rawPath"] = json!("/v1/clients/cl_lea");
    event["requestContext"]["http"]["path"] = json!("/v1/clients/cl_lea");
    event["requestContext"]["authorizer"]["lambda"] = context;
    let request: lambda_http::request::LambdaRequest = serde_json::from_value(event).unwrap();
    let response = lambda_http::Adapter::from(router)
        .oneshot(LambdaEvent::new(request, Context::default()))
        .await
        .expect("an answer");
    serde_json::to_value(response).unwrap()
}

#[tokio::test]
async fn the_api_function_serves_the_business_the_key_authorizer_allowed() {
    let response = integrators_api(
        json!({"tenant": "salon-lea", "integrator": "acme", "key_id": "0000000000000000"}),
    )
    .await;
    assert_eq!(response["statusCode"], 200, "{response}");
    let body: serde_json::Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["name"], "Léa Martin");
    // Another business allowed: Léa is not one of its clients.
    let other = integrators_api(json!({"tenant": "salon-zoe"})).await;
    assert_eq!(other["statusCode"], 404, "{other}");
    // No tenant in the authorizer's context: never reaches a route.
    let none = integrators_api(json!({"integrator": "acme"})).await;
    assert_eq!(none["statusCode"], 401, "{none}");
}

#[tokio::test]
async fn the_key_authorizer_allows_a_granted_business_and_refuses_the_rest_with_an_empty_context() {
    use rappel_core::access::IntegratorId;
    use rappel_core::model::TenantId;
    use rappel_ports::credentials::MemoryCredentials;
    let store = MemoryCredentials::in_memory();
    let acme = IntegratorId::parse("acme").unwrap();
    let at = chrono::Utc::now();
    let (key, _) = rappel_app::access::issue_key(&store, &acme, "prod", at)
        .await
        .unwrap();
    let salon = TenantId::parse("salon-lea").unwrap();
    rappel_app::access::grant(&store, &acme, &salon, at)
        .await
        .unwrap();
    let answer = |authorization: String, business: &'static str| {
        let mut event: serde_json::Value = serde_json::from_str(AUTHORIZER_REQUEST).unwrap();
        event["headers"]["authorization"] = json!(authorization);
        event["headers"]["x-rappel-business"] = json!(business);
        let event = serde_json::from_value(event).unwrap();
        let store = &store;
        async move {
            let response = rappel_authorizer::function_handler(
                LambdaEvent::new(event, Context::default()),
                store,
            )
            .await
            .expect("the store answers");
            serde_json::to_value(response).unwrap()
        }
    };
    let allowed = answer(format!("Bearer {}", key.reveal()), "salon-lea").await;
    assert_eq!(
        allowed,
        json!({"isAuthorized": true, "context": {"tenant": "salon-lea", "integrator": "acme", "key_id": key.id().as_str()}})
    );
    let lowercase = answer(format!("bearer {}", key.reveal()), "salon-lea").await;
    assert_eq!(lowercase["isAuthorized"], true);
    for (authorization, business) in [
        (format!("Bearer {}", key.reveal()), "salon-zoe"),
        (format!("Bearer {}", key.reveal()), ""),
        (
            "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln".to_owned(),
            "salon-lea",
        ),
        (key.reveal(), "salon-lea"),
    ] {
        let refused = answer(authorization.clone(), business).await;
        assert_eq!(
            refused["isAuthorized"], false,
            "{authorization} for {business:?}"
        );
        assert_eq!(
            refused["context"],
            json!({"tenant": "", "integrator": "", "key_id": ""})
        );
    }
}

/// The API function's router as its Lambda serves it (tenant claim `tenant_id`), over the fakes.
async fn lambda_router_over_fakes() -> axum::Router {
    let fakes = fakes().await;
    rappel_api::lambda::lambda_router(
        fakes.delivery.api(rappel_app::ApiPorts {
            progress: fakes.services.progress.clone(),
            idempotency: Arc::new(rappel_ports::idempotency::MemoryIdempotency::in_memory()),
            domains: Arc::new(rappel_ports::sending_domains::MemorySendingDomains::in_memory()),
            events: Arc::new(rappel_ports::events::MemoryEventLog::in_memory()),
            webhooks: Arc::new(rappel_ports::webhooks::MemoryWebhooks::in_memory()),
            erasures: Arc::new(rappel_ports::send_queue::InProcessQueue::<
                rappel_ports::erasure::ErasureWork,
            >::in_memory()),
            mailboxes: None,
        }),
        "tenant_id".into(),
        fakes.delivery.links.clone(),
    )
}
