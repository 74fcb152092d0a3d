//! The SDK configuration, loaded once per cold start and shared by every client.

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;

/// Attempts per call (first try included). The standard strategy retries throttling, 5xx and
/// transport errors with exponential backoff and jitter; the port sees only what still fails.
pub const MAX_ATTEMPTS: u32 = 4;

fn retry() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS)
}

/// On Lambda: region and credentials from the environment (`AWS_ENDPOINT_URL` is honoured too,
/// which is how a function runs against an emulator).
pub async fn load() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry())
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
        .load()
        .await
}
