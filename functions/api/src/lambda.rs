//! The same router on Lambda, behind an API Gateway HTTP API whose JWT authorizer has already
//! verified the token: the tenant is one of its claims (which one is configuration). A request
//! without it never reaches a route.

use crate::error::ApiError;
use crate::extract::Tenant;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use lambda_http::request::RequestContext;
use rappel_app::ApiServices;
use rappel_core::model::TenantId;
use rappel_core::render::LinkSigner;
use std::sync::Arc;

/// The API behind the JWT authorizer, and the public link routes (no authorizer on their
/// API Gateway route, no tenant claim: the link's signature is the authority).
pub fn lambda_router(services: ApiServices, tenant_claim: String, links: LinkSigner) -> Router {
    let api = crate::router(services.clone(), links.clone()).layer(middleware::from_fn_with_state(
        Arc::new(tenant_claim),
        tenant_from_jwt,
    ));
    crate::links::links_router(crate::links::LinksState { services, links }).merge(api)
}

fn claim_value<'a>(request: &'a Request, claim: &str) -> Option<&'a str> {
    let context = request.extensions().get::<RequestContext>()?;
    let jwt = context.authorizer()?.jwt.as_ref()?;
    jwt.claims.get(claim).map(String::as_str)
}

async fn tenant_from_jwt(
    State(claim): State<Arc<String>>,
    mut request: Request,
    next: Next,
) -> Response {
    match claim_value(&request, &claim).map(TenantId::parse) {
        Some(Ok(tenant)) => {
            request.extensions_mut().insert(Tenant(tenant));
            next.run(request).await
        }
        Some(Err(_)) => ApiError::new(
            StatusCode::FORBIDDEN,
            "invalid_tenant",
            "the token's tenant claim is not a valid tenant id",
        )
        .into_response(),
        None => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "the request carries no verified tenant claim",
        )
        .into_response(),
    }
}
