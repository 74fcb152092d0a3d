//! The inbound SMS function on Lambda (the two-way number's topic): composes the AWS adapters
//! once, then takes the clients' texts.

use lambda_runtime::{Error, service_fn};
use rappel_aws::metrics::run_with_metrics;
use rappel_aws::{Env, sdk, wiring};
use rappel_inbound_sms::function_handler;
use rappel_ports::clock::SystemClock;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = sdk::load().await;
    let services = wiring::reply_services(&sdk, &Env::from_process(), Arc::new(SystemClock))?;
    let metrics = rappel_aws::metrics::init("inbound-sms")?;
    run_with_metrics(
        metrics,
        service_fn(|event| function_handler(event, &services)),
    )
    .await
}
