//! # rappel-api — the HTTP API handler
//!
//! One axum [`router`], served by the local stack on 127.0.0.1 and ([`lambda::lambda_router`]) by
//! `lambda_http` behind API Gateway. JSON in snake_case, RFC 3339 instants with offsets, errors
//! as `{"error": {"code", "message"}}` with a 4xx status for any bad input.
//!
//! The tenant is never read from the body: an authentication layer puts it on the request
//! ([`extract::Tenant`]). Locally that layer is [`dev_tenant_header`] (`X-Tenant-Id`); on AWS it
//! reads the JWT authorizer's claim. Every lookup is keyed by that tenant, so another
//! business's ids answer 404.
//!
//! The Lambda glue ([`lambda`]) is behind the `lambda` feature, which only the Lambda binary
//! enables: the local stack serves the same router without the AWS SDK or `lambda_http`.

pub mod error;
pub mod extract;
pub mod idempotency;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod links;
mod objects_only;
mod one_click;
pub mod openapi;
mod openapi_examples;
mod openapi_for_generators;
mod pages;
pub mod routes;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use error::ApiError;
use extract::{MAX_BODY_BYTES, Tenant};
pub use links::{LinksState, links_router};
use rappel_app::ApiServices;
use rappel_core::model::TenantId;
use rappel_core::render::LinkSigner;
pub use routes::ApiState;

/// The header that names the tenant in local mode (stands in for the JWT claim).
pub const TENANT_HEADER: &str = "x-tenant-id";

/// The authenticated API. `links` signs the clients' links; the API hands a business the keys
/// its booking tool checks reschedule tokens with.
pub fn router(services: ApiServices, links: LinkSigner) -> Router {
    let (routes, _) = openapi::api_routes().split_for_parts();
    routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            services.clone(),
            idempotency::safe_retries,
        ))
        .with_state(ApiState { services, links })
}

/// The routes that need no authentication and no state: the contract.
pub fn public_router() -> Router {
    Router::new().route(openapi::OPENAPI_PATH, get(openapi::serve))
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no_such_route", "no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this method is not allowed on this route",
    )
}

/// Local-mode authentication: the tenant is the `X-Tenant-Id` header.
pub fn dev_tenant_header(router: Router) -> Router {
    router.layer(middleware::from_fn(tenant_from_header))
}

async fn tenant_from_header(mut request: Request, next: Next) -> Response {
    let header = request
        .headers()
        .get(TENANT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(TenantId::parse);
    match header {
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
            "missing X-Tenant-Id header (local mode)",
        )
        .into_response(),
    }
}
