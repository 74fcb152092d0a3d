//! The change handler on Lambda (records table stream): composes the AWS adapters once, then
//! serves batches.

use lambda_runtime::{Error, service_fn};
use rappel_aws::metrics::run_with_metrics;
use rappel_aws::{Env, sdk, wiring};
use rappel_change_handler::function_handler;
use rappel_ports::clock::SystemClock;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = sdk::load().await;
    let services = wiring::reaction_services(&sdk, &Env::from_process(), Arc::new(SystemClock))?;
    let metrics = rappel_aws::metrics::init("change-handler")?;
    run_with_metrics(
        metrics,
        service_fn(|event| function_handler(event, &services)),
    )
    .await
}
