//! Dead letters put back through the normal path with `infra/replay-dead-letters.sh`, against
//! the emulator: a send request from the send queue's dead-letter queue, a stream batch the
//! change handler gave up on, recovered from the stream by its position, and repairs (re-plan
//! jobs) restoring lost schedules — with the progress those jobs count.

use chrono::{DateTime, TimeZone, Utc};
use rappel_aws_tests::aws::{LEA_MAIL, spawn_aws_app};
use rappel_core::model::TenantId;
use rappel_ports::replan::{JobStart, ReplanState, StepDone};
use rappel_testkit::CallsApi;
use rappel_testkit::fixtures::friday_before;
use serde_json::{Value, json};
use std::process::Command;

/// Runs the replay script as an operator would, pointed at the emulator.
fn replay(endpoint: &str, args: &[&str]) -> (bool, String) {
    let root = rappel_testkit::fixtures::workspace_root();
    let output = Command::new("bash")
        .arg(root.join("infra/replay-dead-letters.sh"))
        .args(args)
        .current_dir(root)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "emulator")
        .env("AWS_SECRET_ACCESS_KEY", "emulator")
        .output()
        .expect("bash runs the script");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_dead_lettered_send_request_is_replayed_onto_the_send_queue_and_sent_once() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    app.book_friday_10am(&lea).await;
    let reminders = app.schedules().await;
    assert!(!reminders.is_empty());
    let reminder = &reminders[0];
    let dead_letters = app.create_queue("dlq").await;
    app.put_on_queue(&dead_letters, &reminder.input.to_string())
        .await;
    app.put_on_queue(&dead_letters, "not a send request").await;

    let (ok, output) = replay(
        &app.endpoint,
        &[
            "send",
            "--from",
            &dead_letters,
            "--to",
            &app.resources.send_queue_url,
        ],
    );
    assert!(
        !ok,
        "an unreadable dead letter is kept and reported: {output}"
    );
    assert!(output.contains("replayed 1, kept 1"), "{output}");
    assert_eq!(
        app.queue_depth(&dead_letters).await,
        1,
        "only the replayed one left"
    );

    app.clock.set(reminder.at);
    let failed = app.drain_send_queue().await;
    assert!(failed.is_empty(), "{failed:?}");
    let sent: Vec<_> = app
        .emails_to(LEA_MAIL)
        .await
        .into_iter()
        .filter(|e| e.subject.starts_with("Rappel"))
        .collect();
    assert_eq!(sent.len(), 1);
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_stream_batch_the_change_handler_gave_up_on_is_recovered_from_the_stream_and_replayed() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    let booked = app
        .book(
            &lea,
            "2026-03-27T10:00:00+01:00",
            "2026-03-27T10:45:00+01:00",
        )
        .await;
    assert!(booked["id"].is_string());
    // Lambda gave up on this batch: all the failure queue holds is its position.
    let lost = app.read_stream().await;
    assert!(!lost.records.is_empty());
    let sequences: Vec<String> = lost
        .records
        .iter()
        .filter_map(|r| r.change.sequence_number.clone())
        .collect();
    let (stream_arn, shard) = app.stream_shard().await;
    let failure = json!({
        "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 6},
        "DDBStreamBatchInfo": {
            "shardId": shard,
            "startSequenceNumber": sequences.first(),
            "endSequenceNumber": sequences.last(),
            "batchSize": sequences.len(),
            "streamArn": stream_arn
        }
    });
    let failures = app.create_queue("stream-failures").await;
    app.put_on_queue(&failures, &failure.to_string()).await;
    assert!(app.emails_to(LEA_MAIL).await.is_empty(), "nothing sent yet");

    let out = tempfile::tempdir().expect("a folder");
    let out_dir = out.path().to_string_lossy().into_owned();
    let (ok, output) = replay(
        &app.endpoint,
        &["stream", "--from", &failures, "--out", &out_dir],
    );
    assert!(ok, "{output}");
    let files: Vec<_> = std::fs::read_dir(out.path())
        .expect("the events folder")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 1, "{output}");
    let event: Value =
        serde_json::from_str(&std::fs::read_to_string(files[0].path()).expect("the event"))
            .expect("JSON");
    let event = serde_json::from_value(event).expect("a DynamoDB stream event as Lambda sends it");

    let response = app.deliver_batch(event).await;
    assert_eq!(response["batchItemFailures"], json!([]));
    let confirmations: Vec<_> = app
        .emails_to(LEA_MAIL)
        .await
        .into_iter()
        .filter(|e| e.subject.starts_with("Rendez-vous confirmé"))
        .collect();
    assert_eq!(confirmations.len(), 1, "the booking is confirmed, once");
    assert_eq!(app.queue_depth(&failures).await, 0);
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn past_the_streams_retention_a_replan_from_the_table_restores_the_plan_without_sending_twice()
 {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    // The batch is lost for good (its stream records have expired).
    let lost = app.read_stream().await;
    assert!(!lost.records.is_empty());
    assert!(app.schedules().await.is_empty());

    for round in 0..2 {
        let (ok, output) = replay(
            &app.endpoint,
            &[
                "replan",
                "--queue",
                &app.resources.replan_queue_url,
                "--tenant",
                "salon-lea",
                // The outage: the booking's own messages are queued again too.
                "--changes-since",
                "2026-03-20T00:00:00Z",
            ],
        );
        assert!(ok, "{output}");
        assert!(output.contains("of 1 business"), "{output}");
        let steps = app.drain_replan_queue().await;
        assert!(
            steps >= 2,
            "round {round}: the repair ran in steps ({steps})"
        );
        assert!(app.drain_send_queue().await.is_empty(), "round {round}");
    }
    assert_eq!(
        app.schedules().await.len(),
        3,
        "the reminders and the follow-up are planned"
    );
    let confirmations: Vec<_> = app
        .emails_to(LEA_MAIL)
        .await
        .into_iter()
        .filter(|e| e.subject.starts_with("Rendez-vous confirmé"))
        .collect();
    assert_eq!(
        confirmations.len(),
        1,
        "confirmed once, even re-planned twice"
    );
}

