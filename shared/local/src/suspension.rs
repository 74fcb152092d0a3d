//! The operator's kill switch on the local stack (on AWS: `rappel-keys suspend` / `resume`):
//! suspend a business's sending — every message of it is recorded `suppressed:
//! business_suspended` — or lift the suspension. Not an integrator's route: no tenant header.

use crate::api_keys::business;
use crate::runtime::LocalStack;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rappel_api::error::ApiError;
use rappel_api::extract::ApiJson;
use rappel_app::commands::settings::set_suspension;
use rappel_core::settings::Suspension;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<Arc<LocalStack>> {
    OpenApiRouter::new().routes(routes!(suspend, resume))
}

/// `{"reason": "…"}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SuspendRequest {
    /// The operator's note (never shown to clients).
    #[schema(min_length = 1, max_length = 500)]
    reason: String,
}

#[derive(Serialize, ToSchema)]
struct SuspensionState {
    business: String,
    /// The suspension in force, if any.
    suspended: Option<Suspension>,
}

#[utoipa::path(
    put, path = "/_local/businesses/{business}/suspension", tag = "local", operation_id = "localSuspendBusiness", security(()),
    summary = "Suspend a business's sending (the operator's kill switch)",
    params(("business" = String, Path, description = "The business's id.")),
    request_body(content = SuspendRequest, example = json!({"reason": "SMS pumping through the contact form"})),
    responses((status = 200, description = "Suspended: nothing of the business is sent until resumed.", body = SuspensionState),
        (status = 400, description = "malformed_json, missing_body or unreadable_body.", body = rappel_api::error::Problem),
        (status = 409, description = "version_conflict: the settings changed meanwhile; try again.", body = rappel_api::error::Problem),
        (status = 413, description = "payload_too_large.", body = rappel_api::error::Problem),
        (status = 415, description = "unsupported_media_type: send application/json.", body = rappel_api::error::Problem),
        (status = 422, description = "invalid_field: not a business id, or an empty or long reason.", body = rappel_api::error::Problem))
)]
async fn suspend(
    State(stack): State<Arc<LocalStack>>,
    Path(raw): Path<String>,
    ApiJson(request): ApiJson<SuspendRequest>,
) -> Result<Json<SuspensionState>, ApiError> {
    let tenant = business(&raw)?;
    let reason = request.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::unprocessable(
            "invalid_field",
            "reason: 1 to 500 characters",
        ));
    }
    let saved = set_suspension(stack.records.as_ref(), &tenant, Some(reason), stack.now()).await?;
    stack.settle().await;
    Ok(Json(SuspensionState {
        business: tenant.to_string(),
        suspended: saved.suspended,
    }))
}

#[utoipa::path(
    delete, path = "/_local/businesses/{business}/suspension", tag = "local", operation_id = "localResumeBusiness", security(()),
    summary = "Lift a business's suspension",
    params(("business" = String, Path, description = "The business's id.")),
    responses((status = 200, description = "Resumed: its messages go out again from now on.", body = SuspensionState),
        (status = 409, description = "version_conflict: the settings changed meanwhile; try again.", body = rappel_api::error::Problem),
        (status = 422, description = "invalid_field: not a business id.", body = rappel_api::error::Problem))
)]
async fn resume(
    State(stack): State<Arc<LocalStack>>,
    Path(raw): Path<String>,
) -> Result<(StatusCode, Json<SuspensionState>), ApiError> {
    let tenant = business(&raw)?;
    let saved = set_suspension(stack.records.as_ref(), &tenant, None, stack.now()).await?;
    stack.settle().await;
    Ok((
        StatusCode::OK,
        Json(SuspensionState {
            business: tenant.to_string(),
            suspended: saved.suspended,
        }),
    ))
}
