//! `GET /v1/staff/{id}/appointments?date=YYYY-MM-DD`: one staff member's appointments on one
//! day of the business's calendar (midnight to midnight in its time zone, DST included).

use crate::error::ApiError;
use crate::extract::{ApiQuery, Tenant, path_id};
use crate::routes::ApiState;
use crate::routes::appointments::AppointmentView;
use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use rappel_core::model::CalendarDate;
use rappel_core::model::{StaffId, TimeZone};
use rappel_ports::records::TypedRecords;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AgendaQuery {
    date: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Agenda {
    date: NaiveDate,
    time_zone: TimeZone,
    appointments: Vec<AppointmentView>,
}

#[utoipa::path(
    get, path = "/v1/staff/{id}/appointments", tag = "catalog", operation_id = "getStaffAgenda",
    summary = "A staff member's appointments on one day of the business's calendar",
    params(("id" = String, Path, description = "The staff member's id.", example = "st_ana"), ("date" = String, Query, format = Date, description = "The day, YYYY-MM-DD (midnight to midnight in the business's zone).", example = "2026-03-30")),
    responses((status = 200, description = "The day's appointments, earliest first.", body = Agenda), (status = 404, description = "not_found: no staff member with this id (another business's ids too).", body = crate::error::Problem),
      (status = 422, description = "missing_date or invalid_date: `date` is required, as YYYY-MM-DD.", body = crate::error::Problem))
)]
pub async fn staff_day(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<AgendaQuery>,
) -> Result<Json<Agenda>, ApiError> {
    let id: StaffId = path_id(&id, "staff member")?;
    let raw = query.date.ok_or_else(|| {
        ApiError::unprocessable("missing_date", "date is required, as YYYY-MM-DD")
    })?;
    let date = CalendarDate::parse(&raw)
        .map_err(|e| ApiError::unprocessable("invalid_date", format!("date: {e}")))?
        .date();
    let records = &state.services.records;
    if records.staff(&tenant, &id).await?.is_none() {
        return Err(ApiError::not_found("staff member"));
    }
    let time_zone = records.settings(&tenant).await?.input.time_zone;
    let next_day = date.succ_opt().ok_or_else(|| {
        ApiError::unprocessable("invalid_date", "date is out of the supported range")
    })?;
    let (from, until) = (
        time_zone.start_of_day(date),
        time_zone.start_of_day(next_day),
    );
    let appointments = records
        .appointments_of_staff(&tenant, &id, from, Some(until))
        .await?;
    Ok(Json(Agenda {
        date,
        time_zone,
        appointments: appointments.iter().map(AppointmentView::from).collect(),
    }))
}
