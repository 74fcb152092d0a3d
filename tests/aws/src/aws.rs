//! The emulator harness: the real Lambda handlers, composed with the real AWS adapters, against
//! moto server over HTTP. moto stores and serves but never invokes anything, so this harness
//! plays Lambda's part:
//!
//! - API calls are API Gateway HTTP API (v2) events, built from the shipped fixture, carrying
//!   the tenant as a JWT claim, and run through `lambda_http`'s own adapter;
//! - the stream is read with the DynamoDB Streams API (shards, iterators, `GetRecords`) and
//!   each batch is wrapped as Lambda's event source mapping delivers it;
//! - due schedules are read back from the Scheduler API and their input put on the send queue
//!   at their own instant (what the schedule's SQS target does), then deleted
//!   (`ActionAfterCompletion: DELETE`);
//! - the send queue is read with SQS `ReceiveMessage` and each batch handed to the send
//!   function as the queue's event source mapping would; the messages it did not report as
//!   failures are deleted.
//!
//! Each [`AwsApp`] has its own tables, schedule group, sender identity and secret, so tests can
//! run in parallel against one emulator. `infra/test.sh` starts moto and sets
//! `RAPPEL_EMULATOR_URL`.

use crate::provision::Resources;
use crate::recording::recorded_requests;
pub use crate::recording::{recording_mark, save_recording_since};
use aws_config::SdkConfig;
use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::sns::SnsEvent;
use aws_lambda_events::event::sqs::SqsEvent;
use chrono::{DateTime, NaiveDateTime, Utc};
use lambda_http::request::LambdaRequest;
use lambda_runtime::{Context, LambdaEvent};
use mail_parser::{MessageParser, MimeHeaders};
use rappel_api::lambda::LambdaApi;
use rappel_app::erasure::ErasureServices;
use rappel_app::{DeliveryServices, ReactionServices};
use rappel_aws::wiring;
use rappel_core::message::Lane;
use rappel_ports::clock::{Clock, VirtualClock};
use rappel_publish::{HttpsPoster, PublishServices};
use rappel_testkit::fault_proxy::{FaultPlan, FaultProxy};
use rappel_testkit::{CallsApi, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

pub use rappel_testkit::fixtures::LEA_MAIL;
pub const EMULATOR_VAR: &str = "RAPPEL_EMULATOR_URL";
const API_EVENT: &str = include_str!("../../../infra/events/api-gateway-http-request.json");
const SMS_TWO_WAY_INBOUND: &str = include_str!("../../../infra/events/sms-two-way-inbound.json");
const SNS_NOTIFICATIONS: &str = include_str!("../../../infra/events/sns-mail-events.json");
const INTEGRATOR_EVENT: &str =
    include_str!("../../../infra/events/api-gateway-integrator-request.json");

pub struct AwsApp {
    pub endpoint: String,
    pub resources: Resources,
    pub sdk: SdkConfig,
    pub clock: Arc<VirtualClock>,
    pub tenant: String,
    /// A French mobile number no other app uses (moto's SMS log is shared).
    pub phone: String,
    api: LambdaApi,
    pub services: ReactionServices,
    /// The re-plan function's services.
    pub replan: ReactionServices,
    /// The send function's services.
    pub delivery: DeliveryServices,
    /// The erase function's services.
    pub erase: ErasureServices,
    scheduler: aws_sdk_scheduler::Client,
    sqs: aws_sdk_sqs::Client,
    http: reqwest::Client,
    stream: StreamReader,
    /// The publish function's services (retries later than now are schedules the harness
    /// fires on its clock).
    pub publish: PublishServices,
    /// The deliveries table's stream: the events the publish function reads.
    events_stream: StreamReader,
    /// Between the functions' SDK clients and the emulator when `RAPPEL_AWS_FAULTS` is set.
    pub faults: Option<FaultProxy>,
}

/// Receives of one send-queue message before it would go to the dead-letter queue
/// (`maxReceiveCount` in template.yaml).
const MAX_RECEIVES: usize = 10;
/// Receives of one re-plan step (or erasure wake-up) before it would go to its dead-letter
/// queue (`maxReceiveCount` in template.yaml).
const REPLAN_RECEIVES: usize = 5;

/// The functions the harness hands one queue message at a time.
#[derive(Clone, Copy)]
enum Consumer {
    Replan,
    Erase,
}
/// Deliveries of one stream batch before Lambda gives up on it (`MaximumRetryAttempts: 5`
/// in template.yaml, plus the first).
const MAX_BATCH_DELIVERIES: usize = 6;

/// One e-mail as SES received it, parsed from the raw MIME.
#[derive(Debug, Clone)]
pub struct SentEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub reply_to: Option<String>,
    /// `(content type with parameters, body)` of the `invite.ics` part.
    pub calendar: Option<(String, String)>,
    pub raw: String,
}

