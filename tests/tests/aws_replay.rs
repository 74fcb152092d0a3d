//! Dead letters put back through the normal path with `infra/replay-dead-letters.sh`, against
//! the emulator: a send request from the send queue's dead-letter queue, and a stream batch the
//! change handler gave up on, recovered from the stream by its position.

use chrono::{TimeZone, Utc};
use rappel_tests::CallsApi;
use rappel_tests::aws::{LEA_MAIL, spawn_aws_app};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

fn friday_before() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()
}

/// Runs the replay script as an operator would, pointed at the emulator.
fn replay(endpoint: &str, args: &[&str]) -> (bool, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace");
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
        let out = tempfile::tempdir().expect("a folder");
        let out_dir = out.path().to_string_lossy().into_owned();
        let (ok, output) = replay(
            &app.endpoint,
            &[
                "replan",
                "--table",
                &app.resources.records_table,
                "--tenant",
                "salon-lea",
                // The test's clock is in March 2026, before the real "91 days ago".
                "--since",
                "2026-01-01T00:00:00Z",
                "--out",
                &out_dir,
            ],
        );
        assert!(ok, "{output}");
        assert!(output.contains("re-planned 1 appointments"), "{output}");
        for file in std::fs::read_dir(out.path())
            .expect("the events")
            .filter_map(Result::ok)
        {
            let event: Value =
                serde_json::from_str(&std::fs::read_to_string(file.path()).expect("an event"))
                    .expect("JSON");
            let event = serde_json::from_value(event).expect("a stream event");
            let response = app.deliver_batch(event).await;
            assert_eq!(response["batchItemFailures"], json!([]), "round {round}");
        }
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
