//! The HTTP API on Lambda: composes the AWS adapters once, then serves API Gateway requests.

use lambda_http::{Error, run, service_fn};
use rappel_api::lambda::LambdaApi;
use rappel_aws::{Env, sdk, wiring};
use rappel_ports::clock::SystemClock;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let sdk = sdk::load().await;
    let env = Env::from_process();
    let services = wiring::api_services(&sdk, &env, Arc::new(SystemClock))?;
    let api = LambdaApi::new(
        services,
        wiring::tenant_claim(&env)?,
        wiring::lazy_link_keys(&sdk, &env)?,
    );
    api.prefetch();
    run(service_fn(move |request| {
        let api = api.clone();
        async move { Ok::<_, std::convert::Infallible>(api.handle(request).await) }
    }))
    .await
}
