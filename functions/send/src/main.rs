//! The send function on Lambda: composes the AWS adapters once, then serves invocations.

use lambda_runtime::{Error, service_fn};
use metrics_cloudwatch_embedded::lambda::service::run;
use rappel_aws::{Env, compose, sdk};
use rappel_ports::clock::SystemClock;
use rappel_send::function_handler;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = sdk::load().await;
    let services =
        compose::delivery_services(&sdk, &Env::from_process(), Arc::new(SystemClock)).await?;
    let metrics = metrics_cloudwatch_embedded::Builder::new()
        .cloudwatch_namespace("Rappel")
        .with_dimension("Function", "send")
        .lambda_cold_start_metric("ColdStart")
        .init()?;
    run(
        metrics,
        service_fn(|event| function_handler(event, &services)),
    )
    .await
}
