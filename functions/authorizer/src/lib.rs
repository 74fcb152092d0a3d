//! # rappel-authorizer
//!
//! The integrators' way in on AWS: API Gateway's second HTTP API (the integrators' API) calls
//! this function, a REQUEST authorizer with simple responses, with the `Authorization` and
//! `X-Rappel-Business` headers of a request whose pair it has not seen in the last five
//! minutes (its cache). One read of the key and the grant; the answer names the business in
//! its context, which the API function reads as the tenant. A store that fails is an error
//! (API Gateway answers 500, the caller retries); anything else wrong is `isAuthorized: false`
//! (403), its reason counted and logged by name, never with the key.
//!
//! [`admin`] is the operator's tool over the same store (`rappel-keys`).

pub mod admin;

use aws_lambda_events::event::apigw::{
    ApiGatewayV2CustomAuthorizerSimpleResponse, ApiGatewayV2CustomAuthorizerV2Request,
};
use lambda_runtime::{Diagnostic, LambdaEvent};
use rappel_app::access::{AuthorizeError, authorize};
use rappel_ports::credentials::CredentialCheck;
use serde::{Deserialize, Serialize};

pub use rappel_core::access::BUSINESS_HEADER;

/// CloudWatch metric: keys checked, by `Outcome` (`allowed` or the refusal's name).
pub const KEY_CHECK_METRIC: &str = "ApiKeyChecks";

/// What an allowed request carries to the API function (`requestContext.authorizer.lambda`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerContext {
    /// The business the request acts for: the API's tenant.
    pub tenant: String,
    pub integrator: String,
    pub key_id: String,
}

pub type AuthorizerResponse = ApiGatewayV2CustomAuthorizerSimpleResponse<AuthorizerContext>;

#[derive(Debug, thiserror::Error)]
#[error("the credentials cannot be read: {0}")]
pub struct AuthorizerError(String);

impl From<AuthorizerError> for Diagnostic {
    fn from(error: AuthorizerError) -> Self {
        Diagnostic {
            error_type: "Rappel.CredentialsUnavailable".into(),
            error_message: error.to_string(),
        }
    }
}

pub async fn function_handler(
    event: LambdaEvent<ApiGatewayV2CustomAuthorizerV2Request>,
    check: &dyn CredentialCheck,
) -> Result<AuthorizerResponse, AuthorizerError> {
    let headers = &event.payload.headers;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let mut response = AuthorizerResponse::default();
    match authorize(check, header("authorization"), header(BUSINESS_HEADER)).await {
        Ok(allowed) => {
            tracing::info!(integrator = %allowed.integrator, key = %allowed.key, business = %allowed.business, "key allowed");
            metrics::counter!(KEY_CHECK_METRIC, "Outcome" => "allowed").increment(1);
            response.is_authorized = true;
            response.context = AuthorizerContext {
                tenant: allowed.business.to_string(),
                integrator: allowed.integrator.to_string(),
                key_id: allowed.key.to_string(),
            };
        }
        Err(AuthorizeError::Denied(denied)) => {
            tracing::warn!(reason = denied.name(), "key refused");
            metrics::counter!(KEY_CHECK_METRIC, "Outcome" => denied.name()).increment(1);
        }
        Err(AuthorizeError::Unavailable(error)) => {
            tracing::error!(%error, "credentials unavailable");
            return Err(AuthorizerError(error.to_string()));
        }
    }
    Ok(response)
}
