//! The change handler's embedded metrics, as CloudWatch reads them from the function's logs
//! (EMF). A test binary of its own: the metrics recorder is global to the process.

use lambda_runtime::{Context, LambdaEvent};
use rappel_change_handler::{UNREADABLE_RECORDS_METRIC, function_handler};
use rappel_tests::handler_fakes::{batch, fakes};

#[tokio::test]
async fn an_unreadable_stream_record_is_counted_in_an_embedded_metric() {
    let metrics =
        rappel_aws::metrics::init("change-handler").expect("the only collector of this process");
    let fakes = fakes().await;

    function_handler(
        LambdaEvent::new(batch(), Context::default()),
        &fakes.services,
    )
    .await
    .unwrap_or_else(|never| match never {});

    let mut emf = Vec::new();
    metrics.flush(&mut emf).expect("metrics written");
    let emf: serde_json::Value = serde_json::from_slice(&emf).expect("one EMF document");
    assert_eq!(emf[UNREADABLE_RECORDS_METRIC], 1);
    assert_eq!(emf["Function"], "change-handler");
    assert_eq!(emf["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Rappel");
}
