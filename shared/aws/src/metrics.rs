//! CloudWatch embedded metrics (EMF): one namespace for Rappel, one dimension naming the
//! function. The handlers count with the `metrics` macros; the collector installed here writes
//! them to the function's log after each invocation.

use metrics_cloudwatch_embedded::{Builder, Collector};

/// The namespace every Rappel metric is published under.
pub const NAMESPACE: &str = "Rappel";

/// Installs the process's metrics collector for `function` (the `Function` dimension).
pub fn init(
    function: &'static str,
) -> Result<&'static Collector, metrics_cloudwatch_embedded::Error> {
    Builder::new()
        .cloudwatch_namespace(NAMESPACE)
        .with_dimension("Function", function)
        .lambda_cold_start_metric("ColdStart")
        .init()
}

/// The Lambda runtime loop that flushes the collector after each invocation.
pub use metrics_cloudwatch_embedded::lambda::service::run as run_with_metrics;
