//! The operator's side of integrators' API keys on the local stack (on AWS: `rappel-keys`):
//! issue a key for an integrator and the businesses it may act for, revoke it, grant or
//! withdraw a business. The same commands as the tool, over the stack's own store.

use crate::runtime::LocalStack;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rappel_api::error::ApiError;
use rappel_api::extract::ApiJson;
use rappel_app::access::{self, KeyAdminError};
use rappel_core::access::{ApiKeyId, IntegratorId};
use rappel_core::model::TenantId;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Businesses one request may grant (more: grant them one by one).
const MAX_BUSINESSES: usize = 100;

pub fn routes() -> OpenApiRouter<Arc<LocalStack>> {
    OpenApiRouter::new()
        .routes(routes!(issue_key))
        .routes(routes!(revoke_key))
        .routes(routes!(grant_business, withdraw_business))
}

/// `{"integrator": "acme", "label": "…", "businesses": ["salon-lea"]}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewKey {
    /// 1 to 32 lowercase letters, digits or '-'.
    integrator: String,
    /// What the key is for ("production 2026-12").
    #[schema(min_length = 1, max_length = 100)]
    label: String,
    /// Businesses the integrator may act for (added to those already granted).
    #[serde(default)]
    #[schema(max_items = 100)]
    businesses: Vec<String>,
}

#[derive(Serialize, ToSchema)]
struct IssuedKey {
    /// The whole key: `Authorization: Bearer <key>`. Shown once, never again.
    key: String,
    key_id: String,
    integrator: String,
    /// The businesses granted by this request.
    businesses: Vec<String>,
}

fn integrator(raw: &str) -> Result<IntegratorId, ApiError> {
    IntegratorId::parse(raw)
        .map_err(|e| ApiError::unprocessable("invalid_field", format!("integrator: {e}")))
}

/// A business id from an operator's route (the kill switch's too).
pub(crate) fn business(raw: &str) -> Result<TenantId, ApiError> {
    TenantId::parse(raw)
        .map_err(|e| ApiError::unprocessable("invalid_field", format!("business: {e}")))
}

fn refused(error: KeyAdminError) -> ApiError {
    match error {
        KeyAdminError::TooManyKeys => ApiError::conflict("too_many_keys", error.to_string()),
        KeyAdminError::InvalidLabel => ApiError::unprocessable("invalid_field", error.to_string()),
        KeyAdminError::UnknownKey(_) => ApiError::not_found("API key of this integrator"),
        KeyAdminError::NoRandomness(_) | KeyAdminError::Unavailable(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "credentials_unavailable",
            error.to_string(),
        ),
    }
}

#[utoipa::path(
    post, path = "/_local/api-keys", tag = "local", operation_id = "localIssueApiKey", security(()),
    summary = "Issue an integrator's API key (shown once) and grant it businesses",
    request_body(content = NewKey, example = json!({"integrator": "acme", "label": "production 2026-12", "businesses": ["salon-lea"]})),
    responses((status = 201, description = "The key, to be sent as `Authorization: Bearer <key>` with `X-Rappel-Business`.", body = IssuedKey),
        (status = 400, description = "malformed_json, missing_body or unreadable_body.", body = rappel_api::error::Problem),
        (status = 409, description = "too_many_keys: the integrator holds 5 live keys; revoke one first.", body = rappel_api::error::Problem),
        (status = 413, description = "payload_too_large.", body = rappel_api::error::Problem),
        (status = 415, description = "unsupported_media_type: send application/json.", body = rappel_api::error::Problem),
        (status = 422, description = "invalid_field: not an integrator or business id, an empty or long label, more than 100 businesses.", body = rappel_api::error::Problem),
        (status = 503, description = "credentials_unavailable: a passing outage.", body = rappel_api::error::Problem))
)]
async fn issue_key(
    State(stack): State<Arc<LocalStack>>,
    ApiJson(request): ApiJson<NewKey>,
) -> Result<(StatusCode, Json<IssuedKey>), ApiError> {
    let who = integrator(&request.integrator)?;
    if request.businesses.len() > MAX_BUSINESSES {
        return Err(ApiError::unprocessable(
            "invalid_field",
            format!("businesses: at most {MAX_BUSINESSES} per request"),
        ));
    }
    let businesses = request
        .businesses
        .iter()
        .map(|b| business(b))
        .collect::<Result<Vec<_>, _>>()?;
    let store = stack.credentials.as_ref();
    let now = stack.now();
    let (key, stored) = access::issue_key(store, &who, &request.label, now)
        .await
        .map_err(refused)?;
    for business in &businesses {
        access::grant(store, &who, business, now)
            .await
            .map_err(refused)?;
    }
    Ok((
        StatusCode::CREATED,
        Json(IssuedKey {
            key: key.reveal(),
            key_id: stored.id.to_string(),
            integrator: who.to_string(),
            businesses: businesses.iter().map(ToString::to_string).collect(),
        }),
    ))
}