#[derive(Debug, Clone)]
pub struct SentSms {
    pub to: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct PendingSchedule {
    pub name: String,
    pub at: DateTime<Utc>,
    pub expression: String,
    pub time_zone: String,
    pub input: Value,
    pub target: ScheduleTargetSeen,
}

/// Where a schedule puts its input: the queue's ARN and the message group.
#[derive(Debug, Clone, Default)]
pub struct ScheduleTargetSeen {
    pub arn: String,
    pub message_group: Option<String>,
}

/// A recurring schedule as the emulator holds it.
#[derive(Debug, Clone)]
pub struct RecurringPending {
    pub name: String,
    pub expression: String,
    pub time_zone: String,
    pub input: Value,
    pub target: ScheduleTargetSeen,
    /// `StartDate`, in seconds since the epoch.
    pub start_date: Option<i64>,
    pub after_completion: Option<String>,
}

/// An API Gateway HTTP API (v2) event, built from the shipped fixture, as the authorizer
/// passes it on with these JWT claims.
pub fn api_gateway_event(
    method: &str,
    path: &str,
    body: Option<Value>,
    claims: Value,
) -> LambdaRequest {
    api_gateway_event_with_headers(method, path, body, claims, &[])
}

/// [`api_gateway_event`] with these request headers too.
pub fn api_gateway_event_with_headers(
    method: &str,
    path: &str,
    body: Option<Value>,
    claims: Value,
    headers: &[(&str, &str)],
) -> LambdaRequest {
    let mut event: Value = serde_json::from_str(API_EVENT).expect("the fixture is JSON");
    let (raw_path, query) = path.split_once('?').unwrap_or((path, ""));
    event["rawPath"] = json!(raw_path);
    event["rawQueryString"] = json!(query);
    event["requestContext"]["http"]["method"] = json!(method);
    event["requestContext"]["http"]["path"] = json!(raw_path);
    event["requestContext"]["authorizer"]["jwt"]["claims"] = claims;
    if let Some(body) = body {
        event["body"] = json!(body.to_string());
    }
    for (name, value) in headers {
        event["headers"][*name] = json!(value);
    }
    serde_json::from_value(event).expect("an API Gateway v2 event")
}

/// A form posted to a public link route (`/links/…?exp=…&sig=…`), as a mail provider's
/// one-click unsubscribe sends it: the body as it is, URL-encoded.
pub fn link_form_event(path: &str, form: &str) -> LambdaRequest {
    let mut event: Value = serde_json::from_str(API_EVENT).expect("the fixture is JSON");
    let (raw_path, query) = path.split_once('?').unwrap_or((path, ""));
    event["rawPath"] = json!(raw_path);
    event["rawQueryString"] = json!(query);
    event["requestContext"]["http"]["method"] = json!("POST");
    event["requestContext"]["http"]["path"] = json!(raw_path);
    event["headers"]["content-type"] = json!("application/x-www-form-urlencoded");
    event["body"] = json!(form);
    serde_json::from_value(event).expect("an API Gateway v2 event")
}

/// An event of the integrators' HTTP API (built from its shipped fixture), as API Gateway
/// passes it on after the key authorizer allowed it with `context` (`{"tenant": …}`).
pub fn integrator_gateway_event(
    method: &str,
    path: &str,
    body: Option<Value>,
    context: Value,
) -> LambdaRequest {
    let mut event: Value = serde_json::from_str(INTEGRATOR_EVENT).expect("the fixture is JSON");
    let (raw_path, query) = path.split_once('?').unwrap_or((path, ""));
    event["rawPath"] = json!(raw_path);
    event["rawQueryString"] = json!(query);
    event["requestContext"]["http"]["method"] = json!(method);
    event["requestContext"]["http"]["path"] = json!(raw_path);
    event["requestContext"]["authorizer"]["lambda"] = context;
    if let Some(body) = body {
        event["body"] = json!(body.to_string());
    }
    serde_json::from_value(event).expect("an API Gateway v2 event")
}

/// Runs one API Gateway event through the API function's Lambda handler, as
/// `lambda_http::run` does in its binary.
pub async fn call_lambda_api(api: &LambdaApi, request: LambdaRequest) -> Response {
    let api = api.clone();
    let handler = lambda_http::service_fn(move |request| {
        let api = api.clone();
        async move { Ok::<_, std::convert::Infallible>(api.handle(request).await) }
    });
    let response = lambda_http::Adapter::from(handler)
        .oneshot(LambdaEvent::new(request, Context::default()))
        .await
        .expect("the API function answers");
    let response = serde_json::to_value(response).expect("a response event");
    let status = response["statusCode"].as_u64().expect("a status") as u16;
    let text = response["body"].as_str().unwrap_or_default();
    Response {
        status,
        body: serde_json::from_str(text).unwrap_or(Value::String(text.to_owned())),
    }
}

/// A client's text to the two-way number `to`, as End User Messaging publishes it to the
/// number's topic (AWS's documented payload, `infra/events/sms-two-way-inbound.json`), in the
/// SNS notification Lambda receives.
pub fn two_way_text(to: &str, from: &str, body: &str, id: &str) -> SnsEvent {
    let mut payload: Value =
        serde_json::from_str(SMS_TWO_WAY_INBOUND).expect("the documented payload");
    payload["originationNumber"] = json!(from);
    payload["destinationNumber"] = json!(to);
    payload["messageBody"] = json!(body);
    payload["inboundMessageId"] = json!(id);
    let mut event: SnsEvent = serde_json::from_str(SNS_NOTIFICATIONS).expect("an SNS event");
    event.records.truncate(1);
    event.records[0].sns.message = payload.to_string();
    event
}

pub fn emulator_url() -> String {
    std::env::var(EMULATOR_VAR).unwrap_or_else(|_| {
        panic!("{EMULATOR_VAR} is not set: run the tests with `bash infra/test.sh`, which starts the emulator")
    })
}

/// A fresh deployment on the emulator with the clock at `now`; `verified_sender: false` leaves
/// the SES identity unverified, so every e-mail is rejected.
pub async fn spawn_aws_app(now: DateTime<Utc>, verified_sender: bool) -> AwsApp {
    spawn_aws_app_with_faults(now, verified_sender, FaultPlan::from_env()).await
}

/// [`spawn_aws_app`] with the functions' SDK clients behind a fault proxy following `plan`
/// (change it with [`FaultProxy::set_plan`] once the scene is set).
pub async fn spawn_aws_app_with_faults(
    now: DateTime<Utc>,
    verified_sender: bool,
    plan: Option<FaultPlan>,
) -> AwsApp {
    rappel_testkit::test_log();
    let endpoint = emulator_url();
    let prefix = format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let mut resources = Resources::named(&prefix);
    let sdk = rappel_aws::sdk::load_for_emulator(&endpoint).await;
    // moto answers an index query by reading the whole table: with tens of thousands of items
    // (the full-size big-business run) one query takes seconds, beyond the functions' attempt
    // timeout. `RAPPEL_EMULATOR_TIMEOUT_SECS` gives every call that long instead.
    let sdk = match std::env::var("RAPPEL_EMULATOR_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        Some(seconds) => sdk
            .to_builder()
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .operation_attempt_timeout(std::time::Duration::from_secs(seconds))
                    .operation_timeout(std::time::Duration::from_secs(seconds * 2))
                    .build(),
            )
            .build(),
        None => sdk,
    };
    resources
        .create(
            &sdk,
            b"integration-test-link-signing-key-0123456789",
            verified_sender,
        )
        .await
        .expect("the emulator accepts the resources");
    let clock = Arc::new(VirtualClock::starting_at(now));
    let env = resources.env();
    let faults = match plan {
        Some(plan) => {
            // Each app draws its own sequence (the same seed everywhere would fail the same
            // few requests of every test).
            static APPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let nth = APPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let plan = FaultPlan {
                seed: plan.seed.wrapping_add(nth.wrapping_mul(0x9E37_79B9)),
                ..plan
            };
            Some(FaultProxy::start(&endpoint, plan).await)
        }
        None => None,
    };
    // Each function's calls carry its name in their user agent (`app/rappel-api`, …), so a
    // recording of the emulator's traffic tells them apart (infra/count-aws-calls.sh). With
    // faults on, they go through the proxy; the harness (AWS itself) talks to moto directly.
    let named = |name: &str| {
        let builder = sdk
            .to_builder()
            .app_name(aws_config::AppName::new(name.to_owned()).expect("a valid app name"));
        match &faults {
            Some(proxy) => builder.endpoint_url(&proxy.url).build(),
            None => builder.build(),
        }
    };
    let (api_sdk, change_sdk, replan_sdk, send_sdk, publish_sdk, erase_sdk) = (
        named("rappel-api"),
        named("rappel-change-handler"),
        named("rappel-replan"),
        named("rappel-send"),
        named("rappel-publish"),
        named("rappel-erase"),
    );
    let api_services =
        wiring::api_services(&api_sdk, &env, clock.clone()).expect("the API composes");
    let api = LambdaApi::new(
        api_services,
        wiring::tenant_claim(&env).expect("a tenant claim"),
        wiring::lazy_link_keys(&api_sdk, &env).expect("the link variables are set"),
    );
    let services = wiring::reaction_services(&change_sdk, &env, clock.clone())
        .expect("the change handler composes");
    let replan = wiring::reaction_services(&replan_sdk, &env, clock.clone())
        .expect("the re-plan function composes");
    let delivery = wiring::delivery_services(&send_sdk, &env, clock.clone())
        .await
        .expect("the send function composes");
    let erase = wiring::erasure_services(&erase_sdk, &env, clock.clone())
        .expect("the erase function composes");
    let publish = PublishServices {
        dispatch: wiring::webhook_dispatch_delaying_up_to(
            &publish_sdk,
            &env,
            clock.clone(),
            Arc::new(HttpsPoster::allowing_http().expect("an HTTP client")),
            0,
        )
        .expect("the publish function composes"),
        bus: Arc::new(wiring::event_bus(&publish_sdk, &env).expect("a bus")),
    };
    let http = reqwest::Client::new();
    let stream = StreamReader::open(&http, &endpoint, &resources.records_table).await;
    let events_stream = StreamReader::open(&http, &endpoint, &resources.deliveries_table).await;
    // The harness's own calls carry `app/rappel-harness` in their user agent, so a recording of
    // the emulator's traffic can tell them from the functions' calls (infra/count-aws-calls.sh).
    let harness_sdk = sdk
        .to_builder()
        .app_name(aws_config::AppName::new("rappel-harness").expect("a valid app name"))
        .build();
    AwsApp {
        scheduler: aws_sdk_scheduler::Client::new(&harness_sdk),
        sqs: aws_sdk_sqs::Client::new(&harness_sdk),
        delivery,
        erase,
        endpoint,
        resources,
        sdk,
        clock,
        tenant: "salon-lea".into(),
        phone: unique_phone(),
        api,
        services,
        replan,
        http,
        stream,
        publish,
        events_stream,
        faults,
    }
}

