//! The erase function on Lambda (the erasure queue): composes the AWS adapters once, then runs
//! steps.

use lambda_runtime::{Error, service_fn};
use rappel_aws::metrics::run_with_metrics;
use rappel_aws::{Env, sdk, wiring};
use rappel_erase::function_handler;
use rappel_ports::clock::SystemClock;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = sdk::load().await;
    let services = wiring::erasure_services(&sdk, &Env::from_process(), Arc::new(SystemClock))?;
    let metrics = rappel_aws::metrics::init("erase")?;
    run_with_metrics(
        metrics,
        service_fn(|event| function_handler(event, &services)),
    )
    .await
}
