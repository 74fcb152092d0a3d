//! `PUT/GET /v1/settings`: the business's notification matrix. Saving applies at once to every
//! booked appointment (the change handler re-plans them).

use crate::error::ApiError;
use crate::extract::{ApiJson, Tenant};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::State;
use rappel_core::settings::{BusinessSettings, SettingsInput};
use rappel_ports::records::{Expected, Record, TypedRecords};

#[utoipa::path(
    get, path = "/v1/settings", tag = "settings", operation_id = "getSettings",
    summary = "The business's settings (defaults, version 0, until saved)",
    responses((status = 200, description = "The settings.", body = BusinessSettings))
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
) -> Result<Json<BusinessSettings>, ApiError> {
    Ok(Json(state.services.records.settings(&tenant).await?))
}

#[utoipa::path(
    put, path = "/v1/settings", tag = "settings", operation_id = "putSettings",
    summary = "Save the settings (applies at once to every booked appointment)",
    request_body(content = SettingsInput, example = json!({"business_name": "Salon Ana", "time_zone": "Europe/Paris", "default_locale": "fr-FR", "notifications": {"reminders": [{"offset": "24h", "email": true, "sms": true}, {"offset": "2h", "sms": true}]}})),
    responses((status = 200, description = "The saved settings, with their new version.", body = BusinessSettings), (status = 409, description = "version_conflict: `expected_version` is not the stored version, or someone changed the record meanwhile.", body = crate::error::Problem))
)]
pub async fn put(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiJson(input): ApiJson<SettingsInput>,
) -> Result<Json<BusinessSettings>, ApiError> {
    let records = &state.services.records;
    let current = records.stored_settings(&tenant).await?;
    let expected = current
        .as_ref()
        .map_or(Expected::Absent, |c| Expected::Version(c.version));
    let version = current.map_or(1, |c| c.version + 1);
    let settings = BusinessSettings {
        tenant,
        input,
        version,
    };
    records
        .put(Record::Settings(settings.clone()), expected)
        .await?;
    Ok(Json(settings))
}

/// `GET /v1/reschedule-keys`: the keys this business's booking tool checks reschedule tokens
/// with (the current one first; two during a key rotation). See the README's recipe.
#[utoipa::path(
    get, path = "/v1/reschedule-keys", tag = "settings", operation_id = "getRescheduleKeys",
    summary = "The keys the business's booking tool checks reschedule tokens with",
    responses((status = 200, description = "The current key first; two during a key rotation.", body = RescheduleKeys))
)]
pub async fn reschedule_keys(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
) -> Json<RescheduleKeys> {
    Json(RescheduleKeys {
        keys: state.links.business_keys(&tenant),
    })
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RescheduleKeys {
    /// Hex keys (HMAC-SHA256 of reschedule tokens): the current one first.
    #[schema(example = json!(["9f2c4e0b7a1d3f5e6c8b9a0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f"]))]
    keys: Vec<String>,
}