/// Every schedule of a business — its appointment's reminders and follow-up, its open
/// invoice's reminder, its client's re-engagement steps, its staff member's and manager's
/// digests — is lost; a repair, run twice, creates each one again, once.
#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_repair_creates_every_kind_of_schedule_of_a_business_again() {
    let app = spawn_aws_app(friday_before(), true).await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}],
        "notifications": {
            "reminders": [{"offset": "1d", "email": true}],
            "follow_ups": [{"after_end": "1d", "email": true}],
            "reengagement": {"steps": [{"days_after_last_visit": 30, "email": true}]},
            "digest": {"staff": true, "managers": true, "at": "07:00", "email": true}
        }
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    app.seed_catalog().await;
    app.pump_stream().await;
    let created = app
        .post(
            "/v1/clients",
            json!({"name": "Léa Martin", "email": LEA_MAIL, "preferences": {"marketing": true}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let lea = created.body["id"].as_str().unwrap().to_owned();
    app.pump_stream().await;
    app.book_friday_10am(&lea).await;
    let invoice = app
        .put(
            "/v1/invoices/f42",
            json!({"client_id": lea, "number": "F-2026-0042", "amount": 4500, "currency": "EUR",
                   "issued_at": "2026-03-20T10:00:00+01:00", "due_date": "2026-03-27"}),
        )
        .await;
    assert_eq!(invoice.status, 200, "{}", invoice.body);
    app.pump_stream().await;
    let planned = app.schedule_names().await;
    for prefix in ['a', 'c', 'i', 's', 'm'] {
        assert!(
            planned.iter().any(|n| n.starts_with(prefix)),
            "a schedule of family {prefix}: {planned:#?}"
        );
    }

    app.delete_every_schedule().await;
    assert!(app.schedule_names().await.is_empty());
    for _ in 0..2 {
        let (ok, output) = replay(
            &app.endpoint,
            &[
                "replan",
                "--queue",
                &app.resources.replan_queue_url,
                "--tenant",
                "salon-lea",
            ],
        );
        assert!(ok, "{output}");
        app.drain_replan_queue().await;
        assert!(app.drain_send_queue().await.is_empty());
    }
    assert_eq!(app.schedule_names().await, planned);
    let progress = app.get("/v1/settings").await.body["replan"].clone();
    assert_eq!(progress["state"], "done", "{progress}");
    assert_eq!(progress["cause"], "repair", "{progress}");
}

// The re-plan progress on DynamoDB: the same counting rules as the embedded one (a job is done
// once every step it queued is, each step counts once however often it is delivered, a job
// joining a running one is counted with it, a step of a job from before the business was last
// idle is ignored).

fn minute(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 9, minute, 0).unwrap()
}

fn job_start<'a>(
    tenant: &'a TenantId,
    job: &'a str,
    start_id: &'a str,
    steps: u32,
) -> JobStart<'a> {
    JobStart {
        tenant,
        job,
        start_id,
        cause: "settings",
        settings_version: Some(2),
        steps,
        at: minute(0),
    }
}

