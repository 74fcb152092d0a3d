//! Who a request acts for, outside AWS (on AWS, API Gateway's authorizers decide and
//! [`crate::lambda`] reads their verdict). The local stack takes either the business's id in
//! `X-Tenant-Id` (it has no identity provider), or an integrator's API key
//! (`Authorization: Bearer rk_…`) with the business in `X-Rappel-Business`, checked exactly as
//! the key authorizer checks it on AWS ([`rappel_app::access::authorize`]).

use crate::error::ApiError;
use crate::extract::Tenant;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rappel_app::access::{AuthorizeError, Denied, authorize};
use rappel_core::access::KEY_PREFIX;
use rappel_core::model::TenantId;
use rappel_ports::credentials::CredentialCheck;
use std::sync::Arc;

/// The header that names the tenant in local mode (stands in for the JWT claim).
pub const TENANT_HEADER: &str = "x-tenant-id";
pub use rappel_core::access::BUSINESS_HEADER;

/// Local-mode authentication by `X-Tenant-Id` only.
pub fn dev_tenant_header(router: Router) -> Router {
    router.layer(middleware::from_fn(tenant_from_header))
}

/// The local stack's authentication: an integrator's key (with `X-Rappel-Business`) when the
/// request presents one, else `X-Tenant-Id`.
pub fn local_authentication(router: Router, credentials: Arc<dyn CredentialCheck>) -> Router {
    router.layer(middleware::from_fn_with_state(
        credentials,
        key_or_tenant_header,
    ))
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Whether the request uses the integrators' way in: a bearer token shaped like a key. (A
/// stray `X-Rappel-Business` beside `X-Tenant-Id` changes nothing; a key without it is refused.)
fn presents_a_key(request: &Request) -> bool {
    header(request, "authorization").is_some_and(|value| {
        value
            .trim()
            .split_once(' ')
            .is_some_and(|(_, token)| token.trim_start().starts_with(KEY_PREFIX))
    })
}

async fn key_or_tenant_header(
    State(credentials): State<Arc<dyn CredentialCheck>>,
    mut request: Request,
    next: Next,
) -> Response {
    if !presents_a_key(&request) {
        return tenant_from_header(request, next).await;
    }
    let checked = authorize(
        credentials.as_ref(),
        header(&request, "authorization"),
        header(&request, BUSINESS_HEADER),
    )
    .await;
    match checked {
        Ok(allowed) => {
            request.extensions_mut().insert(Tenant(allowed.business));
            next.run(request).await
        }
        Err(AuthorizeError::Denied(denied)) => {
            // Debug only: the local stack's contract run sends thousands of made-up keys.
            tracing::debug!(reason = denied.name(), "key refused");
            match denied {
                Denied::NoBusiness => ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "missing_business",
                    "an API key acts for the business named in X-Rappel-Business (a business id)",
                ),
                Denied::NotGranted => ApiError::new(
                    StatusCode::FORBIDDEN,
                    "business_not_granted",
                    "this key's integrator may not act for the business in X-Rappel-Business",
                ),
                _ => ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_api_key",
                    "the API key is unknown, revoked or mistyped",
                ),
            }
            .into_response()
        }
        Err(AuthorizeError::Unavailable(error)) => {
            tracing::error!(%error, "credentials unavailable");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "credentials_unavailable",
                "the API keys cannot be checked right now; retry shortly",
            )
            .into_response()
        }
    }
}

async fn tenant_from_header(mut request: Request, next: Next) -> Response {
    let tenant = header(&request, TENANT_HEADER).map(TenantId::parse);
    match tenant {
        Some(Ok(tenant)) => {
            request.extensions_mut().insert(Tenant(tenant));
            next.run(request).await
        }
        Some(Err(_)) => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_tenant",
            "X-Tenant-Id must be 1 to 64 characters of letters, digits, '-' or '_'",
        )
        .into_response(),
        None => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "missing X-Tenant-Id header (local mode), or an API key with X-Rappel-Business",
        )
        .into_response(),
    }
}
