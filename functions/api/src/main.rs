//! The HTTP API on Lambda: composes the AWS adapters once, then serves API Gateway requests.

use lambda_http::{Error, run};
use rappel_api::lambda::lambda_router;
use rappel_aws::{Env, compose, sdk};
use rappel_ports::clock::SystemClock;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let sdk = sdk::load().await;
    let env = Env::from_process();
    let services = compose::api_services(&sdk, &env, Arc::new(SystemClock))?;
    let links = compose::link_keys(&sdk, &env).await?;
    run(lambda_router(services, compose::tenant_claim(&env)?, links)).await
}
