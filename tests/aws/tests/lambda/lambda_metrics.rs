//! The functions' embedded metrics, as CloudWatch reads them from the logs (EMF): the change
//! handler's unreadable records, the send function's one-shot schedule firings. A test binary
//! of its own, one test: the metrics recorder is global to the process.

use lambda_runtime::{Context, LambdaEvent};
use rappel_aws_tests::handler_fakes::{batch, fakes};
use rappel_change_handler::{UNREADABLE_RECORDS_METRIC, function_handler};

#[tokio::test]
async fn an_unreadable_stream_record_and_a_schedules_firing_are_counted_in_embedded_metrics() {
    let metrics =
        rappel_aws::metrics::init("change-handler").expect("the only collector of this process");
    let fakes = fakes().await;

    function_handler(
        LambdaEvent::new(batch(), Context::default()),
        &fakes.services,
    )
    .await
    .unwrap_or_else(|never| match never {});

    // The send queue's fixture batch, its e-mail reminder as a schedule's firing delivers it
    // (twice: the scheduler's delivery is at least once), its SMS as the change handler queues it.
    let mut event: aws_lambda_events::event::sqs::SqsEvent =
        serde_json::from_str(include_str!("../../../../infra/events/sqs-send-batch.json"))
            .expect("an SQS event");
    let mut fired: serde_json::Value =
        serde_json::from_str(event.records[0].body.as_deref().unwrap()).unwrap();
    fired["via"] = "schedule".into();
    event.records[0].body = Some(fired.to_string());
    let again = event.records[0].clone();
    event.records.push(again);
    rappel_send::function_handler(
        LambdaEvent::new(event, Context::default()),
        &fakes.delivery,
        &rappel_send::LanePaces::unlimited(),
    )
    .await
    .unwrap_or_else(|never| match never {});

    let mut written = Vec::new();
    metrics.flush(&mut written).expect("metrics written");
    // One EMF document per set of dimensions, a line each.
    let documents: Vec<serde_json::Value> = String::from_utf8(written)
        .expect("text")
        .lines()
        .map(|line| serde_json::from_str(line).expect("an EMF document"))
        .collect();
    assert!(!documents.is_empty());
    let value = |metric: &str| documents.iter().find_map(|d| d[metric].as_u64());
    assert_eq!(value(UNREADABLE_RECORDS_METRIC), Some(1));
    assert_eq!(
        value(rappel_send::SCHEDULE_FIRINGS_METRIC),
        Some(1),
        "{documents:#?}"
    );
    // The outcome is a dimension beside the function: what the delivery alarms read.
    let deliveries = documents
        .iter()
        .find(|d| d[rappel_send::DELIVERIES_METRIC].is_u64())
        .expect("the send function counts its deliveries");
    assert!(deliveries["Outcome"].is_string(), "{deliveries}");
    let dimensions = &deliveries["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0];
    assert_eq!(
        dimensions,
        &serde_json::json!(["Function", "Outcome"]),
        "{deliveries}"
    );
    let emf = &documents[0];
    assert_eq!(emf["Function"], "change-handler");
    assert_eq!(emf["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Rappel");
}
