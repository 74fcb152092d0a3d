//! `PUT/GET /v1/appointment-types/{id}` and `PUT/GET /v1/staff/{id}`: records the business
//! names itself (ids chosen by the caller, so its own catalogue ids can be reused).

use crate::error::ApiError;
use crate::extract::{ApiJson, Tenant, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use rappel_core::model::{
    AppointmentType, AppointmentTypeId, DisplayName, EmailAddress, Locale, PhoneNumber, StaffId,
    StaffMember, TimeZone,
};
use rappel_core::settings::{BusinessSettings, NotificationOverride};
use rappel_ports::records::{Expected, Record, RecordKey, RecordKind, StoreError, TypedRecords};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppointmentTypeInput {
    name: DisplayName,
    #[serde(default)]
    overrides: NotificationOverride,
}

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

pub async fn put_type(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AppointmentTypeInput>,
) -> Result<Json<AppointmentType>, ApiError> {
    let id: AppointmentTypeId = path_id(&id, "appointment type")?;
    let records = &state.services.records;
    let current = records.appointment_type(&tenant, &id).await?;
    let expected = current
        .as_ref()
        .map_or(Expected::Absent, |c| Expected::Version(c.version));
    let record = AppointmentType {
        tenant,
        id,
        name: input.name,
        overrides: input.overrides,
        version: current.map_or(1, |c| c.version + 1),
    };
    records
        .put(Record::AppointmentType(record.clone()), expected)
        .await?;
    Ok(Json(record))
}

#[derive(Deserialize)]
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

pub async fn put_staff(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StaffInput>,
) -> Result<Json<StaffMember>, ApiError> {
    let id: StaffId = path_id(&id, "staff member")?;
    let records = &state.services.records;
    // The defaults a new staff member takes and the current record, in one round trip.
    let found = records
        .get_many(&[
            RecordKey::settings(&tenant),
            RecordKey::new(&tenant, RecordKind::Staff, id.as_str()),
        ])
        .await?;
    let (mut settings, mut current) = (BusinessSettings::defaults_for(&tenant), None);
    for record in found.into_iter().flatten() {
        match record {
            Record::Settings(s) => settings = s,
            Record::Staff(s) => current = Some(s),
            _ => {
                return Err(
                    StoreError::Corrupt("a key holds another kind of record".into()).into(),
                );
            }
        }
    }
    let expected = current
        .as_ref()
        .map_or(Expected::Absent, |c| Expected::Version(c.version));
    let record = StaffMember {
        tenant,
        id,
        name: input.name,
        email: input.email,
        phone: input.phone,
        locale: input.locale.unwrap_or(settings.input.default_locale),
        time_zone: input.time_zone.unwrap_or(settings.input.time_zone),
        version: current.map_or(1, |c| c.version + 1),
    };
    records.put(Record::Staff(record.clone()), expected).await?;
    Ok(Json(record))
}