/// With faults on, each app adds what its proxy saw to `target/aws-faults.jsonl` (one line per
/// app: requests and faults by operation), which `bash infra/test.sh` sums up.
impl Drop for AwsApp {
    fn drop(&mut self) {
        let Some(proxy) = &self.faults else { return };
        let counts = proxy.counts();
        let faults: Vec<Value> = counts
            .faults
            .iter()
            .map(|((operation, fault), n)| json!({"operation": operation, "fault": format!("{fault:?}"), "n": n}))
            .collect();
        let line = json!({
            "requests": counts.total_requests(),
            "faults": counts.total_faults(),
            "by_operation": counts.requests,
            "injected": faults,
        });
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/aws-faults.jsonl");
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            use std::io::Write;
            let _ = writeln!(file, "{line}");
        }
    }
}

impl CallsApi for AwsApp {
    /// Calls the API function with an API Gateway v2 event, as the tenant of this app.
    ///
    /// With faults on, a 503 (AWS failing beyond the SDK's retries, `Retry-After`) is asked
    /// again a few times, as an integrator's client does.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Response {
        let claims = json!({"tenant_id": self.tenant});
        let mut tries = 0;
        loop {
            tries += 1;
            let answer = self
                .call_with_claims(method, path, body.clone(), claims.clone())
                .await;
            if answer.status != 503 || self.faults.is_none() || tries == 5 {
                return answer;
            }
        }
    }
}

impl AwsApp {
    /// The salon: Paris, French, one day-before e-mail reminder, a 2-hour SMS reminder and one
    /// follow-up e-mail the day after.
    pub async fn seed_salon(&self) {
        let settings = json!({
            "business_name": "Salon Léa",
            "time_zone": "Europe/Paris",
            "default_locale": "fr",
            "sender_mode": "staff_reply_to",
            "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}],
            "notifications": {
                "reminders": [{"offset": "1d", "email": true}, {"offset": "2h", "sms": true}],
                "follow_ups": [{"after_end": "1d", "email": true}]
            }
        });
        let saved = self.put("/v1/settings", settings).await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        self.seed_catalog().await;
        self.pump_stream().await;
    }