fn step_done<'a>(tenant: &'a TenantId, job: &'a str, id: &'a str, spawned: u32) -> StepDone<'a> {
    StepDone {
        tenant,
        job,
        step: id,
        found: 10,
        done: 3,
        spawned,
        at: minute(1),
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn each_step_counts_once_and_a_job_is_done_when_every_step_it_queued_is() {
    let app = spawn_aws_app(minute(0), true).await;
    let progress = app.services.progress.clone();
    let tenant = TenantId::parse("salon-lea").unwrap();
    assert_eq!(progress.status(&tenant).await.unwrap(), None);

    progress
        .begin(&job_start(&tenant, "j1", "j1/start", 2))
        .await
        .unwrap();
    progress
        .begin(&job_start(&tenant, "j1", "j1/start", 2))
        .await
        .unwrap();
    progress
        .step_done(&step_done(&tenant, "j1", "a", 1))
        .await
        .unwrap();
    progress
        .step_done(&step_done(&tenant, "j1", "a", 1))
        .await
        .unwrap();
    let running = progress.status(&tenant).await.unwrap().unwrap();
    assert_eq!(running.state, ReplanState::Running);
    assert_eq!((running.done, running.total), (3, 10));
    assert_eq!(running.settings_version, Some(2));

    // A second job joins the first one under way.
    progress
        .begin(&job_start(&tenant, "j2", "j2/start", 1))
        .await
        .unwrap();
    for (job, id) in [("j1", "b"), ("j1", "c"), ("j2", "d")] {
        progress
            .step_done(&step_done(&tenant, job, id, 0))
            .await
            .unwrap();
    }
    let done = progress.status(&tenant).await.unwrap().unwrap();
    assert_eq!(done.state, ReplanState::Done);
    assert_eq!((done.done, done.total), (12, 40));
    assert_eq!(done.job, "j2");

    // Idle: a new job counts afresh; a late step of an old job is ignored, a retried start too.
    progress
        .begin(&job_start(&tenant, "j3", "j3/start", 1))
        .await
        .unwrap();
    progress
        .step_done(&step_done(&tenant, "j1", "e", 0))
        .await
        .unwrap();
    progress
        .begin(&job_start(&tenant, "j3", "j3/start", 1))
        .await
        .unwrap();
    let fresh = progress.status(&tenant).await.unwrap().unwrap();
    assert_eq!(
        (fresh.state, fresh.done, fresh.total),
        (ReplanState::Running, 0, 0)
    );
    progress
        .step_done(&step_done(&tenant, "j3", "f", 0))
        .await
        .unwrap();
    progress
        .begin(&job_start(&tenant, "j3", "j3/start", 1))
        .await
        .unwrap();
    let over = progress.status(&tenant).await.unwrap().unwrap();
    assert_eq!(
        (over.state, over.done, over.total),
        (ReplanState::Done, 3, 10)
    );
}
