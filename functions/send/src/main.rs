//! The send function on Lambda: composes the AWS adapters once, then consumes both lanes of
//! the send queue (one event source mapping each), each lane at its own pace.
// The handler's future, wrapped by the lazy services, is deeper than the default limit allows
// the compiler to lay out.
#![recursion_limit = "256"]

use lambda_runtime::{Error, service_fn};
use rappel_aws::metrics::run_with_metrics;
use rappel_aws::wiring::{DeliveryOnce, DeliveryParts};
use rappel_aws::{Env, sdk, wiring};
use rappel_core::message::Lane;
use rappel_ports::clock::SystemClock;
use rappel_send::{LanePaces, checked_pace, function_handler};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let env = Env::from_process();
    let sdk = sdk::load().await;
    let delivery = DeliveryOnce::new(DeliveryParts::compose(&sdk, &env, Arc::new(SystemClock))?);
    let (urgent, bulk, bulk_queue) = wiring::send_lanes(&env)?;
    let paces = LanePaces::new(
        Arc::new(checked_pace(Lane::Urgent, urgent.rate, urgent.concurrency)?),
        Arc::new(checked_pace(Lane::Bulk, bulk.rate, bulk.concurrency)?),
        bulk_queue,
    );
    let metrics = rappel_aws::metrics::init("send")?;
    delivery.prefetch();
    run_with_metrics(
        metrics,
        service_fn(|event| async {
            // Without the link keys nothing can be sent: the batch fails whole and comes back.
            let services = delivery.get().await?;
            Ok::<_, Error>(function_handler(event, services, &paces).await?)
        }),
    )
    .await
}