    /// Léa: French, e-mail on file, and the given phone.
    pub async fn create_lea(&self, phone: &str) -> String {
        let created = self
            .post(
                "/v1/clients",
                json!({"name": "Léa Martin", "email": LEA_MAIL, "phone": phone}),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        self.pump_stream().await;
        created.body["id"].as_str().unwrap().to_owned()
    }

    /// Books `client` online for Friday 27 March 2026, 10:00–10:45 in Paris; returns the id.
    pub async fn book_friday_10am(&self, client: &str) -> String {
        let booked = self
            .book(
                client,
                "2026-03-27T10:00:00+01:00",
                "2026-03-27T10:45:00+01:00",
            )
            .await;
        let (_, response) = self.pump_stream().await;
        assert_eq!(
            response["batchItemFailures"],
            json!([]),
            "the batch succeeds"
        );
        booked["id"].as_str().unwrap().to_owned()
    }

    /// `POST path` as this app's tenant with an `Idempotency-Key`.
    pub async fn post_with_key(&self, path: &str, body: Value, key: &str) -> Response {
        let claims = json!({"tenant_id": self.tenant});
        let event = api_gateway_event_with_headers(
            "POST",
            path,
            Some(body),
            claims,
            &[("idempotency-key", key)],
        );
        call_lambda_api(&self.api, event).await
    }

    /// Runs one API Gateway event through this app's API function.
    pub async fn call_event(&self, request: LambdaRequest) -> Response {
        call_lambda_api(&self.api, request).await
    }

    pub async fn call_with_claims(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        claims: Value,
    ) -> Response {
        call_lambda_api(&self.api, api_gateway_event(method, path, body, claims)).await
    }

    /// Reads the stream's new records without handing them to anyone (a batch Lambda will
    /// give up on, in the dead-letter tests).
    pub async fn read_stream(&self) -> Event {
        self.stream.read_new(&self.http, &self.endpoint).await
    }

    /// The records stream's ARN and its (single, on the emulator) shard.
    pub async fn stream_shard(&self) -> (String, String) {
        let described = aws_json(
            &self.http,
            &self.endpoint,
            "DynamoDBStreams_20120810.DescribeStream",
            "dynamodb",
            json!({"StreamArn": self.stream.stream_arn}),
        )
        .await;
        let shard = described["StreamDescription"]["Shards"][0]["ShardId"]
            .as_str()
            .expect("a shard")
            .to_owned();
        (self.stream.stream_arn.clone(), shard)
    }

    /// A queue of this app's (a dead-letter queue in the replay tests); its URL.
    pub async fn create_queue(&self, suffix: &str) -> String {
        self.sqs
            .create_queue()
            .queue_name(format!("{}-{suffix}", self.resources.send_queue_name))
            .send()
            .await
            .expect("the emulator creates the queue")
            .queue_url()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn put_on_queue(&self, queue_url: &str, body: &str) {
        self.sqs
            .send_message()
            .queue_url(queue_url)
            .message_body(body)
            .send()
            .await
            .expect("the queue accepts the message");
    }

    /// Messages visible on a queue.
    pub async fn queue_depth(&self, queue_url: &str) -> usize {
        self.sqs
            .get_queue_attributes()
            .queue_url(queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            .send()
            .await
            .expect("queue attributes")
            .attributes()
            .and_then(|a| {
                a.get(&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            })
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    /// Reads every new stream record and hands them, as one Lambda batch, to the change handler.
    /// Returns the records in the batch and the handler's response.
    pub async fn pump_stream(&self) -> (Event, Value) {
        let event = self.stream.read_new(&self.http, &self.endpoint).await;
        let response = self.deliver_batch(event.clone()).await;
        (event, response)
    }

    /// Hands a batch to the change handler, as Lambda would (also used to replay one), then
    /// lets the send queue's consumer deliver what the change queued.
    ///
    /// Like Lambda with `ReportBatchItemFailures`, a batch with failed items is delivered again
    /// from its first failed record on, up to the template's retry attempts; the response
    /// returned is the last one.
    pub async fn deliver_batch(&self, mut event: Event) -> Value {
        let mut deliveries = 0;
        loop {
            deliveries += 1;
            let response = rappel_change_handler::function_handler(
                LambdaEvent::new(event.clone(), Context::default()),
                &self.services,
            )
            .await
            .unwrap_or_else(|never| match never {});
            self.drain_replan_queue().await;
            self.drain_send_queue().await;
            let first_failed = response
                .batch_item_failures
                .iter()
                .filter_map(|f| f.item_identifier.clone())
                .min();
            let retry_from = first_failed.and_then(|sequence| {
                event
                    .records
                    .iter()
                    .position(|r| r.change.sequence_number.as_deref() == Some(sequence.as_str()))
            });
            match retry_from {
                Some(at) if deliveries < MAX_BATCH_DELIVERIES => {
                    event.records.drain(..at);
                }
                _ => return serde_json::to_value(response).expect("a batch response"),
            }
        }
    }

    /// Reads the stream's new records and hands them to the change handler, leaving what it
    /// queued on the send queue (for a test that drives the send function step by step).
    pub async fn react_without_sending(&self) -> Value {
        let event = self.stream.read_new(&self.http, &self.endpoint).await;
        let response = rappel_change_handler::function_handler(
            LambdaEvent::new(event, Context::default()),
            &self.services,
        )
        .await
        .unwrap_or_else(|never| match never {});
        serde_json::to_value(response).expect("a batch response")
    }

    /// Runs the re-plan queue dry, as its event source mapping would: each step handed to the
    /// re-plan function on its own (batch size 1), deleted unless reported as failed; a failed
    /// step is received again until it has been 5 times (the queue's redrive count). Returns
    /// the steps handled.
    pub async fn drain_replan_queue(&self) -> usize {
        self.drain_one_by_one(Consumer::Replan).await
    }

    /// Runs the erasure queue dry, as its event source mapping would (batch size 1, 5
    /// receives): each wake-up handed to the erase function. Returns the wake-ups handled.
    pub async fn drain_erasure_queue(&self) -> usize {
        self.drain_one_by_one(Consumer::Erase).await
    }

    async fn drain_one_by_one(&self, consumer: Consumer) -> usize {
        let queue_url = match consumer {
            Consumer::Replan => &self.resources.replan_queue_url,
            Consumer::Erase => &self.resources.erasure_queue_url,
        };
        let mut handled = 0;
        loop {
            let received = self
                .sqs
                .receive_message()
                .queue_url(queue_url)
                .max_number_of_messages(10)
                .message_system_attribute_names(
                    aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount,
                )
                .send()
                .await
                .expect("the queue can be read");
            let messages = received.messages();
            if messages.is_empty() {
                return handled;
            }
            for message in messages {
                let event: SqsEvent = serde_json::from_value(json!({"Records": [{
                    "messageId": message.message_id(),
                    "receiptHandle": message.receipt_handle(),
                    "body": message.body(),
                    "attributes": {"ApproximateReceiveCount": "1"},
                    "messageAttributes": {},
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:queue",
                    "awsRegion": "us-east-1",
                }]}))
                .expect("an SQS event as Lambda delivers it");
                let event = LambdaEvent::new(event, Context::default());
                let response = match consumer {
                    Consumer::Replan => rappel_replan::function_handler(event, &self.replan).await,
                    Consumer::Erase => rappel_erase::function_handler(event, &self.erase).await,
                }
                .unwrap_or_else(|never| match never {});
                handled += 1;
                let receives = message
                    .attributes()
                    .and_then(|a| a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount))
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(1);
                if response.batch_item_failures.is_empty() || receives >= REPLAN_RECEIVES {
                    self.sqs
                        .delete_message()
                        .queue_url(queue_url)
                        .receipt_handle(message.receipt_handle().unwrap_or_default())
                        .send()
                        .await
                        .expect("a handled message is deleted");
                } else {
                    self.sqs
                        .change_message_visibility()
                        .queue_url(queue_url)
                        .receipt_handle(message.receipt_handle().unwrap_or_default())
                        .visibility_timeout(0)
                        .send()
                        .await
                        .expect("a failed message is made visible again");
                }
            }
        }
    }

    /// The queue of a lane: its URL and ARN.
    pub fn lane_queue(&self, lane: Lane) -> (&str, &str) {
        match lane {
            Lane::Urgent => (
                &self.resources.send_queue_url,
                &self.resources.send_queue_arn,
            ),
            Lane::Bulk => (
                &self.resources.bulk_send_queue_url,
                &self.resources.bulk_send_queue_arn,
            ),
        }
    }

    /// The lane of the queue named by `arn`.
    fn lane_of_arn(&self, arn: &str) -> Lane {
        if arn == self.resources.bulk_send_queue_arn {
            Lane::Bulk
        } else {
            Lane::Urgent
        }
    }

    /// Receives up to ten messages of the urgent lane's queue, as the event source mapping
    /// does (they stay invisible until deleted or returned).
    pub async fn receive_send_messages(&self) -> Vec<aws_sdk_sqs::types::Message> {
        self.receive_lane(Lane::Urgent).await
    }

    /// Receives up to ten messages of a lane's queue, with their message group.
    pub async fn receive_lane(&self, lane: Lane) -> Vec<aws_sdk_sqs::types::Message> {
        self.sqs
            .receive_message()
            .queue_url(self.lane_queue(lane).0)
            .max_number_of_messages(10)
            .message_system_attribute_names(
                aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount,
            )
            .message_system_attribute_names(
                aws_sdk_sqs::types::MessageSystemAttributeName::MessageGroupId,
            )
            .send()
            .await
            .expect("the send queue can be read")
            .messages()
            .to_vec()
    }

    /// Hands `messages` of the urgent lane to the send function (see [`Self::run_lane`]).
    pub async fn run_send_function(
        &self,
        messages: &[aws_sdk_sqs::types::Message],
        deadline: Option<std::time::Duration>,
    ) -> Option<Vec<String>> {
        self.run_lane(Lane::Urgent, messages, deadline).await
    }

    /// Hands `messages` of a lane's queue to the send function as one batch, as Lambda does:
    /// with `deadline`, the invocation's context says it must end that long from now, and it
    /// is stopped there if it has not returned (what Lambda does to an invocation that reaches
    /// its timeout). Returns the ids the function reported as failed, or `None` if it was
    /// stopped.
    pub async fn run_lane(
        &self,
        lane: Lane,
        messages: &[aws_sdk_sqs::types::Message],
        deadline: Option<std::time::Duration>,
    ) -> Option<Vec<String>> {
        let records: Vec<Value> = messages
            .iter()
            .map(|m| {
                json!({
                    "messageId": m.message_id(),
                    "receiptHandle": m.receipt_handle(),
                    "body": m.body(),
                    "attributes": {"ApproximateReceiveCount": m.attributes()
                        .and_then(|a| a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount))
                        .cloned()
                        .unwrap_or_else(|| "1".into())},
                    "messageAttributes": {},
                    "eventSource": "aws:sqs",
                    "eventSourceARN": self.lane_queue(lane).1,
                    "awsRegion": "us-east-1",
                })
            })
            .collect();
        let event = serde_json::from_value(json!({ "Records": records }))
            .expect("an SQS event as Lambda delivers it");
        let mut context = Context::default();
        if let Some(deadline) = deadline {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            context.deadline = u64::try_from((now + deadline).as_millis()).unwrap_or(u64::MAX);
        }
        let paces = rappel_send::LanePaces::unlimited();
        let run =
            rappel_send::function_handler(LambdaEvent::new(event, context), &self.delivery, &paces);
        let response = match deadline {
            Some(deadline) => tokio::time::timeout(deadline, run).await.ok()?,
            None => run.await,
        }
        .unwrap_or_else(|never| match never {});
        Some(
            response
                .batch_item_failures
                .iter()
                .map(|f| f.item_identifier.clone())
                .collect(),
        )
    }

    /// What the event source mapping does after a batch of the urgent lane: deletes the
    /// messages not reported as failed.
    pub async fn acknowledge(&self, messages: &[aws_sdk_sqs::types::Message], failed: &[String]) {
        self.acknowledge_in(Lane::Urgent, messages, failed).await;
    }

    async fn acknowledge_in(
        &self,
        lane: Lane,
        messages: &[aws_sdk_sqs::types::Message],
        failed: &[String],
    ) {
        for message in messages {
            if failed
                .iter()
                .any(|f| Some(f.as_str()) == message.message_id())
            {
                continue;
            }
            self.sqs
                .delete_message()
                .queue_url(self.lane_queue(lane).0)
                .receipt_handle(message.receipt_handle().unwrap_or_default())
                .send()
                .await
                .expect("a handled message is deleted");
        }
    }

    /// Makes received messages of the urgent lane visible again at once: what the queue does
    /// once their visibility timeout has passed (the test moves the clock past it itself).
    pub async fn return_to_queue(&self, messages: &[aws_sdk_sqs::types::Message]) {
        self.return_to_lane(Lane::Urgent, messages).await;
    }

    async fn return_to_lane(&self, lane: Lane, messages: &[aws_sdk_sqs::types::Message]) {
        for message in messages {
            self.sqs
                .change_message_visibility()
                .queue_url(self.lane_queue(lane).0)
                .receipt_handle(message.receipt_handle().unwrap_or_default())
                .visibility_timeout(0)
                .send()
                .await
                .expect("a message is made visible again");
        }
    }

    /// Receives both lanes' messages, ten at a time, the urgent lane first, and hands each
    /// batch to the send function as the event source mappings do; deletes those it did not
    /// report as failed. Returns the ids reported as failed (they stay invisible until the
    /// visibility timeout).
    pub async fn drain_send_queue(&self) -> Vec<String> {
        let mut failed = Vec::new();
        for lane in Lane::ALL {
            failed.extend(self.drain_lane(lane).await);
        }
        failed
    }

    async fn drain_lane(&self, lane: Lane) -> Vec<String> {
        let mut failed = Vec::new();
        loop {
            let messages = self.receive_lane(lane).await;
            if messages.is_empty() {
                return failed;
            }
            let retry = self
                .run_lane(lane, &messages, None)
                .await
                .unwrap_or_default();
            self.acknowledge_in(lane, &messages, &retry).await;
            for message in &messages {
                let id = message.message_id().unwrap_or_default();
                if !retry.iter().any(|r| r == id) {
                    continue;
                }
                // With faults on, the visibility timeout is taken as elapsed: the message
                // comes back until its receives would send it to the dead-letter queue.
                let receives = message
                    .attributes()
                    .and_then(|a| a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount))
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(1);
                if self.faults.is_some() && receives < MAX_RECEIVES {
                    self.return_to_lane(lane, std::slice::from_ref(message))
                        .await;
                } else {
                    failed.push(id.to_owned());
                }
            }
        }
    }

    /// Puts a firing's input on the queue its schedule targets, in its message group, as
    /// EventBridge Scheduler does.
    async fn put_firing(&self, target: &ScheduleTargetSeen, body: String) {
        let (url, _) = self.lane_queue(self.lane_of_arn(&target.arn));
        self.sqs
            .send_message()
            .queue_url(url)
            .message_body(body)
            .set_message_group_id(target.message_group.clone())
            .send()
            .await
            .expect("the send queue accepts the firing");
    }

    /// Every item of `table`, scanned page by page (the byte scans of erasure and retention).
    pub async fn scan_items(
        &self,
        table: &str,
    ) -> Vec<HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
        let dynamodb = aws_sdk_dynamodb::Client::new(&self.sdk);
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let page = dynamodb
                .scan()
                .table_name(table)
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("the table can be scanned");
            items.extend(page.items().iter().cloned());
            start = page.last_evaluated_key().cloned();
            if start.is_none() {
                return items;
            }
        }
    }

