//! # rappel-api — the HTTP API handler
//!
//! One axum [`router`], served by the local stack on 127.0.0.1 and ([`lambda::lambda_router`]) by
//! `lambda_http` behind API Gateway. JSON in snake_case, RFC 3339 instants with offsets, errors
//! as `{"error": {"code", "message"}}` with a 4xx status for any bad input.
//!
//! The tenant is never read from the body: an authentication layer puts it on the request
//! ([`extract::Tenant`]). Locally that layer is [`local_authentication`] (`X-Tenant-Id`, or an
//! integrator's API key and `X-Rappel-Business`); on AWS it reads what API Gateway's
//! authorizer vouched for (a JWT claim, or the key authorizer's business). Every lookup is keyed by that tenant, so another
//! business's ids answer 404.
//!
//! The routes are one list read two ways ([`route_table`]): with their descriptions, which the
//! contract ([`openapi`]) is generated from, and as served, without them.
//!
//! The Lambda glue ([`lambda`]) is behind the `lambda` feature, which only the Lambda binary
//! enables: the local stack serves the same router without the AWS SDK or `lambda_http`.

pub mod authentication;
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
pub mod route_table;
pub mod routes;
mod served_route;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::get;
use error::ApiError;
use extract::MAX_BODY_BYTES;
pub use links::{LinksState, links_router};
use rappel_app::ApiServices;
use rappel_core::render::LinkSigner;
pub use routes::ApiState;

pub use authentication::{BUSINESS_HEADER, TENANT_HEADER, dev_tenant_header, local_authentication};

/// The authenticated API. `links` signs the clients' links; the API hands a business the keys
/// its booking tool checks reschedule tokens with.
pub fn router(services: ApiServices, links: LinkSigner) -> Router {
    route_table::served_routes()
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
