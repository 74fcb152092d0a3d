//! The SDK configuration, built once per cold start and shared by every client.
//!
//! Built from its parts rather than by `aws-config`'s loader: a function's region, credentials
//! and endpoint are three environment variables, and the loader brings its provider chains,
//! its profile-file parser and an STS client (which it always links) for sources a function
//! never uses — 0.6 MB of every function at opt-level "s" (docs/PERFORMANCE.md).

use crate::sdk_http_client::sdk_http_client;
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_async::time::SystemTimeSource;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::SdkConfig;
use aws_types::region::Region;
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

/// On Lambda: the region, the function role's credentials and (against an emulator) the
/// endpoint from the environment, where Lambda puts them — `AWS_REGION` (or
/// `AWS_DEFAULT_REGION`), `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
/// `AWS_ENDPOINT_URL`. Nothing else is looked for: no profile file, no instance metadata, no
/// web identity.
pub async fn load() -> SdkConfig {
    let region = variable("AWS_REGION")
        .or_else(|| variable("AWS_DEFAULT_REGION"))
        .map(Region::new);
    let mut config = common()
        .region(region)
        .credentials_provider(SharedCredentialsProvider::new(EnvironmentCredentials));
    config.set_endpoint_url(variable("AWS_ENDPOINT_URL"));
    config.build()
}

/// Against an emulator at `endpoint` (moto server): fixed region, throwaway credentials.
pub async fn load_for_emulator(endpoint: &str) -> SdkConfig {
    common()
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "emulator",
            "emulator",
            None,
            None,
            "rappel-emulator",
        )))
        .build()
}

/// What every configuration shares: the behaviour version, the retries and timeouts above,
/// our HTTP client, and tokio's timer and the system clock (which retries, timeouts and the
/// credentials cache run on).
fn common() -> aws_types::sdk_config::Builder {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .retry_config(retry())
        .timeout_config(timeouts())
        .http_client(sdk_http_client())
        .sleep_impl(TokioSleep::new())
        .time_source(SystemTimeSource::new())
}

/// A variable's value, when set and not blank.
fn variable(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// The credentials in the environment, read when the SDK asks (its identity cache keeps
/// them): what Lambda gives the function's role.
#[derive(Debug)]
struct EnvironmentCredentials;

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(environment_credentials())
    }
}

fn environment_credentials() -> Result<Credentials, CredentialsError> {
    let required = |name: &'static str| {
        variable(name).ok_or_else(|| CredentialsError::not_loaded(format!("{name} is not set")))
    };
    Ok(Credentials::new(
        required("AWS_ACCESS_KEY_ID")?,
        required("AWS_SECRET_ACCESS_KEY")?,
        variable("AWS_SESSION_TOKEN"),
        None,
        "Environment",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn credentials_missing_from_the_environment_are_reported_not_loaded() {
        // Only the absence is checked here: setting variables would race other tests.
        if std::env::var("AWS_ACCESS_KEY_ID").is_ok() {
            return;
        }
        let error = EnvironmentCredentials
            .provide_credentials()
            .await
            .expect_err("no credentials");
        assert!(
            matches!(error, CredentialsError::CredentialsNotLoaded(_)),
            "{error:?}"
        );
        assert!(format!("{error:?}").contains("AWS_ACCESS_KEY_ID"));
    }

    #[test]
    fn every_configuration_has_the_retries_timeouts_timer_and_clock_the_clients_need() {
        let config = common().build();
        assert_eq!(
            config.retry_config().map(RetryConfig::max_attempts),
            Some(MAX_ATTEMPTS)
        );
        let timeouts = config.timeout_config().expect("timeouts");
        assert_eq!(timeouts.operation_attempt_timeout(), Some(ATTEMPT_TIMEOUT));
        assert_eq!(timeouts.operation_timeout(), Some(OPERATION_TIMEOUT));
        assert_eq!(timeouts.connect_timeout(), Some(CONNECT_TIMEOUT));
        assert!(config.sleep_impl().is_some());
        assert!(config.time_source().is_some());
        assert!(config.http_client().is_some());
        assert!(config.behavior_version().is_some());
    }
}