    /// The schedules waiting in this app's group, earliest first.
    /// The one-shot schedules of the group (`at()`), earliest first.
    pub async fn schedules(&self) -> Vec<PendingSchedule> {
        let retries = self.resources.webhook_retry_queue_arn.clone();
        self.one_shot_schedules()
            .await
            .into_iter()
            .filter(|s| s.target.arn != retries)
            .collect()
    }

    /// The webhook endpoints' retries waiting as schedules, earliest first.
    pub async fn webhook_retry_schedules(&self) -> Vec<PendingSchedule> {
        let retries = self.resources.webhook_retry_queue_arn.clone();
        self.one_shot_schedules()
            .await
            .into_iter()
            .filter(|s| s.target.arn == retries)
            .collect()
    }

    async fn one_shot_schedules(&self) -> Vec<PendingSchedule> {
        let mut pending: Vec<PendingSchedule> = self
            .all_schedules()
            .await
            .into_iter()
            .filter_map(|(schedule, _)| {
                let at = schedule
                    .expression
                    .strip_prefix("at(")
                    .and_then(|e| e.strip_suffix(')'))
                    .and_then(|e| NaiveDateTime::parse_from_str(e, "%Y-%m-%dT%H:%M:%S").ok())?
                    .and_utc();
                Some(PendingSchedule { at, ..schedule })
            })
            .collect();
        pending.sort_by_key(|p| p.at);
        pending
    }

