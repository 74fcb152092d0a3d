//! AWS failing under the functions, through the fault proxy (`rappel_testkit::fault_proxy`):
//! each service's throttling answer is read by the SDK as throttling and retried; an answer
//! lost after DynamoDB did the work does not turn the work into a conflict; a fault that
//! outlives the SDK's retries reaches the trigger, which delivers again, and the message still
//! goes out once. (The life-cycle and exactly-once suites also run whole at 15 % faults:
//! `bash infra/test.sh`.)

use rappel_aws::sdk::MAX_ATTEMPTS;
use rappel_aws_tests::aws::{AwsApp, LEA_MAIL, spawn_aws_app_with_faults};
use rappel_ports::clock::Clock;
use rappel_ports::ledger::Claim;
use rappel_testkit::CallsApi;
use rappel_testkit::fault_proxy::{Fault, FaultPlan, FaultProxy};
use rappel_testkit::fixtures::friday_before;
use serde_json::json;

/// An app whose functions talk to AWS through a proxy that injects nothing yet.
async fn app_behind_proxy() -> (AwsApp, FaultProxy) {
    let app = spawn_aws_app_with_faults(friday_before(), true, Some(FaultPlan::none())).await;
    let proxy = app.faults.clone().expect("a proxy");
    (app, proxy)
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn each_services_throttling_answer_is_retried_by_the_sdk_as_throttling() {
    let (app, proxy) = app_behind_proxy().await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;

    // DynamoDB: every GetItem throttled — the API retries it MAX_ATTEMPTS times, then answers
    // 503 with the throttling named, not 500 and not a wrong 404.
    proxy.set_plan(FaultPlan::always(Fault::Throttled, &["dynamodb.GetItem"]));
    let before = proxy.counts().requests.get("dynamodb.GetItem").copied();
    // (Called once, without the harness's own retry of a 503.)
    let claims = json!({"tenant_id": "salon-lea"});
    let answer = app
        .call_with_claims("GET", &format!("/v1/clients/{lea}"), None, claims)
        .await;
    let after = proxy.counts().requests["dynamodb.GetItem"];
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert_eq!(
        after - before.unwrap_or(0),
        u64::from(MAX_ATTEMPTS),
        "retried as throttling"
    );

    // Once the throttling passes, the same call succeeds on a retry inside the SDK.
    proxy.set_plan(FaultPlan::first(
        u64::from(MAX_ATTEMPTS - 1),
        Fault::Throttled,
        &["dynamodb.GetItem"],
    ));
    assert_eq!(app.get(&format!("/v1/clients/{lea}")).await.status, 200);

    // SES and SNS: a booking's confirmations go out although each provider throttled the
    // first try (TooManyRequestsException, Throttling).
    proxy.set_plan(FaultPlan {
        limit: Some(2),
        ..FaultPlan::always(Fault::Throttled, &["ses.SendEmail", "sns.Publish"])
    });
    let throttled = proxy.counts().of(Fault::Throttled);
    app.book_friday_10am(&lea).await;
    let counts = proxy.counts();
    assert_eq!(counts.of(Fault::Throttled) - throttled, 2, "{counts:?}");
    assert_eq!(app.emails_to(LEA_MAIL).await.len(), 1);
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_client_created_while_dynamodb_lost_the_answer_is_created_once_and_answered_201() {
    let (app, proxy) = app_behind_proxy().await;
    app.seed_salon().await;
    // The item is written, the answer never arrives; the SDK tries again, and the condition
    // "not there yet" now fails — on the write that succeeded.
    proxy.set_plan(FaultPlan::first(
        1,
        Fault::AnswerLost,
        &["dynamodb.PutItem"],
    ));
    let created = app
        .post(
            "/v1/clients",
            json!({"name": "Léa Martin", "email": LEA_MAIL, "phone": app.phone}),
        )
        .await;
    assert_eq!(proxy.counts().of(Fault::AnswerLost), 1);
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/v1/clients/{id}")).await.status, 200);
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_ledger_claim_whose_answer_was_lost_is_still_the_claimants() {
    let (app, proxy) = app_behind_proxy().await;
    proxy.set_plan(FaultPlan::first(
        1,
        Fault::AnswerLost,
        &["dynamodb.PutItem"],
    ));
    let now = friday_before();
    let claim = app.delivery.ledger.claim("lost-answer", now).await.unwrap();
    assert_eq!(proxy.counts().of(Fault::AnswerLost), 1);
    assert_eq!(claim, Claim::Claimed);
    // Another claimant still finds it taken.
    let other = app.delivery.ledger.claim("lost-answer", now).await.unwrap();
    assert!(matches!(other, Claim::Taken(_)), "{other:?}");
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_send_failing_beyond_the_sdks_retries_is_delivered_again_by_the_queue_once() {
    let (app, proxy) = app_behind_proxy().await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    // SES down for every attempt of the first delivery: the send function reports the
    // message failed, the queue delivers it again, and it goes out once.
    proxy.set_plan(FaultPlan::first(
        u64::from(MAX_ATTEMPTS),
        Fault::Unavailable,
        &["ses.SendEmail"],
    ));
    app.book_friday_10am(&lea).await;
    assert_eq!(
        proxy.counts().of(Fault::Unavailable),
        u64::from(MAX_ATTEMPTS)
    );
    let mails = app.emails_to(LEA_MAIL).await;
    assert_eq!(mails.len(), 1, "{mails:#?}");
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn under_faults_a_poisoned_stream_record_is_handed_back_and_never_blocks_the_others() {
    let (app, proxy) = app_behind_proxy().await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    for (start, end) in [
        ("2026-03-27T10:00:00+01:00", "2026-03-27T10:45:00+01:00"),
        ("2026-03-28T10:00:00+01:00", "2026-03-28T10:45:00+01:00"),
    ] {
        app.book(&lea, start, end).await;
    }
    let event = app.read_stream().await;
    assert_eq!(event.records.len(), 2, "the two bookings are on the stream");

    // Between them, a record whose new image is no record at all.
    let mut batch = serde_json::to_value(&event).unwrap();
    let records = batch["Records"].as_array_mut().unwrap();
    let mut poison = records[0].clone();
    poison["dynamodb"]["SequenceNumber"] = json!("poison-0");
    poison["dynamodb"]["NewImage"]["data"] = json!({"S": "not a record"});
    records.insert(1, poison);
    let batch = serde_json::from_value(batch).unwrap();

    proxy.set_plan(FaultPlan::everywhere(0.15, 7));
    let response = app.deliver_batch(batch).await;
    proxy.calm();

    // It is handed back by its position each time — Lambda retries it a bounded number of
    // times, then keeps its position in the stream failure queue for a replay — while the
    // records around it go through, what faults failed delivered again until it did.
    assert_eq!(
        response["batchItemFailures"],
        json!([{"itemIdentifier": "poison-0"}]),
        "{response}"
    );
    assert!(proxy.counts().total_faults() > 0);
    let confirmations = app.emails_to(LEA_MAIL).await;
    assert_eq!(confirmations.len(), 2, "{confirmations:#?}");
    assert_ne!(confirmations[0].subject, "");
}

/// Operations whose retry after a lost answer must find their own work done, each in turn.
#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_lost_answer_on_any_idempotent_write_of_a_booking_still_sends_each_message_once() {
    for operation in [
        "dynamodb.TransactWriteItems",
        "dynamodb.PutItem",
        "dynamodb.DeleteItem",
        "scheduler.CreateSchedule",
        "sqs.SendMessageBatch",
    ] {
        let (app, proxy) = app_behind_proxy().await;
        app.seed_salon().await;
        let lea = app.create_lea(&app.phone).await;
        proxy.set_plan(FaultPlan::first(3, Fault::AnswerLost, &[operation]));
        let id = app.book_friday_10am(&lea).await;
        // Moved: the old reminders' schedules are deleted, new ones created.
        proxy.set_plan(FaultPlan::first(
            3,
            Fault::AnswerLost,
            &[operation, "scheduler.DeleteSchedule"],
        ));
        let moved = app
            .patch(
                &format!("/v1/appointments/{id}"),
                json!({"start": "2026-03-27T11:00:00+01:00", "end": "2026-03-27T11:45:00+01:00"}),
            )
            .await;
        assert_eq!(moved.status, 200, "{operation}: {}", moved.body);
        app.pump_stream().await;
        proxy.calm();
        app.advance_to("2026-03-29T12:00:00+02:00").await;
        let mails = app.emails_to(LEA_MAIL).await;
        let subjects: Vec<&str> = mails.iter().map(|m| m.subject.as_str()).collect();
        assert!(!subjects.is_empty());
        let mut unique = subjects.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), subjects.len(), "{operation}: {subjects:#?}");
        assert!(proxy.counts().of(Fault::AnswerLost) > 0, "{operation}");
    }
}

/// SES and SNS keep no idempotency key: a send whose acceptance was lost and that the SDK
/// tries again goes out twice. This is the window docs/GUARANTEES.md documents; the fault suites
/// therefore never lose a provider's answer (they answer 503 instead: nothing sent).
#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_email_whose_acceptance_was_lost_goes_out_twice_as_documented() {
    let (app, proxy) = app_behind_proxy().await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    proxy.set_plan(FaultPlan::first(1, Fault::AnswerLost, &["ses.SendEmail"]));
    app.book_friday_10am(&lea).await;
    assert_eq!(app.emails_to(LEA_MAIL).await.len(), 2);
}

/// Léa booked: the change handler has queued her confirmations and the team's alerts, which
/// wait on the send queue; returns them as the send function's event source mapping receives
/// them.
async fn booking_waiting_on_the_send_queue(app: &AwsApp) -> Vec<aws_sdk_sqs::types::Message> {
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    let reaction = app.react_without_sending().await;
    assert_eq!(reaction["batchItemFailures"], json!([]), "{reaction}");
    let messages = app.receive_send_messages().await;
    assert!(
        messages.len() >= 2,
        "the booking's messages wait: {messages:?}"
    );
    messages
}

/// Every e-mail and SMS the provider accepted for this app, as (recipient, subject or text).
async fn everything_sent(app: &AwsApp) -> Vec<(String, String)> {
    let mut sent: Vec<(String, String)> = app
        .emails()
        .await
        .into_iter()
        .map(|e| (e.to, e.subject))
        .collect();
    sent.extend(
        app.sms_to(&app.phone)
            .await
            .into_iter()
            .map(|s| (s.to, s.text)),
    );
    sent
}

fn assert_each_once(sent: &[(String, String)]) {
    assert!(!sent.is_empty(), "something was sent");
    let mut unique = sent.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), sent.len(), "sent twice: {sent:#?}");
}

