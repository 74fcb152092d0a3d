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
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod links;
pub mod routes;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
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
    use routes::*;
    Router::new()
        .route("/v1/reschedule-keys", get(settings::reschedule_keys))
        .route("/v1/settings", get(settings::get).put(settings::put))
        .route(
            "/v1/appointment-types/{id}",
            get(catalog::get_type).put(catalog::put_type),
        )
        .route(
            "/v1/staff/{id}",
            get(catalog::get_staff).put(catalog::put_staff),
        )
        .route("/v1/staff/{id}/appointments", get(agenda::staff_day))
        .route("/v1/staff/{id}/notifications", get(digests::staff))
        .route("/v1/managers/{id}/notifications", get(digests::manager))
        .route("/v1/clients", post(clients::create))
        .route("/v1/clients/{id}", get(clients::get).patch(clients::patch))
        .route(
            "/v1/clients/{id}/communications",
            get(clients::communications),
        )
        .route(
            "/v1/clients/{id}/notifications",
            get(clients::notifications),
        )
        .route("/v1/invoices/{id}", get(invoices::get).put(invoices::put))
        .route("/v1/invoices/{id}/notifications", get(invoices::planned))
        .route("/v1/invoices/{id}/{action}", post(invoices::act))
        .route("/v1/quotes/{id}", get(quotes::get).put(quotes::put))
        .route("/v1/quotes/{id}/notifications", get(quotes::planned))
        .route("/v1/quotes/{id}/{action}", post(quotes::act))
        .route("/v1/inbound", post(inbound::receive))
        .route("/v1/inbound/{id}", get(inbound::get))
        .route("/v1/waitlist", post(waitlist::create))
        .route(
            "/v1/waitlist/{id}",
            get(waitlist::get).delete(waitlist::delete),
        )
        .route("/v1/clients/{id}/waitlist", get(waitlist::of_client))
        .route("/v1/appointments", post(appointments::create))
        .route(
            "/v1/appointments/{id}",
            get(appointments::get).patch(appointments::patch),
        )
        .route(
            "/v1/appointments/{id}/notifications",
            get(appointments::notifications),
        )
        .route("/v1/appointments/{id}/{action}", post(appointments::act))
        .route(
            "/v1/templates/{kind}/{channel}/{locale}",
            get(templates::get).put(templates::put),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(ApiState { services, links })
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
