//! Appointments: book (under a fresh id or the caller's), move or change, the life-cycle
//! actions, and the planned notifications. Each handler translates only: the use cases are
//! the commands of `rappel_app::commands::appointments`.

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, OptionalJson, Tenant, path_id};
use crate::idempotency::{IdempotencyKey, RequestKey};
use crate::pages::{page_size, read_cursor, write_cursor};
use crate::routes::ApiState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{DateTime, FixedOffset, Utc};
use rappel_app::commands::Upserted;
use rappel_app::commands::appointments::{
    self, ActionBy, AppointmentAction, AppointmentChange, Booking,
};
use rappel_app::commands::ids::{created_once, id_for_key};
use rappel_app::lists::{self, AppointmentFilter};
use rappel_app::preview::{PlannedNotification, planned_notifications};
use rappel_core::model::CalendarInstant;
use rappel_core::model::*;
use rappel_ports::records::TypedRecords;
use serde::{Deserialize, Serialize};

/// An appointment as the API shows it: instants with the offset of the appointment's zone.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AppointmentView {
    id: AppointmentId,
    client_id: ClientId,
    staff_id: StaffId,
    type_id: AppointmentTypeId,
    /// In the appointment's time zone (its offset there), e.g. "2026-03-30T10:00:00+02:00".
    start: DateTime<FixedOffset>,
    /// In the appointment's time zone, like `start`.
    end: DateTime<FixedOffset>,
    time_zone: TimeZone,
    status: AppointmentStatus,
    origin: Origin,
    version: u64,
    /// When it was booked, in UTC.
    created_at: DateTime<Utc>,
    /// When it last changed, in UTC.
    updated_at: DateTime<Utc>,
    last_change: LastChange,
    /// `null`: the client's default.
    earlier_slot_offers: Option<bool>,
    /// Whether the client said they will come (`requested`, `confirmed`, `declined`), when
    /// and how; `null` until a reminder asks or the client answers.
    client_confirmation: Option<ClientConfirmation>,
}

impl From<&Appointment> for AppointmentView {
    fn from(a: &Appointment) -> Self {
        let zone = a.time_zone.tz();
        Self {
            id: a.id.clone(),
            client_id: a.client_id.clone(),
            staff_id: a.staff_id.clone(),
            type_id: a.type_id.clone(),
            start: a.start.with_timezone(&zone).fixed_offset(),
            end: a.end.with_timezone(&zone).fixed_offset(),
            time_zone: a.time_zone,
            status: a.status,
            origin: a.origin,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
            last_change: a.last_change,
            earlier_slot_offers: a.earlier_slot_offers,
            client_confirmation: a.client_confirmation,
        }
    }
}

fn default_origin() -> Origin {
    Origin::Online
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAppointment {
    client_id: ClientId,
    staff_id: StaffId,
    type_id: AppointmentTypeId,
    /// RFC 3339 with an offset, e.g. "2026-03-30T10:00:00+02:00".
    start: CalendarInstant,
    end: CalendarInstant,
    /// Where it takes place; defaults to the business's zone.
    #[serde(default)]
    time_zone: Option<TimeZone>,
    #[serde(default = "default_origin")]
    origin: Origin,
    /// confirmed (default), requested (manual approval) or awaiting_payment.
    #[serde(default)]
    status: Option<AppointmentStatus>,
    /// For staff bookings: "send initial notification"; defaults to the business setting.
    #[serde(default)]
    notify: Option<bool>,
    /// Tell the client of an earlier slot of the same type (default: the client's setting).
    #[serde(default)]
    earlier_slot_offers: Option<bool>,
}

impl NewAppointment {
    pub(crate) fn booking(self) -> Booking {
        Booking {
            client_id: self.client_id,
            staff_id: self.staff_id,
            type_id: self.type_id,
            start: self.start.utc(),
            end: self.end.utc(),
            time_zone: self.time_zone,
            origin: self.origin,
            status: self.status,
            notify: self.notify,
            earlier_slot_offers: self.earlier_slot_offers,
        }
    }
}

#[utoipa::path(
    post, path = "/v1/appointments", tag = "appointments", operation_id = "createAppointment",
    summary = "Book an appointment",
    params(IdempotencyKey),
    request_body(content = NewAppointment, example = json!({"client_id": "cl_3f9a1c", "staff_id": "st_ana", "type_id": "haircut", "start": "2026-03-30T10:00:00+02:00", "end": "2026-03-30T10:30:00+02:00"})),
    responses((status = 201, description = "The appointment, with its new id.", body = AppointmentView),
      (status = 422, description = "unknown_client, unknown_staff or unknown_appointment_type (a reference this business does not have); end_before_start, appointment_too_long, start_in_past, beyond_horizon or invalid_status; idempotency_key_reused.", body = crate::error::Problem))
)]
pub async fn create(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    key: Option<Extension<RequestKey>>,
    ApiJson(input): ApiJson<NewAppointment>,
) -> Result<(StatusCode, Json<AppointmentView>), ApiError> {
    let s = &state.services;
    let id: AppointmentId = id_for_key("ap", key.as_ref().map(|k| k.0.0.as_str()))?;
    let booked = appointments::book(s, &tenant, id.clone(), input.booking());
    let appointment = match key {
        Some(_) => created_once(booked, s.records.appointment(&tenant, &id)).await?,
        None => booked.await?,
    };
    Ok((
        StatusCode::CREATED,
        Json(AppointmentView::from(&appointment)),
    ))
}