#[utoipa::path(
    delete, path = "/_local/api-keys/{integrator}/{key_id}", tag = "local", operation_id = "localRevokeApiKey", security(()),
    summary = "Revoke an integrator's API key",
    params(("integrator" = String, Path, description = "The integrator's id."), ("key_id" = String, Path, description = "The key's id (16 hex digits).")),
    responses((status = 204, description = "Revoked: the key is refused from now on."),
        (status = 404, description = "not_found: the integrator has no such key.", body = rappel_api::error::Problem),
        (status = 422, description = "invalid_field: not an integrator id or a key id.", body = rappel_api::error::Problem),
        (status = 503, description = "credentials_unavailable: a passing outage.", body = rappel_api::error::Problem))
)]
async fn revoke_key(
    State(stack): State<Arc<LocalStack>>,
    Path((who, key)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let who = integrator(&who)?;
    let key = ApiKeyId::parse(&key)
        .map_err(|_| ApiError::unprocessable("invalid_field", "key_id: 16 hex digits"))?;
    access::revoke_key(stack.credentials.as_ref(), &who, &key, stack.now())
        .await
        .map_err(refused)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    put, path = "/_local/integrators/{integrator}/businesses/{business}", tag = "local", operation_id = "localGrantBusiness", security(()),
    summary = "Let an integrator's keys act for a business",
    params(("integrator" = String, Path, description = "The integrator's id."), ("business" = String, Path, description = "The business (tenant) id.")),
    responses((status = 204, description = "Granted (again: nothing changes)."),
        (status = 422, description = "invalid_field: not an integrator or business id.", body = rappel_api::error::Problem),
        (status = 503, description = "credentials_unavailable: a passing outage.", body = rappel_api::error::Problem))
)]
async fn grant_business(
    State(stack): State<Arc<LocalStack>>,
    Path((who, to)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (who, to) = (integrator(&who)?, business(&to)?);
    access::grant(stack.credentials.as_ref(), &who, &to, stack.now())
        .await
        .map_err(refused)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete, path = "/_local/integrators/{integrator}/businesses/{business}", tag = "local", operation_id = "localWithdrawBusiness", security(()),
    summary = "Stop an integrator's keys acting for a business",
    params(("integrator" = String, Path, description = "The integrator's id."), ("business" = String, Path, description = "The business (tenant) id.")),
    responses((status = 204, description = "Withdrawn: its keys are refused for this business from now on."),
        (status = 404, description = "not_found: the business was not granted to this integrator.", body = rappel_api::error::Problem),
        (status = 422, description = "invalid_field: not an integrator or business id.", body = rappel_api::error::Problem),
        (status = 503, description = "credentials_unavailable: a passing outage.", body = rappel_api::error::Problem))
)]
async fn withdraw_business(
    State(stack): State<Arc<LocalStack>>,
    Path((who, from)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (who, from) = (integrator(&who)?, business(&from)?);
    if access::withdraw(stack.credentials.as_ref(), &who, &from)
        .await
        .map_err(refused)?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(
            "grant of this business to this integrator",
        ))
    }
}
