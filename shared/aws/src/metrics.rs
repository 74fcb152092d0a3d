//! CloudWatch embedded metrics (EMF): one namespace for Rappel, one dimension naming the
//! function. The handlers count with the `metrics` macros; the runtime loop here writes them
//! to the function's log after each invocation.
//!
//! `metrics_cloudwatch_embedded` is used without its `lambda` feature: that feature links
//! `lambda_http` (and its request types) into every function for a twenty-line layer, so the
//! layer is ours ([`FlushAfterEach`]): the cold start counted once, the collector flushed when
//! each invocation's future ends.

use lambda_runtime::layers::TracingLayer;
use lambda_runtime::{Diagnostic, IntoFunctionResponse, LambdaEvent, LambdaInvocation, Runtime};
use metrics_cloudwatch_embedded::{Builder, Collector};
use serde::{Deserialize, Serialize};
use std::fmt::Debug;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::Once;
use std::task::{Context, Poll};
use tower::{Layer, Service};

/// The namespace every Rappel metric is published under.
pub const NAMESPACE: &str = "Rappel";

/// The metric written once per process, at its first invocation.
pub const COLD_START_METRIC: &str = "ColdStart";

/// Installs the process's metrics collector for `function` (the `Function` dimension).
pub fn init(
    function: &'static str,
) -> Result<&'static Collector, metrics_cloudwatch_embedded::Error> {
    Builder::new()
        .cloudwatch_namespace(NAMESPACE)
        .with_dimension("Function", function)
        .init()
}

/// The Lambda runtime loop (with the runtime's tracing layer) whose every invocation ends by
/// writing the metrics it counted to stdout, where Lambda's log agent hands them to CloudWatch.
pub async fn run_with_metrics<A, F, R, B, S, D, E>(
    collector: &'static Collector,
    handler: F,
) -> Result<(), lambda_runtime::Error>
where
    F: Service<LambdaEvent<A>, Response = R>,
    F::Future: Future<Output = Result<R, F::Error>>,
    F::Error: Into<Diagnostic> + Debug,
    A: for<'de> Deserialize<'de>,
    R: IntoFunctionResponse<B, S>,
    B: Serialize,
    S: futures_util::Stream<Item = Result<D, E>> + Unpin + Send + 'static,
    D: Into<bytes::Bytes> + Send,
    E: Into<lambda_runtime::Error> + Send + Debug,
{
    Runtime::new(handler)
        .layer(TracingLayer::new())
        .layer(FlushAfterEach::new(collector))
        .run()
        .await
}

/// A layer over the runtime's invocation service: counts the cold start at the first
/// invocation and flushes the collector when each invocation's handling is over.
#[derive(Clone, Copy)]
pub struct FlushAfterEach {
    collector: &'static Collector,
    out: Output,
}

/// Where the metrics are written: stdout on Lambda.
pub type Output = fn() -> Box<dyn Write>;

impl FlushAfterEach {
    /// The layer writing `collector`'s metrics to stdout.
    pub fn new(collector: &'static Collector) -> Self {
        Self::writing_to(collector, || Box::new(std::io::stdout()))
    }

    /// The layer writing `collector`'s metrics to what `out` opens (a test reads them).
    pub fn writing_to(collector: &'static Collector, out: Output) -> Self {
        Self { collector, out }
    }
}

impl<S> Layer<S> for FlushAfterEach {
    type Service = Flushing<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Flushing {
            layer: *self,
            inner,
        }
    }
}

/// The service [`FlushAfterEach`] makes.
pub struct Flushing<S> {
    layer: FlushAfterEach,
    inner: S,
}

impl<S> Service<LambdaInvocation> for Flushing<S>
where
    S: Service<LambdaInvocation>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = FlushedWhenDone<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, invocation: LambdaInvocation) -> Self::Future {
        static COLD_START: Once = Once::new();
        COLD_START.call_once(|| {
            let written = self.layer.collector.write_single(
                COLD_START_METRIC,
                Some(metrics::Unit::Count),
                1,
                (self.layer.out)(),
            );
            if let Err(error) = written {
                tracing::warn!(%error, "the cold start metric could not be written");
            }
        });
        FlushedWhenDone {
            layer: self.layer,
            inner: Box::pin(self.inner.call(invocation)),
        }
    }
}

/// An invocation's future that flushes the collector once it is ready.
pub struct FlushedWhenDone<F> {
    layer: FlushAfterEach,
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for FlushedWhenDone<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let output = std::task::ready!(self.inner.as_mut().poll(cx));
        if let Err(error) = self.layer.collector.flush((self.layer.out)()) {
            tracing::warn!(%error, "the invocation's metrics could not be written");
        }
        Poll::Ready(output)
    }
}
