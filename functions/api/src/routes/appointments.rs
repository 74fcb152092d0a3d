//! Appointments: book, move or change, the life-cycle actions, and the planned notifications.
//! Each write is one conditional put (a concurrent change is a 409, never a lost write); the
//! change handler, fed by the store's change feed, does the rest.

use crate::error::ApiError;
use crate::extract::{ApiJson, OptionalJson, Tenant, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset, Utc};
use rappel_app::preview::{PlannedNotification, planned_notifications};
use rappel_core::model::CalendarInstant;
use rappel_core::model::*;
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{Expected, Record, RecordKey, RecordKind, StoreError, TypedRecords};
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

#[utoipa::path(
    post, path = "/v1/appointments", tag = "appointments", operation_id = "createAppointment",
    summary = "Book an appointment",
    request_body(content = NewAppointment, example = json!({"client_id": "cl_3f9a1c", "staff_id": "st_ana", "type_id": "haircut", "start": "2026-03-30T10:00:00+02:00", "end": "2026-03-30T10:30:00+02:00"})),
    responses((status = 201, description = "The appointment, with its new id.", body = AppointmentView),
      (status = 422, description = "unknown_client, unknown_staff or unknown_appointment_type (a reference this business does not have); end_before_start, appointment_too_long, start_in_past, beyond_horizon or invalid_status.", body = crate::error::Problem))
)]
pub async fn create(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiJson(input): ApiJson<NewAppointment>,
) -> Result<(StatusCode, Json<AppointmentView>), ApiError> {
    let records = &state.services.records;
    let settings = check_references(
        &state,
        &tenant,
        Some(&input.client_id),
        Some(&input.staff_id),
        Some(&input.type_id),
    )
    .await?;
    // The core ignores this for online bookings, which always confirm.
    let notify_client = input
        .notify
        .unwrap_or(settings.input.notify_on_staff_booking);
    let id: AppointmentId = state.new_id("ap")?;
    let appointment = Appointment::book(
        NewBooking {
            tenant,
            id,
            client_id: input.client_id,
            staff_id: input.staff_id,
            type_id: input.type_id,
            start: input.start.utc(),
            end: input.end.utc(),
            time_zone: input.time_zone.unwrap_or(settings.input.time_zone),
            status: input.status.unwrap_or(AppointmentStatus::Confirmed),
            origin: input.origin,
            notify_client,
            horizon: settings.input.booking_horizon_days,
            earlier_slot_offers: input.earlier_slot_offers,
        },
        state.services.clock.now(),
    )?;
    records
        .put(Record::Appointment(appointment.clone()), Expected::Absent)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AppointmentView::from(&appointment)),
    ))
}

/// Reads the business's settings and the records a booking refers to in one round trip; an
/// unknown reference is a 422 naming its field. Returns the settings (the defaults when the
/// business has saved none).
pub(crate) async fn check_references(
    state: &ApiState,
    tenant: &TenantId,
    client: Option<&ClientId>,
    staff: Option<&StaffId>,
    kind: Option<&AppointmentTypeId>,
) -> Result<BusinessSettings, ApiError> {
    let references = [
        client.map(|id| RecordKey::new(tenant, RecordKind::Client, id.as_str())),
        staff.map(|id| RecordKey::new(tenant, RecordKind::Staff, id.as_str())),
        kind.map(|id| RecordKey::new(tenant, RecordKind::AppointmentType, id.as_str())),
    ];
    let mut keys = vec![RecordKey::settings(tenant)];
    keys.extend(references.iter().flatten().cloned());
    let found = state.services.records.get_many(&keys).await?;
    let is_stored = |key: &RecordKey| {
        keys.iter()
            .zip(&found)
            .any(|(k, record)| k == key && record.is_some())
    };
    let [client_key, staff_key, type_key] = &references;
    if let (Some(id), Some(key)) = (client, client_key)
        && !is_stored(key)
    {
        return Err(ApiError::unprocessable(
            "unknown_client",
            format!("client_id: no client {id}"),
        ));
    }
    if let (Some(id), Some(key)) = (staff, staff_key)
        && !is_stored(key)
    {
        return Err(ApiError::unprocessable(
            "unknown_staff",
            format!("staff_id: no staff member {id}"),
        ));
    }
    if let (Some(id), Some(key)) = (kind, type_key)
        && !is_stored(key)
    {
        return Err(ApiError::unprocessable(
            "unknown_appointment_type",
            format!("type_id: no appointment type {id}"),
        ));
    }
    match found.into_iter().next().flatten() {
        Some(Record::Settings(settings)) => Ok(settings),
        Some(_) => Err(StoreError::Corrupt("the settings key holds another record".into()).into()),
        None => Ok(BusinessSettings::defaults_for(tenant)),
    }
}

