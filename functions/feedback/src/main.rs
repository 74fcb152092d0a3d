//! The feedback function on Lambda (the SES events topic): composes the AWS adapters once, then
//! serves notifications.

use lambda_runtime::{Error, service_fn};
use rappel_aws::metrics::run_with_metrics;
use rappel_aws::{Env, sdk, wiring};
use rappel_feedback::function_handler;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = sdk::load().await;
    let services = wiring::feedback_services(&sdk, &Env::from_process())?;
    let metrics = rappel_aws::metrics::init("feedback")?;
    run_with_metrics(
        metrics,
        service_fn(|event| function_handler(event, &services)),
    )
    .await
}
