//! The waitlist: `POST /v1/waitlist`, `GET`/`DELETE /v1/waitlist/{id}`,
//! `GET /v1/clients/{id}/waitlist`. An entry waits for a slot of one type (with one staff
//! member or anyone) inside its window; when one is freed, the change handler offers it. An
//! entry expires at `until`; a deleted one is kept as `removed` (so a stream sees the change)
//! and answers 404.

use crate::error::ApiError;
use crate::extract::{ApiJson, Tenant, path_id};
use crate::idempotency::RequestKey;
use crate::routes::ApiState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::Weekday;
use rappel_app::commands::ids::{created_once, id_for_key};
use rappel_app::commands::waitlist::{self, Wait};
use rappel_core::model::CalendarInstant;
use rappel_core::model::{
    AppointmentTypeId, ClientId, StaffId, TimeRange, TimeZone, WaitlistEntry, WaitlistId,
};
use rappel_ports::records::{Record, RecordKind, TypedRecords};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    client_id: ClientId,
    type_id: AppointmentTypeId,
    /// Anyone when absent.
    #[serde(default)]
    staff_id: Option<StaffId>,
    /// The window the client accepts (RFC 3339 instants).
    from: CalendarInstant,
    until: CalendarInstant,
    /// Local days accepted, e.g. `["mon", "tue"]` (every day when absent).
    #[serde(default)]
    #[schema(value_type = Option<Vec<rappel_core::schema::WeekdayName>>)]
    days: Option<Vec<Weekday>>,
    /// Local hours accepted, e.g. `{"from": "09:00", "until": "12:00"}`.
    #[serde(default)]
    time_range: Option<TimeRange>,
    /// The zone `days` and `time_range` are read in (the business's by default).
    #[serde(default)]
    time_zone: Option<TimeZone>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ClientWaitlist {
    client_id: ClientId,
    /// Waiting entries not yet expired, oldest first.
    entries: Vec<WaitlistEntry>,
}

#[utoipa::path(
    post, path = "/v1/waitlist", tag = "waitlist", operation_id = "createWaitlistEntry",
    params(crate::idempotency::IdempotencyKey),
    request_body(content = NewEntry, example = json!({"client_id": "cl_3f9a1c", "type_id": "haircut", "from": "2026-03-30T08:00:00+02:00", "until": "2026-04-10T20:00:00+02:00", "days": ["Mon", "Tue"], "time_range": {"from": "09:00", "until": "12:00"}})),
    responses((status = 201, description = "The entry, waiting.", body = WaitlistEntry),
      (status = 422, description = "unknown_client, unknown_staff, unknown_appointment_type or invalid_waitlist_entry (an empty or past window, an empty time range).", body = crate::error::Problem))
)]
pub async fn create(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    key: Option<Extension<RequestKey>>,
    ApiJson(input): ApiJson<NewEntry>,
) -> Result<(StatusCode, Json<WaitlistEntry>), ApiError> {
    let wait = Wait {
        client_id: input.client_id,
        type_id: input.type_id,
        staff_id: input.staff_id,
        from: input.from.utc(),
        until: input.until.utc(),
        days: input.days,
        time_range: input.time_range,
        time_zone: input.time_zone,
    };
    let s = &state.services;
    let id: WaitlistId = id_for_key("wl", key.as_ref().map(|k| k.0.0.as_str()))?;
    let added = waitlist::add_to_waitlist(s, &tenant, id.clone(), wait);
    let entry = match key {
        Some(_) => created_once(added, s.records.waitlist_entry(&tenant, &id)).await?,
        None => added.await?,
    };
    Ok((StatusCode::CREATED, Json(entry)))
}

async fn waiting(
    state: &ApiState,
    tenant: &rappel_core::model::TenantId,
    raw: &str,
) -> Result<WaitlistEntry, ApiError> {
    let id: WaitlistId = path_id(raw, "waitlist entry")?;
    Ok(waitlist::waiting_entry(&state.services, tenant, &id).await?)
}

#[utoipa::path(
    get, path = "/v1/waitlist/{id}", tag = "waitlist", operation_id = "getWaitlistEntry",
    params(("id" = String, Path, description = "The waitlist entry's id.", example = "wl_7c1d")),
    responses((status = 200, description = "The entry.", body = WaitlistEntry), (status = 404, description = "not_found: no waitlist entry with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<WaitlistEntry>, ApiError> {
    Ok(Json(waiting(&state, &tenant, &id).await?))
}

#[utoipa::path(
    delete, path = "/v1/waitlist/{id}", tag = "waitlist", operation_id = "deleteWaitlistEntry",
    summary = "The client no longer waits",
    params(("id" = String, Path, description = "The waitlist entry's id.", example = "wl_7c1d")),
    responses((status = 204, description = "Removed (later reads answer 404)."), (status = 404, description = "not_found: no waitlist entry with this id (another business's ids too).", body = crate::error::Problem), (status = 409, description = "version_conflict: `expected_version` is not the stored version, or someone changed the record meanwhile.", body = crate::error::Problem))
)]
pub async fn delete(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: WaitlistId = path_id(&id, "waitlist entry")?;
    waitlist::remove_from_waitlist(&state.services, &tenant, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A query of the business's waitlist entries (its partition, no index), kept to the client's.
#[utoipa::path(
    get, path = "/v1/clients/{id}/waitlist", tag = "waitlist", operation_id = "getClientWaitlist",
    summary = "The client's waiting entries, oldest first",
    params(("id" = String, Path, description = "The client's id.", example = "cl_3f9a1c")),
    responses((status = 200, description = "The entries not yet expired.", body = ClientWaitlist), (status = 404, description = "not_found: no client with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn of_client(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<ClientWaitlist>, ApiError> {
    let client_id: ClientId = path_id(&id, "client")?;
    let records = &state.services.records;
    if records.client(&tenant, &client_id).await?.is_none() {
        return Err(ApiError::not_found("client"));
    }
    let now = state.services.clock.now();
    let mut entries: Vec<WaitlistEntry> = records
        .records_of_kind(&tenant, RecordKind::Waitlist)
        .await?
        .into_iter()
        .filter_map(|r| match r {
            Record::Waitlist(w) if w.client_id == client_id && w.is_waiting() && w.until > now => {
                Some(w)
            }
            _ => None,
        })
        .collect();
    entries.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(Json(ClientWaitlist { client_id, entries }))
}