/// The provider accepted a message and the ledger could not record it (DynamoDB failing every
/// attempt of the settle): the message must never go out again — not when the queue delivers
/// the batch's failures again after its visibility timeout, by which time the claim's lease
/// has run out.
#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_message_sent_but_not_recorded_is_never_sent_again() {
    let (app, proxy) = app_behind_proxy().await;
    let messages = booking_waiting_on_the_send_queue(&app).await;
    proxy.set_plan(FaultPlan::always(
        Fault::Unavailable,
        &["dynamodb.TransactWriteItems"],
    ));
    let failed = app
        .run_send_function(&messages, None)
        .await
        .expect("the batch ends");
    proxy.calm();
    assert!(proxy.counts().of(Fault::Unavailable) > 0);
    app.acknowledge(&messages, &failed).await;
    // What was handed back comes again once the visibility timeout has passed; by then the
    // claims' lease has run out too.
    app.clock.set(app.clock.now() + after_the_lease());
    app.return_to_queue(&handed_back(&messages, &failed)).await;
    app.drain_send_queue().await;
    assert_each_once(&everything_sent(&app).await);
}

/// Lambda stops an invocation at its deadline. A batch stopped there, between a provider's
/// acceptance and the ledger's record, must not leave a message that goes out again when the
/// queue delivers the batch once more.
#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_send_batch_cut_by_its_deadline_sends_each_message_once() {
    let (app, proxy) = app_behind_proxy().await;
    let messages = booking_waiting_on_the_send_queue(&app).await;
    // The first settle answers late: the deadline comes while the ledger is being written.
    proxy.set_plan(FaultPlan {
        slow_by: std::time::Duration::from_secs(5),
        ..FaultPlan::first(1, Fault::Slow, &["dynamodb.TransactWriteItems"])
    });
    let answered = app
        .run_send_function(&messages, Some(std::time::Duration::from_secs(2)))
        .await;
    let back = match &answered {
        Some(failed) => {
            app.acknowledge(&messages, failed).await;
            handed_back(&messages, failed)
        }
        // Whatever the stopped invocation held comes back.
        None => messages.clone(),
    };
    app.clock.set(app.clock.now() + after_the_lease());
    app.return_to_queue(&back).await;
    app.drain_send_queue().await;
    proxy.calm();
    assert_each_once(&everything_sent(&app).await);
}

fn handed_back(
    messages: &[aws_sdk_sqs::types::Message],
    failed: &[String],
) -> Vec<aws_sdk_sqs::types::Message> {
    messages
        .iter()
        .filter(|m| failed.iter().any(|f| Some(f.as_str()) == m.message_id()))
        .cloned()
        .collect()
}

/// The queue delivers a message again after its visibility timeout, which the template sync
/// test keeps above the claim's lease: by then the lease has run out.
fn after_the_lease() -> chrono::Duration {
    rappel_ports::ledger::CLAIM_LEASE + chrono::Duration::seconds(1)
}