    /// The recurring schedules of the group (`cron()`), by name, with their start date and
    /// what happens after completion.
    pub async fn recurring_schedules(&self) -> Vec<RecurringPending> {
        let mut recurring: Vec<RecurringPending> = self
            .all_schedules()
            .await
            .into_iter()
            .filter(|(s, _)| s.expression.starts_with("cron("))
            .map(|(schedule, extra)| RecurringPending {
                name: schedule.name,
                expression: schedule.expression,
                time_zone: schedule.time_zone,
                input: schedule.input,
                target: schedule.target,
                start_date: extra.0,
                after_completion: extra.1,
            })
            .collect();
        recurring.sort_by(|a, b| a.name.cmp(&b.name));
        recurring
    }

    /// Fires a recurring schedule as EventBridge Scheduler would for the occurrence `at`: its
    /// input, with `<aws.scheduler.scheduled-time>` filled in, goes on the send queue.
    pub async fn fire_recurring(
        &self,
        schedule: &RecurringPending,
        at: DateTime<Utc>,
    ) -> Vec<String> {
        let body = schedule.input.to_string().replace(
            "<aws.scheduler.scheduled-time>",
            &at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        );
        self.clock.set(at.max(self.clock.now()));
        self.put_firing(&schedule.target, body).await;
        self.drain_send_queue().await
    }

