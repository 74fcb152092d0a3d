//! The publish function's logic over the embedded adapters: a batch of the stream's events goes
//! onto the bus and to the business's endpoint; a refusal waits for its retry, which posts
//! everything in order; an endpoint failing for days is disabled with an event.

use async_trait::async_trait;
use chrono::{DateTime, Duration, TimeZone, Utc};
use rappel_app::webhooks::WebhookDispatch;
use rappel_aws::event_stream::StreamedEvent;
use rappel_core::events::{DeliveryEvent, EventType, SecretInForce, WebhookEndpoint, WebhookUrl};
use rappel_core::message::Subject;
use rappel_core::model::{ClientId, TenantId};
use rappel_ports::clock::VirtualClock;
use rappel_ports::deadline::Deadline;
use rappel_ports::events::{EventLog, MemoryEventBus, MemoryEventLog};
use rappel_ports::webhooks::{
    MemoryWebhookRetries, MemoryWebhooks, PostFailure, WebhookPoster, WebhookRetry, WebhookStore,
};
use rappel_publish::{PublishInput, PublishServices, handle_retries, handle_stream};
use std::sync::{Arc, Mutex};

/// Takes posts, or refuses them while `down`.
#[derive(Default)]
struct Receiver {
    down: Mutex<bool>,
    received: Mutex<Vec<String>>,
}

#[async_trait]
impl WebhookPoster for Receiver {
    async fn post(
        &self,
        _url: &str,
        headers: &[(&str, String)],
        _body: String,
    ) -> Result<(), PostFailure> {
        if *self.down.lock().expect("unpoisoned") {
            return Err(PostFailure("http 503".into()));
        }
        let id = headers
            .iter()
            .find(|(n, _)| *n == "webhook-id")
            .expect("a webhook-id");
        self.received.lock().expect("unpoisoned").push(id.1.clone());
        Ok(())
    }
}

struct Scene {
    services: PublishServices,
    clock: Arc<VirtualClock>,
    log: Arc<MemoryEventLog>,
    store: Arc<MemoryWebhooks>,
    bus: Arc<MemoryEventBus>,
    retries: Arc<MemoryWebhookRetries>,
    receiver: Arc<Receiver>,
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0)
        .single()
        .expect("an instant")
}

fn salon() -> TenantId {
    TenantId::parse("salon-lea").expect("an id")
}

async fn scene() -> Scene {
    let clock = Arc::new(VirtualClock::starting_at(t0()));
    let log = Arc::new(MemoryEventLog::in_memory());
    let store = Arc::new(MemoryWebhooks::in_memory());
    let bus = Arc::new(MemoryEventBus::default());
    let retries = Arc::new(MemoryWebhookRetries::default());
    let receiver = Arc::new(Receiver::default());
    store
        .save(&WebhookEndpoint {
            tenant: salon(),
            id: "we_000000000000000000000001".into(),
            url: WebhookUrl::parse("https://crm.example.com/hooks", false).expect("a URL"),
            event_types: Vec::new(),
            secrets: vec![SecretInForce {
                secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
                expires_at: None,
            }],
            created_at: t0(),
            cursor: None,
            failures: 0,
            failing_since: None,
            next_attempt_at: None,
            last_error: None,
            disabled_at: None,
        })
        .await
        .expect("saved");
    let services = PublishServices {
        dispatch: WebhookDispatch {
            events: log.clone(),
            store: store.clone(),
            poster: receiver.clone(),
            retries: retries.clone(),
            clock: clock.clone(),
            wall: clock.clone(),
            settle: Duration::seconds(2),
        },
        bus: bus.clone(),
    };
    Scene {
        services,
        clock,
        log,
        store,
        bus,
        retries,
        receiver,
    }
}

impl Scene {
    /// `n` events written now, as the stream hands them over.
    async fn written(&self, n: usize) -> Vec<StreamedEvent> {
        let mut streamed = Vec::new();
        for i in 0..n {
            let client = ClientId::parse(&format!("cl_{i}")).expect("an id");
            let event = DeliveryEvent::new(
                EventType::ClientUnsubscribed,
                self.clock.now() + Duration::milliseconds(i as i64),
                salon(),
                Some(Subject::Client(client.clone())),
                Some(client),
                None,
                None,
            );
            self.log
                .append(std::slice::from_ref(&event))
                .await
                .expect("appended");
            streamed.push(StreamedEvent {
                sequence: format!("{:020}", i),
                event,
            });
        }
        streamed
    }

    async fn endpoint(&self) -> WebhookEndpoint {
        self.store
            .of_business(&salon())
            .await
            .expect("endpoints")
            .remove(0)
    }

    fn set_down(&self, down: bool) {
        *self.receiver.down.lock().expect("unpoisoned") = down;
    }

