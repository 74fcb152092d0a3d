//! `GET /v1/clients/{id}/export`: everything Rappel holds about a client, machine readable, in
//! one answer (a data-access or portability request). What it holds and why: docs/PRIVACY.md.

use crate::error::ApiError;
use crate::extract::{Tenant, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rappel_app::export::{self, ClientExport, EXPORT_MAX_ITEMS, ExportError};
use rappel_core::model::ClientId;

#[utoipa::path(
    get, path = "/v1/clients/{id}/export", tag = "clients", operation_id = "exportClient",
    summary = "Everything Rappel holds about a client, in one answer",
    description = "The client, their appointments, waitlist entries, invoices, quotes, the messages they sent (as a client, and through a contact form before), their whole communication history, whether their e-mail address is refused and since when their number has stopped the business's SMS — as stored, instants in UTC. At most 5,000 items: beyond, 413 (the paged routes give the rest).",
    params(("id" = String, Path, description = "The client's id.", example = "cl_3f9a1c")),
    responses(
        (status = 200, description = "The export.", body = ClientExport),
        (status = 404, description = "not_found: no client with this id (another business's ids too).", body = crate::error::Problem),
        (status = 413, description = "export_too_large: more than 5,000 items; read the client's lists page by page (the message names them).", body = crate::error::Problem)
    )
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<ClientExport>, ApiError> {
    let id: ClientId = path_id(&id, "client")?;
    match export::export_client(&state.services, &tenant, &id).await {
        Ok(export) => Ok(Json(export)),
        Err(ExportError::NotFound) => Err(ApiError::not_found("client")),
        Err(ExportError::TooLarge) => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "export_too_large",
            format!(
                "the client's export holds more than {EXPORT_MAX_ITEMS} items: read their lists page \
                 by page — GET /v1/appointments?client_id={id}&from=…&to=…, \
                 GET /v1/clients/{id}/communications, GET /v1/clients/{id}/waitlist"
            ),
        )),
        Err(ExportError::Store(e)) => Err(e.into()),
        Err(error) => {
            tracing::error!(%error, "a client's export could not be read");
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "the service is temporarily unavailable",
            ))
        }
    }
}
