//! The send function on Lambda: composes the AWS adapters once, then consumes the send queue.

use lambda_runtime::{Error, service_fn};
use rappel_aws::metrics::run_with_metrics;
use rappel_aws::{Env, compose, sdk};
use rappel_ports::clock::SystemClock;
use rappel_send::{SendPace, function_handler};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let env = Env::from_process();
    let sdk = sdk::load().await;
    let services = compose::delivery_services(&sdk, &env, Arc::new(SystemClock)).await?;
    let (rate, concurrency) = compose::send_pace(&env)?;
    let pace = SendPace::new(rate, concurrency);
    let metrics = rappel_aws::metrics::init("send")?;
    run_with_metrics(
        metrics,
        service_fn(|event| function_handler(event, &services, &pace)),
    )
    .await
}
