//! `PUT/GET /v1/appointment-types/{id}` and `PUT/GET /v1/staff/{id}`: records the business
//! names itself (ids chosen by the caller, so its own catalogue ids can be reused).

use crate::error::ApiError;
use crate::extract::{ApiJson, Tenant, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use rappel_app::commands::catalog::{self, StaffDetails};
use rappel_core::model::{
    AppointmentType, AppointmentTypeId, DisplayName, EmailAddress, Locale, PhoneNumber, StaffId,
    StaffMember, TimeZone,
};
use rappel_core::settings::NotificationOverride;
use rappel_ports::records::TypedRecords;
use serde::Deserialize;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentTypeInput {
    name: DisplayName,
    #[serde(default)]
    overrides: NotificationOverride,
}

#[utoipa::path(
    get, path = "/v1/appointment-types/{id}", tag = "catalog", operation_id = "getAppointmentType",
    params(("id" = String, Path, description = "The appointment type's id.", example = "haircut")),
    responses((status = 200, description = "The appointment type.", body = AppointmentType), (status = 404, description = "not_found: no appointment type with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn get_type(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<AppointmentType>, ApiError> {
    let id: AppointmentTypeId = path_id(&id, "appointment type")?;
    let found = state
        .services
        .records
        .appointment_type(&tenant, &id)
        .await?;
    found
        .map(Json)
        .ok_or_else(|| ApiError::not_found("appointment type"))
}

#[utoipa::path(
    put, path = "/v1/appointment-types/{id}", tag = "catalog", operation_id = "putAppointmentType",
    summary = "Create or replace an appointment type under the business's own id",
    params(("id" = String, Path, description = "The appointment type's id.", example = "haircut")),
    request_body(content = AppointmentTypeInput, example = json!({"name": "Haircut"})),
    responses((status = 200, description = "The saved type, with its version.", body = AppointmentType), (status = 409, description = "version_conflict: `expected_version` is not the stored version, or someone changed the record meanwhile.", body = crate::error::Problem))
)]
pub async fn put_type(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AppointmentTypeInput>,
) -> Result<Json<AppointmentType>, ApiError> {
    let id: AppointmentTypeId = path_id(&id, "appointment type")?;
    let record =
        catalog::put_appointment_type(&state.services, &tenant, id, input.name, input.overrides)
            .await?;
    Ok(Json(record))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    name: DisplayName,
    #[serde(default)]
    email: Option<EmailAddress>,
    #[serde(default)]
    phone: Option<PhoneNumber>,
    #[serde(default)]
    locale: Option<Locale>,
    #[serde(default)]
    time_zone: Option<TimeZone>,
}

#[utoipa::path(
    get, path = "/v1/staff/{id}", tag = "catalog", operation_id = "getStaff",
    params(("id" = String, Path, description = "The staff member's id.", example = "st_ana")),
    responses((status = 200, description = "The staff member.", body = StaffMember), (status = 404, description = "not_found: no staff member with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn get_staff(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<StaffMember>, ApiError> {
    let id: StaffId = path_id(&id, "staff member")?;
    let found = state.services.records.staff(&tenant, &id).await?;
    found
        .map(Json)
        .ok_or_else(|| ApiError::not_found("staff member"))
}

#[utoipa::path(
    put, path = "/v1/staff/{id}", tag = "catalog", operation_id = "putStaff",
    summary = "Create or replace a staff member under the business's own id",
    params(("id" = String, Path, description = "The staff member's id.", example = "st_ana")),
    request_body(content = StaffInput, example = json!({"name": "Ana Martin", "email": "ana@example.com", "phone": "+33612345678"})),
    responses((status = 200, description = "The saved staff member (locale and zone default to the business's).", body = StaffMember), (status = 409, description = "version_conflict: `expected_version` is not the stored version, or someone changed the record meanwhile.", body = crate::error::Problem))
)]
pub async fn put_staff(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StaffInput>,
) -> Result<Json<StaffMember>, ApiError> {
    let id: StaffId = path_id(&id, "staff member")?;
    let details = StaffDetails {
        name: input.name,
        email: input.email,
        phone: input.phone,
        locale: input.locale,
        time_zone: input.time_zone,
    };
    let record = catalog::put_staff(&state.services, &tenant, id, details).await?;
    Ok(Json(record))
}