/// A booking under the caller's own id: a new appointment's fields, and the version last read.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppointmentListQuery {
    /// Appointments starting at or after this instant (RFC 3339, required).
    #[param(value_type = String, example = "2026-03-30T00:00:00+02:00")]
    from: Option<CalendarInstant>,
    /// … and before this one (required).
    #[param(value_type = String, example = "2026-04-06T00:00:00+02:00")]
    to: Option<CalendarInstant>,
    /// Only this staff member's.
    staff_id: Option<StaffId>,
    /// Only this client's.
    client_id: Option<ClientId>,
    /// Only in this status (applied to each page: a page may hold fewer than `limit`).
    status: Option<AppointmentStatus>,
    /// At most this many (1 to 500, default 100).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AppointmentList {
    appointments: Vec<AppointmentView>,
    /// Ask again with `cursor` set to this for the next page; `null` when this page is the last.
    next_cursor: Option<String>,
}

#[utoipa::path(
    get, path = "/v1/appointments", tag = "appointments", operation_id = "listAppointments",
    summary = "Appointments starting in a window, earliest first, a page at a time (one index query each)",
    params(AppointmentListQuery),
    responses((status = 200, description = "A page of appointments, with the cursor of the next one.", body = AppointmentList),
      (status = 400, description = "invalid_cursor (a cursor this list did not give) or invalid_query (a limit outside 1 to 500).", body = crate::error::Problem),
      (status = 422, description = "missing_window (`from` and `to` are required) or invalid_window (`to` not after `from`).", body = crate::error::Problem))
)]
pub async fn list(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiQuery(query): ApiQuery<AppointmentListQuery>,
) -> Result<Json<AppointmentList>, ApiError> {
    let (Some(from), Some(to)) = (query.from, query.to) else {
        return Err(ApiError::unprocessable(
            "missing_window",
            "from, to: both are required (RFC 3339 instants)",
        ));
    };
    let (from, to) = (from.utc(), to.utc());
    if to <= from {
        return Err(ApiError::unprocessable(
            "invalid_window",
            "to: must be after from",
        ));
    }
    let limit = page_size(query.limit, 100, lists::MAX_APPOINTMENTS_PAGE)?;
    let cursor = read_cursor(query.cursor.as_deref())?;
    let filter = AppointmentFilter {
        from,
        to,
        staff: query.staff_id,
        client: query.client_id,
        status: query.status,
    };
    let page =
        lists::appointments(&state.services, &tenant, filter, cursor.as_deref(), limit).await?;
    Ok(Json(AppointmentList {
        appointments: page.items.iter().map(AppointmentView::from).collect(),
        next_cursor: write_cursor(page.next),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutAppointment {
    client_id: ClientId,
    staff_id: StaffId,
    type_id: AppointmentTypeId,
    /// RFC 3339 with an offset, e.g. "2026-03-30T10:00:00+02:00".
    start: CalendarInstant,
    end: CalendarInstant,
    /// Where it takes place; defaults to the business's zone. Fixed once booked.
    #[serde(default)]
    time_zone: Option<TimeZone>,
    #[serde(default = "default_origin")]
    origin: Origin,
    /// At booking: confirmed (default), requested or awaiting_payment. Fixed afterwards (the
    /// actions change it): give the stored one or none.
    #[serde(default)]
    status: Option<AppointmentStatus>,
    /// Tell the client: at booking, defaults to the business setting; of a move, to true.
    #[serde(default)]
    notify: Option<bool>,
    #[serde(default)]
    earlier_slot_offers: Option<bool>,
    /// The version last read; absent (or 0 for a new one) to write whatever is stored.
    #[serde(default)]
    expected_version: Option<u64>,
}

impl PutAppointment {
    fn booking(self) -> (Booking, Option<u64>) {
        let new = NewAppointment {
            client_id: self.client_id,
            staff_id: self.staff_id,
            type_id: self.type_id,
            start: self.start,
            end: self.end,
            time_zone: self.time_zone,
            origin: self.origin,
            status: self.status,
            notify: self.notify,
            earlier_slot_offers: self.earlier_slot_offers,
        };
        (new.booking(), self.expected_version)
    }
}

#[utoipa::path(
    put, path = "/v1/appointments/{id}", tag = "appointments", operation_id = "putAppointment",
    summary = "Book under your own id, or bring the appointment to this booking (move, type, staff)",
    params(("id" = String, Path, description = "Your id for the appointment.", example = "ap_5b7d0e")),
    request_body(content = PutAppointment, example = json!({"client_id": "cl_3f9a1c", "staff_id": "st_ana", "type_id": "haircut", "start": "2026-03-30T10:00:00+02:00", "end": "2026-03-30T10:30:00+02:00"})),
    responses((status = 201, description = "Booked under this id.", body = AppointmentView),
      (status = 200, description = "The appointment as saved: moved or changed, or unchanged when the booking is the stored one (nobody is told twice).", body = AppointmentView),
      (status = 409, description = "version_conflict or invalid_transition (the appointment can no longer be moved).", body = crate::error::Problem),
      (status = 422, description = "As for a booking; immutable_field (another client, zone or status than the stored appointment's: use the actions).", body = crate::error::Problem))
)]
pub async fn put(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PutAppointment>,
) -> Result<(StatusCode, Json<AppointmentView>), ApiError> {
    let id: AppointmentId = path_id(&id, "appointment")?;
    let (booking, expected_version) = input.booking();
    let written =
        appointments::put_appointment(&state.services, &tenant, id, booking, expected_version)
            .await?;
    let status = match written {
        Upserted::Created(_) => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    Ok((status, Json(AppointmentView::from(written.record()))))
}

async fn load(state: &ApiState, tenant: &TenantId, raw_id: &str) -> Result<Appointment, ApiError> {
    let id: AppointmentId = path_id(raw_id, "appointment")?;
    Ok(appointments::load(&state.services, tenant, &id).await?)
}

#[utoipa::path(
    get, path = "/v1/appointments/{id}", tag = "appointments", operation_id = "getAppointment",
    params(("id" = String, Path, description = "The appointment's id.", example = "ap_5b7d0e")),
    responses((status = 200, description = "The appointment.", body = AppointmentView), (status = 404, description = "not_found: no appointment with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<AppointmentView>, ApiError> {
    Ok(Json(AppointmentView::from(
        &load(&state, &tenant, &id).await?,
    )))
}

fn default_actor() -> Actor {
    Actor::Staff
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentPatch {
    #[serde(default)]
    start: Option<CalendarInstant>,
    /// Defaults to keeping the duration when only `start` moves.
    #[serde(default)]
    end: Option<CalendarInstant>,
    #[serde(default)]
    type_id: Option<AppointmentTypeId>,
    #[serde(default)]
    staff_id: Option<StaffId>,
    #[serde(default = "default_actor")]
    actor: Actor,
    /// For console edits: tell the client (default true).
    #[serde(default = "yes")]
    notify: bool,
    /// Turn earlier-slot offers on or off for this booking (tells nobody).
    #[serde(default)]
    earlier_slot_offers: Option<bool>,
    #[serde(default)]
    expected_version: Option<u64>,
}

#[utoipa::path(
    patch, path = "/v1/appointments/{id}", tag = "appointments", operation_id = "patchAppointment",
    summary = "Move or change an appointment (start, end, type, staff, earlier-slot offers)",
    params(("id" = String, Path, description = "The appointment's id.", example = "ap_5b7d0e")),
    request_body(content = AppointmentPatch, example = json!({"start": "2026-03-31T14:00:00+02:00", "actor": "client"})),
    responses((status = 200, description = "The appointment as saved (unchanged when nothing changed).", body = AppointmentView), (status = 404, description = "not_found: no appointment with this id (another business's ids too).", body = crate::error::Problem),
      (status = 409, description = "version_conflict (stale `expected_version` or a concurrent change) or invalid_transition (the appointment can no longer be moved).", body = crate::error::Problem),
      (status = 422, description = "unknown_staff or unknown_appointment_type; end_before_start, appointment_too_long, start_in_past or beyond_horizon.", body = crate::error::Problem))
)]
pub async fn patch(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<AppointmentPatch>,
) -> Result<Json<AppointmentView>, ApiError> {
    let id: AppointmentId = path_id(&id, "appointment")?;
    let change = AppointmentChange {
        start: change.start.map(CalendarInstant::utc),
        end: change.end.map(CalendarInstant::utc),
        type_id: change.type_id,
        staff_id: change.staff_id,
        actor: change.actor,
        notify: change.notify,
        earlier_slot_offers: change.earlier_slot_offers,
        expected_version: change.expected_version,
    };
    let saved = appointments::modify(&state.services, &tenant, &id, change).await?;
    Ok(Json(AppointmentView::from(&saved)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    #[serde(default = "default_actor")]
    actor: Actor,
    #[serde(default = "yes")]
    notify: bool,
    #[serde(default)]
    expected_version: Option<u64>,
}

impl Default for ActionInput {
    fn default() -> Self {
        Self {
            actor: Actor::Staff,
            notify: true,
            expected_version: None,
        }
    }
}

/// `POST /v1/appointments/{id}/{action}`: cancel, accept, refuse, complete, no-show, paid.
#[utoipa::path(
    post, path = "/v1/appointments/{id}/{action}", tag = "appointments", operation_id = "actOnAppointment",
    summary = "A life-cycle action: cancel, accept, refuse, complete, no-show or paid",
    params(("id" = String, Path, description = "The appointment's id.", example = "ap_5b7d0e"), ("action" = AppointmentAction, Path, description = "What happens to the appointment."), IdempotencyKey),
    request_body(content = Option<ActionInput>, description = "Optional: who acts, whether to tell the client, the expected version.", example = json!({"actor": "staff", "notify": true})),
    responses((status = 200, description = "The appointment after the action.", body = AppointmentView),
      (status = 404, description = "not_found (no appointment with this id) or unknown_action.", body = crate::error::Problem),
      (status = 409, description = "version_conflict, invalid_transition (not from its current status) or not_started (completed or no-show before its start).", body = crate::error::Problem))
)]
pub async fn act(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path((id, action)): Path<(String, String)>,
    OptionalJson(input): OptionalJson<ActionInput>,
) -> Result<Json<AppointmentView>, ApiError> {
    let id: AppointmentId = path_id(&id, "appointment")?;
    let Some(action) = AppointmentAction::parse(&action) else {
        // Whether the appointment exists is said first, as for every other path under it.
        appointments::load(&state.services, &tenant, &id).await?;
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_action",
            format!("no action {action:?}: use cancel, accept, refuse, complete, no-show or paid"),
        ));
    };
    let by = ActionBy {
        actor: input.actor,
        notify: input.notify,
        expected_version: input.expected_version,
    };
    let next = appointments::act(&state.services, &tenant, &id, action, by).await?;
    Ok(Json(AppointmentView::from(&next)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Notifications {
    appointment_id: AppointmentId,
    version: u64,
    /// What the client answered to a reminder's confirmation request (see the appointment's
    /// `client_confirmation`); `null` until a reminder asks or the client answers.
    client_confirmation: Option<ClientConfirmation>,
    notifications: Vec<PlannedNotification>,
}

#[utoipa::path(
    get, path = "/v1/appointments/{id}/notifications", tag = "appointments", operation_id = "getAppointmentNotifications",
    summary = "Every message planned for the appointment, with its status",
    params(("id" = String, Path, description = "The appointment's id.", example = "ap_5b7d0e")),
    responses((status = 200, description = "The planned messages.", body = Notifications), (status = 404, description = "not_found: no appointment with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn notifications(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<Notifications>, ApiError> {
    let appointment = load(&state, &tenant, &id).await?;
    let notifications = planned_notifications(&state.services, &appointment).await?;
    Ok(Json(Notifications {
        appointment_id: appointment.id.clone(),
        version: appointment.version,
        client_confirmation: appointment.client_confirmation,
        notifications,
    }))
}
