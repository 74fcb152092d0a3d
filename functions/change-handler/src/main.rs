//! The change handler on Lambda (records table stream): composes the AWS adapters once, then
//! serves batches.

use lambda_runtime::{Error, service_fn};
use metrics_cloudwatch_embedded::lambda::service::run;
use rappel_aws::{Env, compose, sdk};
use rappel_change_handler::{METRICS_NAMESPACE, function_handler};
use rappel_ports::clock::SystemClock;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = sdk::load().await;
    let services =
        compose::reaction_services(&sdk, &Env::from_process(), Arc::new(SystemClock)).await?;
    let metrics = metrics_cloudwatch_embedded::Builder::new()
        .cloudwatch_namespace(METRICS_NAMESPACE)
        .with_dimension("Function", "change-handler")
        .lambda_cold_start_metric("ColdStart")
        .init()?;
    run(
        metrics,
        service_fn(|event| function_handler(event, &services)),
    )
    .await
}
