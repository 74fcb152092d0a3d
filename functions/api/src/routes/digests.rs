//! `GET /v1/staff/{id}/notifications` and `GET /v1/managers/{id}/notifications`: the next
//! digest of a staff member or manager — its schedule, next firing, the day it covers, what it
//! would send with what is booked so far — and the digests already recorded.

use crate::error::ApiError;
use crate::extract::{Tenant, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use rappel_app::preview::{DigestPreview, digest_preview};
use rappel_core::message::Recipient;
use rappel_core::model::{ManagerId, StaffId};

#[utoipa::path(
    get, path = "/v1/staff/{id}/notifications", tag = "digests", operation_id = "getStaffDigest",
    summary = "A staff member's next digest and the digests already recorded",
    params(("id" = String, Path, description = "The staff member's id.", example = "st_ana")),
    responses((status = 200, description = "The digest's schedule, next firing and content so far.", body = DigestPreview), (status = 404, description = "not_found: no staff member with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn staff(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<DigestPreview>, ApiError> {
    let id: StaffId = path_id(&id, "staff member")?;
    digest_preview(&state.services, &tenant, &Recipient::Staff(id))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("staff member"))
}

#[utoipa::path(
    get, path = "/v1/managers/{id}/notifications", tag = "digests", operation_id = "getManagerDigest",
    summary = "A manager's next digest and the digests already recorded",
    params(("id" = String, Path, description = "The manager's id.", example = "mg_owner")),
    responses((status = 200, description = "The digest's schedule, next firing and content so far.", body = DigestPreview), (status = 404, description = "not_found: no manager with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn manager(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<DigestPreview>, ApiError> {
    let id: ManagerId = path_id(&id, "manager")?;
    digest_preview(&state.services, &tenant, &Recipient::Manager(id))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("manager"))
}
