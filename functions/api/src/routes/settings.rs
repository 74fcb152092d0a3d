//! `PUT/GET /v1/settings`: the business's notification matrix. Saving applies at once to every
//! booked appointment (the change handler re-plans them).

use crate::error::ApiError;
use crate::extract::{ApiJson, Tenant};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::State;
use rappel_core::settings::{BusinessSettings, SettingsInput};
use rappel_ports::records::{Expected, Record, TypedRecords};

pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
) -> Result<Json<BusinessSettings>, ApiError> {
    Ok(Json(state.services.records.settings(&tenant).await?))
}

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
pub async fn reschedule_keys(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "keys": state.links.business_keys(&tenant) }))
}