    fn received(&self) -> Vec<String> {
        self.receiver.received.lock().expect("unpoisoned").clone()
    }
}

use rappel_ports::clock::Clock;

#[tokio::test]
async fn a_batch_goes_onto_the_bus_and_to_the_business_endpoint_in_order() {
    let s = scene().await;
    let batch = s.written(3).await;
    s.clock.advance(Duration::seconds(3));
    let outcome = handle_stream(&s.services, &batch, Deadline::NONE).await;
    assert!(outcome.retry.is_empty(), "{outcome:?}");
    let ids: Vec<String> = batch.iter().map(|b| b.event.id.clone()).collect();
    assert!(!ids.is_empty());
    assert_eq!(
        s.bus
            .published()
            .iter()
            .map(|e| e.id.clone())
            .collect::<Vec<_>>(),
        ids
    );
    assert_eq!(s.received(), ids);
}

#[tokio::test]
async fn a_refused_post_waits_for_its_retry_which_posts_everything_in_order() {
    let s = scene().await;
    s.set_down(true);
    let first = s.written(2).await;
    s.clock.advance(Duration::seconds(3));
    let outcome = handle_stream(&s.services, &first, Deadline::NONE).await;
    assert_eq!(outcome.report.failed, 1);
    let endpoint = s.endpoint().await;
    let retry_at = endpoint.next_attempt_at.expect("a next attempt");
    assert_eq!(
        s.retries.requested(),
        vec![(salon().to_string(), endpoint.id.clone(), retry_at)],
        "the retry is asked for at the endpoint's next attempt"
    );

    // More events while it is failing: the stream leaves the endpoint to its retry.
    s.set_down(false);
    let second = s.written(2).await;
    s.clock.advance(Duration::seconds(3));
    let outcome = handle_stream(&s.services, &second, Deadline::NONE).await;
    assert_eq!(outcome.report.posted, 0, "not before its retry");

    s.clock.set(retry_at);
    let message = serde_json::to_string(&WebhookRetry::of(&endpoint)).unwrap();
    let outcome = handle_retries(&s.services, &[("m1".into(), message)], Deadline::NONE).await;
    assert!(outcome.retry.is_empty());
    let all: Vec<String> = first
        .iter()
        .chain(&second)
        .map(|b| b.event.id.clone())
        .collect();
    assert_eq!(s.received(), all);
    assert_eq!(s.endpoint().await.next_attempt_at, None);
}

#[tokio::test]
async fn an_endpoint_failing_for_days_is_disabled_with_an_event_for_the_others() {
    let s = scene().await;
    s.set_down(true);
    let batch = s.written(1).await;
    s.clock.advance(Duration::seconds(3));
    handle_stream(&s.services, &batch, Deadline::NONE).await;
    for _ in 0..40 {
        let endpoint = s.endpoint().await;
        let Some(at) = endpoint.next_attempt_at else {
            break;
        };
        s.clock.set(at);
        let message = serde_json::to_string(&WebhookRetry::of(&endpoint)).unwrap();
        handle_retries(&s.services, &[("m".into(), message)], Deadline::NONE).await;
    }
    let endpoint = s.endpoint().await;
    assert!(endpoint.disabled_at.is_some(), "{endpoint:?}");
    assert!(endpoint.disabled_at.unwrap() - t0() >= Duration::days(5));
    let events = s
        .log
        .page(&salon(), None, 100, s.clock.now())
        .await
        .unwrap()
        .events;
    let disabled: Vec<_> = events
        .iter()
        .filter(|p| p.event.event_type == EventType::WebhookDisabled)
        .collect();
    assert_eq!(disabled.len(), 1, "{events:?}");
    assert_eq!(
        disabled[0].event.webhook.as_ref().map(|w| w.id.as_str()),
        Some(endpoint.id.as_str())
    );
}

#[tokio::test]
async fn a_stream_batch_and_a_queue_batch_are_told_apart() {
    let stream = serde_json::json!({"Records": [{
        "eventID": "1", "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-3",
        "dynamodb": {"Keys": {"pk": {"S": "E#salon-lea"}, "sk": {"S": "x"}}, "SequenceNumber": "111",
                     "SizeBytes": 26, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        "eventSourceARN": "arn:aws:dynamodb:eu-west-3:123456789012:table/d/stream/2026"
    }]});
    assert!(matches!(
        PublishInput::read(stream),
        Ok(PublishInput::Stream(_))
    ));
    let queue = serde_json::json!({"Records": [{
        "messageId": "m1", "receiptHandle": "r", "body": "{}", "attributes": {},
        "messageAttributes": {}, "md5OfBody": "x", "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-3:123456789012:retries", "awsRegion": "eu-west-3"
    }]});
    assert!(matches!(
        PublishInput::read(queue),
        Ok(PublishInput::Retries(_))
    ));
}