    /// Every schedule of the group, read back, with (start date, action after completion).
    async fn all_schedules(&self) -> Vec<(PendingSchedule, (Option<i64>, Option<String>))> {
        let mut names = Vec::new();
        let mut pages = self
            .scheduler
            .list_schedules()
            .group_name(&self.resources.schedule_group)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.expect("schedules list");
            for summary in page.schedules() {
                names.extend(summary.name().map(str::to_owned));
            }
        }
        let mut pending = Vec::new();
        for name in names {
            let schedule = self
                .scheduler
                .get_schedule()
                .group_name(&self.resources.schedule_group)
                .name(&name)
                .send()
                .await
                .expect("a listed schedule can be read");
            let expression = schedule
                .schedule_expression()
                .unwrap_or_default()
                .to_owned();
            let target = ScheduleTargetSeen {
                arn: schedule
                    .target()
                    .map(|t| t.arn().to_owned())
                    .unwrap_or_default(),
                message_group: schedule
                    .target()
                    .and_then(|t| t.sqs_parameters())
                    .and_then(|p| p.message_group_id())
                    .map(str::to_owned),
            };
            let input = schedule
                .target()
                .and_then(|t| t.input())
                .map(|i| serde_json::from_str(i).expect("JSON input"))
                .unwrap_or(Value::Null);
            let extra = (
                schedule.start_date().map(|d| d.secs()),
                schedule
                    .action_after_completion()
                    .map(|a| a.as_str().to_owned()),
            );
            pending.push((
                PendingSchedule {
                    name,
                    at: DateTime::<Utc>::MIN_UTC,
                    expression,
                    time_zone: schedule
                        .schedule_expression_timezone()
                        .unwrap_or_default()
                        .to_owned(),
                    input,
                    target,
                },
                extra,
            ));
        }
        pending
    }

    /// Deletes every schedule of the group (schedules lost: a group deleted, a mistaken
    /// clean-up).
    pub async fn delete_every_schedule(&self) {
        for (schedule, _) in self.all_schedules().await {
            self.scheduler
                .delete_schedule()
                .group_name(&self.resources.schedule_group)
                .name(&schedule.name)
                .send()
                .await
                .expect("a schedule is deleted");
        }
    }

    /// How many schedules the group holds (listed only, not read one by one).
    pub async fn count_schedules(&self) -> usize {
        let mut pages = self
            .scheduler
            .list_schedules()
            .group_name(&self.resources.schedule_group)
            .into_paginator()
            .send();
        let mut count = 0;
        while let Some(page) = pages.next().await {
            count += page.expect("schedules list").schedules().len();
        }
        count
    }

    /// The names of every schedule of the group, sorted.
    pub async fn schedule_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .all_schedules()
            .await
            .into_iter()
            .map(|(s, _)| s.name)
            .collect();
        names.sort();
        names
    }

    /// Puts a schedule's input on the send queue, as its SQS target does when it fires, then
    /// lets the queue's consumer run. Returns the ids the send function reported as failed.
    pub async fn fire(&self, schedule: &PendingSchedule) -> Vec<String> {
        self.put_firing(&schedule.target, schedule.input.to_string())
            .await;
        self.drain_send_queue().await
    }

    /// Moves the clock to `instant`, firing each schedule due by then at its own time (then
    /// deleting it, as `ActionAfterCompletion: DELETE` does) and pumping the stream after each.
    pub async fn advance_to(&self, instant: &str) {
        let target: DateTime<Utc> = DateTime::parse_from_rfc3339(instant)
            .expect("an RFC 3339 instant")
            .with_timezone(&Utc);
        loop {
            let due = self.schedules().await.into_iter().find(|s| s.at <= target);
            let Some(schedule) = due else { break };
            self.clock.set(schedule.at.max(self.clock.now()));
            let failed = self.fire(&schedule).await;
            assert!(failed.is_empty(), "the send function succeeds: {failed:?}");
            self.scheduler
                .delete_schedule()
                .group_name(&self.resources.schedule_group)
                .name(&schedule.name)
                .send()
                .await
                .expect("a fired schedule is deleted after completion");
            self.pump_stream().await;
        }
        self.clock.set(target);
    }

    /// Reads the deliveries table's new stream records and hands them, as one Lambda batch,
    /// to the publish function — a moment later than they were written, as Lambda does (the
    /// clock moves past the events' settle window). Like Lambda with `ReportBatchItemFailures`,
    /// a batch with failed items is delivered again from its first failed record on, up to the
    /// template's retry attempts. Returns the last batch response.
    pub async fn pump_events(&self) -> Value {
        let mut event = self
            .events_stream
            .read_new(&self.http, &self.endpoint)
            .await;
        self.clock
            .advance(rappel_core::events::SETTLE_WINDOW + chrono::Duration::seconds(1));
        let mut deliveries = 0;
        loop {
            deliveries += 1;
            let payload = serde_json::to_value(&event).expect("a stream event serialises");
            let response = rappel_publish::function_handler(
                LambdaEvent::new(payload, Context::default()),
                &self.publish,
            )
            .await
            .expect("the publish function answers");
            let first_failed = response["batchItemFailures"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["itemIdentifier"].as_str())
                .min()
                .map(str::to_owned);
            let retry_from = first_failed.and_then(|sequence| {
                event
                    .records
                    .iter()
                    .position(|r| r.change.sequence_number.as_deref() == Some(sequence.as_str()))
            });
            match retry_from {
                Some(at) if deliveries < MAX_BATCH_DELIVERIES => {
                    event.records.drain(..at);
                }
                _ => return response,
            }
        }
    }

    /// Runs the publish function on the webhook retry queue until it is empty, as its event
    /// source mapping does; a message handed back is received again (at once, standing in for
    /// its visibility timeout) up to 5 times, then left (the dead-letter queue). Returns how
    /// many messages were handled.
    pub async fn run_webhook_retries(&self) -> usize {
        let mut handled = 0;
        for _ in 0..1000 {
            let received = self
                .sqs
                .receive_message()
                .queue_url(&self.resources.webhook_retry_queue_url)
                .max_number_of_messages(10)
                .message_system_attribute_names(
                    aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount,
                )
                .send()
                .await
                .expect("the retry queue can be read");
            let messages = received.messages();
            if messages.is_empty() {
                break;
            }
            let records: Vec<Value> = messages
                .iter()
                .map(|m| {
                    json!({
                        "messageId": m.message_id(),
                        "receiptHandle": m.receipt_handle(),
                        "body": m.body(),
                        "attributes": {"ApproximateReceiveCount": "1"},
                        "messageAttributes": {},
                        "eventSource": "aws:sqs",
                        "eventSourceARN": self.resources.webhook_retry_queue_arn,
                        "awsRegion": "us-east-1",
                    })
                })
                .collect();
            let response = rappel_publish::function_handler(
                LambdaEvent::new(json!({ "Records": records }), Context::default()),
                &self.publish,
            )
            .await
            .expect("the publish function answers");
            let failed: Vec<&str> = response["batchItemFailures"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|f| f["itemIdentifier"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            for message in messages {
                handled += 1;
                let receives = message
                    .attributes()
                    .and_then(|a| a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount))
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(1);
                if failed.contains(&message.message_id().unwrap_or_default())
                    && receives < REPLAN_RECEIVES
                {
                    self.sqs
                        .change_message_visibility()
                        .queue_url(&self.resources.webhook_retry_queue_url)
                        .receipt_handle(message.receipt_handle().unwrap_or_default())
                        .visibility_timeout(0)
                        .send()
                        .await
                        .expect("a failed retry is made visible again");
                    continue;
                }
                self.sqs
                    .delete_message()
                    .queue_url(&self.resources.webhook_retry_queue_url)
                    .receipt_handle(message.receipt_handle().unwrap_or_default())
                    .send()
                    .await
                    .expect("a handled retry is deleted");
            }
        }
        handled
    }

    /// Moves the clock to `until`, firing each webhook retry schedule due by then at its own
    /// time (its input onto the retry queue, then deleted as `ActionAfterCompletion: DELETE`
    /// does) and running the retry queue after each. Returns how many fired.
    pub async fn fire_webhook_retries_until(&self, until: DateTime<Utc>) -> usize {
        let mut fired = 0;
        loop {
            self.run_webhook_retries().await;
            let due = self
                .webhook_retry_schedules()
                .await
                .into_iter()
                .find(|s| s.at <= until);
            let Some(schedule) = due else { break };
            self.clock.set(schedule.at.max(self.clock.now()));
            self.sqs
                .send_message()
                .queue_url(&self.resources.webhook_retry_queue_url)
                .message_body(schedule.input.to_string())
                .send()
                .await
                .expect("the retry queue accepts the firing");
            self.scheduler
                .delete_schedule()
                .group_name(&self.resources.schedule_group)
                .name(&schedule.name)
                .send()
                .await
                .expect("a fired schedule is deleted after completion");
            fired += 1;
        }
        self.clock.set(until.max(self.clock.now()));
        fired
    }

    /// Everything the emulator recorded as sent: `(ses.RawMessage, sns.SMS)`.
    ///
    /// moto builds this document by checking each attribute serialises and then reading it
    /// again; a schedule created by a concurrent test in between makes it answer 500
    /// (`Object of type Schedule is not JSON serializable`). That race is moto's, not ours,
    /// so a 500 is asked again; anything else still fails the test.
    async fn sent(&self) -> Value {
        let url = format!("{}/moto-api/data.json", self.endpoint);
        let mut last = String::new();
        for _ in 0..10 {
            let response = self.http.get(&url).send().await.expect("moto answers");
            let status = response.status();
            let body = response.text().await.expect("moto data is readable");
            if status.is_success() {
                return serde_json::from_str(&body).expect("moto data is JSON");
            }
            assert_eq!(status.as_u16(), 500, "moto data answers 200 or 500: {body}");
            last = body;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("moto data failed 10 times in a row: {last}");
    }

    /// The e-mails SES accepted from this app's sender, in order.
    pub async fn emails(&self) -> Vec<SentEmail> {
        let sent = self.sent().await;
        let raw_messages = sent["ses"]["RawMessage"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        raw_messages
            .iter()
            .filter(|m| m["source"] == self.resources.sender_email.as_str())
            .map(|m| parse_email(m["raw_data"].as_str().expect("raw data")))
            .collect()
    }

    pub async fn emails_to(&self, address: &str) -> Vec<SentEmail> {
        self.emails()
            .await
            .into_iter()
            .filter(|e| e.to == address)
            .collect()
    }

    /// The SMS SNS accepted for `number`, in order.
    /// The deployment with a two-way number: the send function composed again with it (its
    /// SMS leave from the number and are remembered for the replies), and the inbound SMS
    /// function's services.
    pub async fn with_two_way_number(
        mut self,
        number: &str,
    ) -> (Self, rappel_app::commands::sms_reply::ReplyServices) {
        self.resources.sms_two_way_number = number.to_owned();
        let env = self.resources.env();
        let named = |name: &str| {
            let builder = self
                .sdk
                .to_builder()
                .app_name(aws_config::AppName::new(name.to_owned()).expect("a valid app name"));
            match &self.faults {
                Some(proxy) => builder.endpoint_url(&proxy.url).build(),
                None => builder.build(),
            }
        };
        self.delivery = wiring::delivery_services(&named("rappel-send"), &env, self.clock.clone())
            .await
            .expect("the send function composes with a two-way number");
        self.erase = wiring::erasure_services(&named("rappel-erase"), &env, self.clock.clone())
            .expect("the erase function composes with a two-way number");
        let replies =
            wiring::reply_services(&named("rappel-inbound-sms"), &env, self.clock.clone())
                .expect("the inbound SMS function composes");
        (self, replies)
    }

    pub async fn sms_to(&self, number: &str) -> Vec<SentSms> {
        let sent = self.sent().await;
        sent["sns"]["SMS"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|m| m["phone_number"] == number)
            .map(|m| SentSms {
                to: number.to_owned(),
                text: m["message"].as_str().unwrap_or_default().to_owned(),
            })
            .collect()
    }

    /// What the SNS `Publish` requests for `number` carried as message attributes
    /// (`AWS.SNS.SMS.SMSType`, `AWS.SNS.SMS.SenderID`), read from the emulator's request log.
    pub fn sms_attributes(&self, number: &str) -> Vec<HashMap<String, String>> {
        recorded_requests()
            .iter()
            .filter_map(|r| r["body"].as_str().map(decoded_body(r)))
            .map(|body| form_fields(&body))
            .filter(|f| f.get("Action").map(String::as_str) == Some("Publish"))
            .filter(|f| f.get("PhoneNumber").map(String::as_str) == Some(number))
            .map(|f| {
                let mut attributes = HashMap::new();
                for n in 1.. {
                    let name = f.get(&format!("MessageAttributes.entry.{n}.Name"));
                    let value = f.get(&format!("MessageAttributes.entry.{n}.Value.StringValue"));
                    match (name, value) {
                        (Some(name), Some(value)) => {
                            attributes.insert(name.clone(), value.clone());
                        }
                        _ => break,
                    }
                }
                attributes
            })
            .collect()
    }

    /// The `ConfigurationSetName` of every SES send from this app's sender.
    pub fn email_configuration_sets(&self) -> Vec<Option<String>> {
        recorded_requests()
            .iter()
            .filter(|r| {
                r["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("/v2/email/outbound-emails"))
            })
            .filter_map(|r| r["body"].as_str().map(decoded_body(r)))
            .filter_map(|body| serde_json::from_str::<Value>(&body).ok())
            .filter(|b| b["FromEmailAddress"] == self.resources.sender_email.as_str())
            .map(|b| b["ConfigurationSetName"].as_str().map(str::to_owned))
            .collect()
    }

    /// The `EmailTags` of every SES send from this app's sender, as (name, value) pairs.
    pub fn email_tags(&self) -> Vec<Vec<(String, String)>> {
        recorded_requests()
            .iter()
            .filter(|r| {
                r["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("/v2/email/outbound-emails"))
            })
            .filter_map(|r| r["body"].as_str().map(decoded_body(r)))
            .filter_map(|body| serde_json::from_str::<Value>(&body).ok())
            .filter(|b| b["FromEmailAddress"] == self.resources.sender_email.as_str())
            .map(|b| {
                b["EmailTags"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .map(|t| {
                        (
                            t["Name"].as_str().unwrap_or_default().to_owned(),
                            t["Value"].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .collect()
    }

    pub async fn communications(&self, client: &str) -> Vec<Value> {
        self.get(&format!("/v1/clients/{client}/communications"))
            .await
            .body["communications"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

fn decoded_body(request: &Value) -> impl Fn(&str) -> String + '_ {
    move |body| {
        if request["body_encoded"] == true {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(body)
                .unwrap_or_default();
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            body.to_owned()
        }
    }
}

fn form_fields(body: &str) -> HashMap<String, String> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `+3361` and seven random digits, never ending in 99 (moto's opted-out numbers): a number
/// of one test's own, so what moto keeps for it (it is shared by every test, and by every
/// run against the same emulator) is that test's alone.
pub fn unique_phone() -> String {
    let n = uuid::Uuid::new_v4().as_u128() % 10_000_000;
    let n = if n % 100 == 99 { n - 1 } else { n };
    format!("+3361{n:07}")
}

fn parse_email(raw: &str) -> SentEmail {
    let message = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("SES received a MIME message");
    let first_address = |list: Option<&mail_parser::Address>| {
        list.and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(str::to_owned)
    };
    let calendar = message.attachments().find_map(|part| {
        let ct = part.content_type()?;
        (ct.ctype() == "text" && ct.subtype() == Some("calendar")).then(|| {
            let params = ct
                .attributes()
                .map(|attrs| {
                    attrs
                        .iter()
                        .map(|a| format!("; {}={}", a.name, a.value))
                        .collect::<String>()
                })
                .unwrap_or_default();
            (
                format!("text/calendar{params}"),
                String::from_utf8_lossy(part.contents()).into_owned(),
            )
        })
    });
    SentEmail {
        to: first_address(message.to()).unwrap_or_default(),
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        reply_to: first_address(message.reply_to()),
        calendar,
        raw: raw.to_owned(),
    }
}

/// Reads a table's stream the way Lambda's event source mapping does: every shard, from its
/// start, then after the last sequence number seen.
struct StreamReader {
    stream_arn: String,
    positions: Mutex<HashMap<String, String>>,
}

async fn aws_json(
    http: &reqwest::Client,
    endpoint: &str,
    target: &str,
    service: &str,
    body: Value,
) -> Value {
    let response = http
        .post(endpoint)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", target)
        .header("user-agent", "app/rappel-harness")
        // moto routes by the credential scope; it does not check signatures.
        .header(
            "authorization",
            format!("AWS4-HMAC-SHA256 Credential=emulator/20261122/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"),
        )
        .json(&body)
        .send()
        .await
        .expect("moto answers");
    let status = response.status();
    let value: Value = response.json().await.expect("a JSON answer");
    assert!(status.is_success(), "{target} failed: {value}");
    value
}

impl StreamReader {
    async fn open(http: &reqwest::Client, endpoint: &str, table: &str) -> Self {
        let described = aws_json(
            http,
            endpoint,
            "DynamoDB_20120810.DescribeTable",
            "dynamodb",
            json!({"TableName": table}),
        )
        .await;
        let stream_arn = described["Table"]["LatestStreamArn"]
            .as_str()
            .expect("the records table has a stream")
            .to_owned();
        Self {
            stream_arn,
            positions: Mutex::new(HashMap::new()),
        }
    }

    async fn read_new(&self, http: &reqwest::Client, endpoint: &str) -> Event {
        let described = aws_json(
            http,
            endpoint,
            "DynamoDBStreams_20120810.DescribeStream",
            "dynamodb",
            json!({"StreamArn": self.stream_arn}),
        )
        .await;
        let shards: Vec<String> = described["StreamDescription"]["Shards"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s["ShardId"].as_str().map(str::to_owned))
            .collect();
        let mut records = Vec::new();
        for shard in shards {
            let after = self
                .positions
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(&shard)
                .cloned();
            let mut request = json!({"StreamArn": self.stream_arn, "ShardId": shard});
            match &after {
                Some(sequence) => {
                    request["ShardIteratorType"] = json!("AFTER_SEQUENCE_NUMBER");
                    request["SequenceNumber"] = json!(sequence);
                }
                None => request["ShardIteratorType"] = json!("TRIM_HORIZON"),
            }
            let iterator = aws_json(
                http,
                endpoint,
                "DynamoDBStreams_20120810.GetShardIterator",
                "dynamodb",
                request,
            )
            .await["ShardIterator"]
                .clone();
            let got = aws_json(
                http,
                endpoint,
                "DynamoDBStreams_20120810.GetRecords",
                "dynamodb",
                json!({"ShardIterator": iterator, "Limit": 1000}),
            )
            .await;
            for mut record in got["Records"].as_array().cloned().unwrap_or_default() {
                if let Some(sequence) = record["dynamodb"]["SequenceNumber"].as_str() {
                    self.positions
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(shard.clone(), sequence.to_owned());
                }
                // The mapping's filter (template.yaml) lets through records only: a client's
                // visit mark, an index entry, never reaches the change handler.
                let sk = record["dynamodb"]["Keys"]["sk"]["S"]
                    .as_str()
                    .unwrap_or_default();
                if sk.starts_with("visit#") {
                    continue;
                }
                // What the event source mapping adds and moto's records lack.
                record["eventSourceARN"] = json!(self.stream_arn);
                record["awsRegion"] = json!("us-east-1");
                records.push(record);
            }
        }
        serde_json::from_value(json!({"Records": records}))
            .expect("stream records decode as Lambda's DynamoDB event")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_fault_proxys_slow_answers_come_after_the_sdks_attempt_timeout() {
        assert!(rappel_testkit::fault_proxy::SLOW_BY > rappel_aws::sdk::ATTEMPT_TIMEOUT);
    }
}
