//! The integrators' API-key authorizer on Lambda: composes the credentials store once, then
//! answers API Gateway.

use lambda_runtime::{Error, service_fn};
use rappel_authorizer::function_handler;
use rappel_aws::metrics::run_with_metrics;
use rappel_aws::{Env, sdk, wiring};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = sdk::load().await;
    let credentials = wiring::credentials(&sdk, &Env::from_process())?;
    let metrics = rappel_aws::metrics::init("authorizer")?;
    run_with_metrics(
        metrics,
        service_fn(|event| function_handler(event, &credentials)),
    )
    .await
}
