//! The SDK configuration, loaded once per cold start and shared by every client.

use crate::sdk_http_client::sdk_http_client;
use aws_config::environment::{
    EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use std::time::Duration;

/// Attempts per call (first try included). The standard strategy retries throttling, 5xx and
/// transport errors with exponential backoff and jitter; the port sees only what still fails.
pub const MAX_ATTEMPTS: u32 = 4;

/// One HTTP attempt may take this long (a DynamoDB item, an SES send: tens of milliseconds
/// when healthy) before it is abandoned and retried.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3);
/// One call, all its attempts and backoffs included, ends by then: the bound every deadline
/// reserve counts a call at (`rappel_ports::deadline::CALL_BOUND`, checked equal). A delivery
/// calls the provider only with the send, the settle and its fallback still fitting (three
/// times 8 s, and 2 s more), so Lambda never cuts it between the send and the record; the
/// template sync test checks the arithmetic against the send function's timeout.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(8);
/// Connecting to an AWS endpoint.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

fn retry() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS)
}

fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .operation_timeout(OPERATION_TIMEOUT)
        .build()
}

/// On Lambda: region and credentials from the environment (`AWS_ENDPOINT_URL` is honoured too,
/// which is how a function runs against an emulator). Lambda puts the function role's
/// credentials and the region in the environment, so they are read from there alone: the
/// default chains would also build an STS client (web identity, assume-role), look for
/// profile files and know of the instance metadata service — work at every cold start
/// (docs/PERFORMANCE.md) for sources a function never uses.
pub async fn load() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(EnvironmentVariableRegionProvider::new())
        .credentials_provider(EnvironmentVariableCredentialsProvider::new())
        .retry_config(retry())
        .timeout_config(timeouts())
        .http_client(sdk_http_client())
        .load()
        .await
}

/// Against an emulator at `endpoint` (moto server): fixed region, throwaway credentials.
pub async fn load_for_emulator(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "emulator",
            "emulator",
            None,
            None,
            "rappel-emulator",
        ))
        .retry_config(retry())
        .timeout_config(timeouts())
        .http_client(sdk_http_client())
        .load()
        .await
}