async fn load(state: &ApiState, tenant: &TenantId, raw_id: &str) -> Result<Appointment, ApiError> {
    let id: AppointmentId = path_id(raw_id, "appointment")?;
    state
        .services
        .records
        .appointment(tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("appointment"))
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
    let current = load(&state, &tenant, &id).await?;
    check_version(&current, change.expected_version)?;
    let settings = check_references(
        &state,
        &tenant,
        None,
        change.staff_id.as_ref(),
        change.type_id.as_ref(),
    )
    .await?;
    let start = change.start.map(CalendarInstant::utc);
    let end = change
        .end
        .map(CalendarInstant::utc)
        .or_else(|| start.map(|s| s + (current.end - current.start)));
    let horizon = settings.input.booking_horizon_days;
    let modification = Modification {
        start,
        end,
        type_id: change.type_id,
        staff_id: change.staff_id,
        horizon,
    };
    let notify = change.notify;
    let now = state.services.clock.now();
    let modified = current.modify(modification, change.actor, notify, now)?;
    // One write for both: the flag rides on a move, or is a change of its own.
    let next = match (modified, change.earlier_slot_offers) {
        (Some(mut next), Some(flag)) => {
            next.earlier_slot_offers = Some(flag);
            Some(next)
        }
        (Some(next), None) => Some(next),
        (None, Some(flag)) => current.with_earlier_slot_offers(Some(flag), change.actor, now)?,
        (None, None) => None,
    };
    match next {
        None => Ok(Json(AppointmentView::from(&current))),
        Some(next) => {
            save(&state, &current, &next).await?;
            Ok(Json(AppointmentView::from(&next)))
        }
    }
}

fn check_version(current: &Appointment, expected: Option<u64>) -> Result<(), ApiError> {
    match expected {
        Some(v) if v != current.version => Err(ApiError::conflict(
            "version_conflict",
            format!("the appointment is at version {}, not {v}", current.version),
        )),
        _ => Ok(()),
    }
}

async fn save(state: &ApiState, current: &Appointment, next: &Appointment) -> Result<(), ApiError> {
    state
        .services
        .records
        .put(
            Record::Appointment(next.clone()),
            Expected::Version(current.version),
        )
        .await?;
    Ok(())
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

/// The life-cycle actions (`POST /v1/appointments/{id}/{action}`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "kebab-case")]
#[allow(dead_code)] // only its schema: the path segment is matched as a string, unknown ones 404
pub enum AppointmentAction {
    Cancel,
    Accept,
    Refuse,
    Complete,
    NoShow,
    Paid,
}

/// `POST /v1/appointments/{id}/{action}`: cancel, accept, refuse, complete, no-show, paid.
#[utoipa::path(
    post, path = "/v1/appointments/{id}/{action}", tag = "appointments", operation_id = "actOnAppointment",
    summary = "A life-cycle action: cancel, accept, refuse, complete, no-show or paid",
    params(("id" = String, Path, description = "The appointment's id.", example = "ap_5b7d0e"), ("action" = AppointmentAction, Path, description = "What happens to the appointment.")),
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
    let current = load(&state, &tenant, &id).await?;
    check_version(&current, input.expected_version)?;
    let next = perform(
        &state.services,
        &current,
        &action,
        input.actor,
        input.notify,
    )
    .await?;
    Ok(Json(AppointmentView::from(&next)))
}

/// One life-cycle action on the appointment as it is now, written only if nobody changed it
/// meanwhile: the use case behind `POST /v1/appointments/{id}/{action}` and the client's
/// cancel link alike.
pub async fn perform(
    services: &rappel_app::ApiServices,
    current: &Appointment,
    action: &str,
    actor: Actor,
    notify: bool,
) -> Result<Appointment, ApiError> {
    let now = services.clock.now();
    let next = match action {
        "cancel" => current.cancel(actor, notify, now)?,
        "accept" => current.accept(now)?,
        "refuse" => current.refuse(notify, now)?,
        "complete" => current.complete(notify, now)?,
        "no-show" => current.mark_no_show(notify, now)?,
        "paid" => current.mark_paid(actor, now)?,
        _ => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_action",
                format!(
                    "no action {action:?}: use cancel, accept, refuse, complete, no-show or paid"
                ),
            ));
        }
    };
    services
        .records
        .put(
            Record::Appointment(next.clone()),
            Expected::Version(current.version),
        )
        .await?;
    Ok(next)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Notifications {
    appointment_id: AppointmentId,
    version: u64,
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
        notifications,
    }))
}
