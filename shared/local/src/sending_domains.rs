//! A business's sending domain verified on the local stack's word: there is no DNS to look
//! at, so this route says the domain's DKIM records are published (on AWS, SES finds them).
//! The business's `GET /v1/sending-identity` then answers `verified` and its mail leaves from
//! its own address. Not an integrator's route: no tenant header.

use crate::runtime::LocalStack;
use axum::Json;
use axum::extract::{Path, State};
use rappel_api::error::ApiError;
use rappel_core::model::DomainName;
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<Arc<LocalStack>> {
    OpenApiRouter::new().routes(routes!(verified))
}

#[derive(Serialize, ToSchema)]
struct DomainVerified {
    #[schema(example = "salon-lea.fr")]
    domain: String,
    verified: bool,
}

#[utoipa::path(
    put, path = "/_local/sending-domains/{domain}/verified", tag = "local", operation_id = "localVerifySendingDomain", security(()),
    summary = "Say a sending domain's DNS records are published (the local stack has no DNS)",
    params(("domain" = String, Path, description = "A domain a business registered.", example = "salon-lea.fr")),
    responses((status = 200, description = "Verified: the business's next GET of its sending identity says so.", body = DomainVerified),
        (status = 404, description = "not_found: no business registered this domain.", body = rappel_api::error::Problem),
        (status = 422, description = "invalid_field: not a domain name.", body = rappel_api::error::Problem))
)]
async fn verified(
    State(stack): State<Arc<LocalStack>>,
    Path(raw): Path<String>,
) -> Result<Json<DomainVerified>, ApiError> {
    let domain = DomainName::parse(&raw)
        .map_err(|e| ApiError::unprocessable("invalid_field", e.to_string()))?;
    if !stack.domains.mark_verified(&domain) {
        return Err(ApiError::not_found("registered sending domain"));
    }
    Ok(Json(DomainVerified {
        domain: domain.to_string(),
        verified: true,
    }))
}
