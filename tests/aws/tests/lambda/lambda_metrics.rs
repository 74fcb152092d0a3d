//! The functions' embedded metrics, as CloudWatch reads them from the logs (EMF): the change
//! handler's unreadable records, the send function's one-shot schedule firings, and the runtime
//! layer that writes them after each invocation. One test: the metrics recorder is global to
//! the process.

use lambda_runtime::{Context, LambdaEvent, LambdaInvocation};
use rappel_aws::metrics::{COLD_START_METRIC, FlushAfterEach};
use rappel_aws_tests::handler_fakes::{batch, fakes};
use rappel_change_handler::{UNREADABLE_RECORDS_METRIC, function_handler};
use std::io::Write;
use std::sync::Mutex;
use tower::{Layer, Service};

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

    // The runtime's layer: the cold start once, then each invocation's metrics as it ends.
    let layer = FlushAfterEach::writing_to(metrics, || Box::new(Written));
    let mut service = layer.layer(tower::service_fn(|_: LambdaInvocation| async {
        metrics::counter!("Handled").increment(1);
        Ok::<_, std::convert::Infallible>(())
    }));
    let mut after_each = Vec::new();
    for _ in 0..2 {
        service.call(invocation()).await.unwrap();
        after_each.push(std::mem::take(&mut *WRITTEN.lock().unwrap()));
    }
    let documents = |written: &[u8]| -> Vec<serde_json::Value> {
        String::from_utf8(written.to_vec())
            .expect("text")
            .lines()
            .map(|line| serde_json::from_str(line).expect("an EMF document"))
            .collect()
    };
    let (first, second) = (documents(&after_each[0]), documents(&after_each[1]));
    assert!(!first.is_empty() && !second.is_empty());
    let count = |documents: &[serde_json::Value], metric: &str| {
        documents
            .iter()
            .filter_map(|d| d[metric].as_u64())
            .sum::<u64>()
    };
    assert_eq!(count(&first, COLD_START_METRIC), 1, "{first:#?}");
    assert_eq!(count(&first, "Handled"), 1, "{first:#?}");
    assert_eq!(count(&second, COLD_START_METRIC), 0, "{second:#?}");
    assert_eq!(count(&second, "Handled"), 1, "{second:#?}");
}

/// What the layer wrote in the test, as Lambda's log would hold it.
static WRITTEN: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Written;

impl Write for Written {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        WRITTEN.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn invocation() -> LambdaInvocation {
    LambdaInvocation {
        parts: lambda_http::http::Response::new(()).into_parts().0,
        body: Default::default(),
        context: Context::default(),
    }
}
