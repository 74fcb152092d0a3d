//! `/v1/webhooks`: the business's webhook endpoints. Each receives the business's delivery
//! events (those of its `event_types`, all when empty) from its registration on, one request
//! per event, in stream order, signed the Standard Webhooks way with the secret shown once at
//! registration (`POST .../rotate-secret` makes a new one; the old one signs 24 hours more).
//! An endpoint failing for 5 days is disabled (a `webhook.disabled` event says so);
//! `POST .../enable` resumes it from where it stopped.

use crate::error::ApiError;
use crate::extract::{ApiJson, Tenant};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rappel_app::webhooks::{
    EndpointError, EndpointView, NewEndpoint, create_endpoint, delete_endpoint, enable_endpoint,
    list_endpoints, rotate_secret,
};
use rappel_core::events::{EventType, MAX_ENDPOINTS, WebhookUrl};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEndpointInput {
    /// `https://…` (on the local stack also `http://` to a loopback address).
    pub url: String,
    /// The types to receive; all when absent or empty.
    #[serde(default)]
    pub event_types: Vec<EventType>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EndpointList {
    pub endpoints: Vec<EndpointView>,
}

fn problem(error: EndpointError) -> ApiError {
    match error {
        EndpointError::TooMany => ApiError::conflict(
            "too_many_endpoints",
            format!("at most {MAX_ENDPOINTS} webhook endpoints per business"),
        ),
        EndpointError::NotFound => ApiError::not_found("webhook endpoint"),
        EndpointError::Events(e) => {
            tracing::warn!(error = %e, "event log unavailable");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_unavailable",
                "the event log is unavailable; try again",
            )
        }
        EndpointError::Store(e) => {
            tracing::warn!(error = %e, "webhook endpoints unavailable");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_unavailable",
                "the webhook endpoints are unavailable; try again",
            )
        }
        EndpointError::NoRandomness(e) => {
            tracing::error!(error = %e, "no randomness for a webhook secret");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "no_randomness",
                "no secret could be made; try again",
            )
        }
    }
}

#[utoipa::path(
    post, path = "/v1/webhooks", tag = "webhooks", operation_id = "createWebhookEndpoint",
    summary = "Register an endpoint for the business's delivery events",
    request_body(content = NewEndpointInput, example = json!({"url": "https://crm.example.com/hooks/rappel", "event_types": ["message.sent", "message.bounced"]})),
    responses((status = 201, description = "Registered: `secret` is shown this once.", body = EndpointView),
      (status = 409, description = "too_many_endpoints.", body = crate::error::Problem),
      (status = 422, description = "invalid_url, or an unknown event type.", body = crate::error::Problem))
)]
pub async fn create(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiJson(input): ApiJson<NewEndpointInput>,
) -> Result<(StatusCode, Json<EndpointView>), ApiError> {
    let url = WebhookUrl::parse(&input.url, state.services.loopback_webhooks)
        .map_err(|e| ApiError::unprocessable("invalid_url", e.to_string()))?;
    let new = NewEndpoint {
        url,
        event_types: input.event_types,
    };
    let view = create_endpoint(&state.services, &tenant, new)
        .await
        .map_err(problem)?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(
    get, path = "/v1/webhooks", tag = "webhooks", operation_id = "listWebhookEndpoints",
    summary = "The business's endpoints and where each stands",
    responses((status = 200, description = "The endpoints, oldest first (no secrets).", body = EndpointList))
)]
pub async fn list(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
) -> Result<Json<EndpointList>, ApiError> {
    let endpoints = list_endpoints(&state.services, &tenant)
        .await
        .map_err(problem)?;
    Ok(Json(EndpointList { endpoints }))
}

#[utoipa::path(
    delete, path = "/v1/webhooks/{id}", tag = "webhooks", operation_id = "deleteWebhookEndpoint",
    summary = "Stop posting to an endpoint",
    params(("id" = String, Path, description = "The endpoint's id.")),
    responses((status = 204, description = "Deleted."),
      (status = 404, description = "not_found.", body = crate::error::Problem))
)]
pub async fn delete(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    delete_endpoint(&state.services, &tenant, &id)
        .await
        .map_err(problem)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post, path = "/v1/webhooks/{id}/rotate-secret", tag = "webhooks", operation_id = "rotateWebhookSecret",
    summary = "A new signing secret (the old one signs 24 hours more)",
    params(("id" = String, Path, description = "The endpoint's id.")),
    responses((status = 200, description = "Rotated: the new `secret`, shown this once.", body = EndpointView),
      (status = 404, description = "not_found.", body = crate::error::Problem))
)]
pub async fn rotate(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<EndpointView>, ApiError> {
    rotate_secret(&state.services, &tenant, &id)
        .await
        .map(Json)
        .map_err(problem)
}

#[utoipa::path(
    post, path = "/v1/webhooks/{id}/enable", tag = "webhooks", operation_id = "enableWebhookEndpoint",
    summary = "Resume a disabled endpoint from where it stopped",
    description = "An endpoint that failed for 5 days is disabled. Enabled again, its failures are forgotten and it is tried at once, from its cursor: what it missed is posted first, in order (events are kept 30 days). An endpoint that is not disabled is answered as it is.",
    params(("id" = String, Path, description = "The endpoint's id.")),
    responses((status = 200, description = "Enabled (or already active).", body = EndpointView),
      (status = 404, description = "not_found.", body = crate::error::Problem))
)]
pub async fn enable(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<EndpointView>, ApiError> {
    enable_endpoint(&state.services, &tenant, &id)
        .await
        .map(Json)
        .map_err(problem)
}
