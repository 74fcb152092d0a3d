//! The publish function on Lambda (the deliveries table's event stream and the webhook retry
//! queue): composes the AWS adapters once, then publishes.

use lambda_runtime::{Error, service_fn};
use rappel_aws::metrics::run_with_metrics;
use rappel_aws::{Env, sdk, wiring};
use rappel_ports::clock::SystemClock;
use rappel_publish::{HttpsPoster, PublishServices, function_handler};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = sdk::load().await;
    let env = Env::from_process();
    let services = PublishServices {
        dispatch: wiring::webhook_dispatch(
            &sdk,
            &env,
            Arc::new(SystemClock),
            Arc::new(HttpsPoster::new()?),
        )?,
        bus: Arc::new(wiring::event_bus(&sdk, &env)?),
    };
    let metrics = rappel_aws::metrics::init("publish")?;
    run_with_metrics(
        metrics,
        service_fn(|event| function_handler(event, &services)),
    )
    .await
}
