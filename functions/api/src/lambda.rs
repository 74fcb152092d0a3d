//! The same router on Lambda, behind two API Gateway HTTP APIs: the businesses' API, whose JWT
//! authorizer has already verified the token (the tenant is one of its claims, which one is
//! configuration), and the integrators' API, whose Lambda authorizer has checked the API key
//! for the business the request names (the tenant is in its context). A request without a
//! tenant never reaches a route.

use crate::error::ApiError;
use crate::extract::Tenant;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use lambda_http::request::RequestContext;
use lambda_http::tower::ServiceExt;
use rappel_app::ApiServices;
use rappel_aws::secret::LinkKeys;
use rappel_core::model::TenantId;
use rappel_core::render::LinkSigner;
use std::sync::Arc;

/// The API as its Lambda function serves it: the router is built on the first request, once
/// the link keys are read (prefetched at cold start, see [`LinkKeys`]); the cold start itself
/// does not wait for Secrets Manager. While the keys cannot be read, every request answers
/// 503 `links_unavailable` and the next one tries again.
#[derive(Clone)]
pub struct LambdaApi {
    services: ApiServices,
    tenant_claim: String,
    keys: LinkKeys,
    router: Arc<tokio::sync::OnceCell<Router>>,
}

impl LambdaApi {
    pub fn new(services: ApiServices, tenant_claim: String, keys: LinkKeys) -> Self {
        Self {
            services,
            tenant_claim,
            keys,
            router: Arc::new(tokio::sync::OnceCell::new()),
        }
    }

    /// Starts reading the link keys without waiting for them.
    pub fn prefetch(&self) {
        self.keys.prefetch();
    }

    pub async fn handle(&self, request: lambda_http::Request) -> Response {
        let router = self
            .router
            .get_or_try_init(|| async {
                let links = self.keys.get().await?;
                Ok::<_, rappel_aws::ConfigError>(lambda_router(
                    self.services.clone(),
                    self.tenant_claim.clone(),
                    links.clone(),
                ))
            })
            .await;
        match router {
            Ok(router) => match router.clone().oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            },
            Err(error) => {
                tracing::error!(%error, "the link keys cannot be read");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "links_unavailable",
                    "the service is starting and cannot sign links yet; retry shortly",
                )
                .into_response()
            }
        }
    }
}

/// The API behind the JWT authorizer, and the public routes (no authorizer on their API
/// Gateway route, no tenant claim): the links, whose signature is the authority, and the
/// contract.
pub fn lambda_router(services: ApiServices, tenant_claim: String, links: LinkSigner) -> Router {
    let api = crate::router(services.clone(), links.clone()).layer(middleware::from_fn_with_state(
        Arc::new(tenant_claim),
        tenant_from_jwt,
    ));
    crate::links::links_router(crate::links::LinksState { services, links })
        .merge(crate::public_router())
        .merge(api)
}

/// The tenant API Gateway's authorizer vouched for: the JWT authorizer's claim (the
/// businesses' API), or the business the integrators' key authorizer allowed (its context's
/// `tenant`). A caller cannot set either: API Gateway writes the request context.
fn tenant_value<'a>(request: &'a Request, claim: &str) -> Option<&'a str> {
    let context = request.extensions().get::<RequestContext>()?;
    let authorizer = context.authorizer()?;
    match &authorizer.jwt {
        Some(jwt) => jwt.claims.get(claim).map(String::as_str),
        None => authorizer.fields.get("tenant")?.as_str(),
    }
}

async fn tenant_from_jwt(
    State(claim): State<Arc<String>>,
    mut request: Request,
    next: Next,
) -> Response {
    match tenant_value(&request, &claim).map(TenantId::parse) {
        Some(Ok(tenant)) => {
            request.extensions_mut().insert(Tenant(tenant));
            next.run(request).await
        }
        Some(Err(_)) => ApiError::new(
            StatusCode::FORBIDDEN,
            "invalid_tenant",
            "the verified tenant (token claim or key authorizer) is not a valid tenant id",
        )
        .into_response(),
        None => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "the request carries no verified tenant (token claim or key authorizer)",
        )
        .into_response(),
    }
}
