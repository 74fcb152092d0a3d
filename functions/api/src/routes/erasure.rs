//! A client's erasure: `DELETE /v1/clients/{id}` begins it (the client's record goes at once,
//! the rest in bounded steps) and `GET /v1/clients/{id}/erasure` follows it. What is deleted,
//! what is kept and why: docs/PRIVACY.md.

use crate::error::ApiError;
use crate::extract::{Tenant, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use rappel_app::commands::erasure;
use rappel_core::model::{ClientErasure, ClientId, ErasedCounts};
use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErasureState {
    /// Steps are still to run (the client's record is already gone).
    Running,
    /// Everything Rappel held about the client is deleted; this record keeps ids and counts.
    Done,
}

/// A client's erasure: where it is and what it deleted.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Erasure {
    pub client_id: ClientId,
    pub state: ErasureState,
    /// The step it runs next (`records`, `contact_messages`, `history`, `texts`,
    /// `refusals`), or `done`.
    pub step: String,
    pub requested_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub erased: ErasedCounts,
}

impl From<ClientErasure> for Erasure {
    fn from(e: ClientErasure) -> Self {
        Self {
            state: if e.is_done() {
                ErasureState::Done
            } else {
                ErasureState::Running
            },
            step: e.next.name().to_owned(),
            client_id: e.client,
            requested_at: e.requested_at,
            finished_at: e.finished_at,
            erased: e.erased,
        }
    }
}

#[utoipa::path(
    delete, path = "/v1/clients/{id}", tag = "clients", operation_id = "eraseClient",
    summary = "Erase a client: everything Rappel holds about them",
    description = "The client's record is deleted at once and nothing more is sent to them; their appointments, waitlist entries, invoices, quotes, messages, history, the ledger's copies and what was texted to them follow in bounded steps (`GET /v1/clients/{id}/erasure`). A bounce, complaint, STOP or unsubscribe stays, under a keyed hash of the address. Nobody is notified (cancel first to tell the staff). Asked again, it answers the erasure begun.",
    params(("id" = String, Path, description = "The client's id.", example = "cl_3f9a1c")),
    responses(
        (status = 202, description = "Begun (or begun earlier): its progress; `Location` names where to follow it.", body = Erasure),
        (status = 404, description = "not_found: no client with this id, and none erased (another business's ids too).", body = crate::error::Problem)
    )
)]
pub async fn delete(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: ClientId = path_id(&id, "client")?;
    let erasure = erasure::erase_client(&state.services, &tenant, &id).await?;
    let location = format!("/v1/clients/{}/erasure", erasure.client);
    let mut response = (StatusCode::ACCEPTED, Json(Erasure::from(erasure))).into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

#[utoipa::path(
    get, path = "/v1/clients/{id}/erasure", tag = "clients", operation_id = "getClientErasure",
    summary = "A client's erasure: its progress, what it deleted",
    params(("id" = String, Path, description = "The client's id.", example = "cl_3f9a1c")),
    responses(
        (status = 200, description = "The erasure, running or done.", body = Erasure),
        (status = 404, description = "not_found: no erasure of a client with this id (another business's ids too).", body = crate::error::Problem)
    )
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<Erasure>, ApiError> {
    let id: ClientId = path_id(&id, "client")?;
    let erasure = erasure::erasure_of(&state.services, &tenant, &id).await?;
    Ok(Json(erasure.into()))
}
