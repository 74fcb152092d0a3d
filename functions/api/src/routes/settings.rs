//! `PUT/GET /v1/settings`: the business's notification matrix. Saving applies to every booked
//! appointment, open document, client due for re-engagement and staff digest: the change
//! handler begins a re-plan job of bounded steps, whose progress `GET` shows (`replan`).

use crate::error::ApiError;
use crate::extract::{ApiJson, Tenant};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use rappel_app::commands::settings::save_settings;
use rappel_core::model::TenantId;
use rappel_core::settings::{BusinessSettings, SettingsInput};
use rappel_ports::records::TypedRecords;
use rappel_ports::replan::{ReplanState, ReplanStatus};

/// The settings, and how far their re-plan (and the business's other re-plans) has come.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SettingsView {
    pub tenant: TenantId,
    #[serde(flatten)]
    pub input: SettingsInput,
    pub version: u64,
    /// The business's re-plans: `null` until its first one begins.
    pub replan: Option<ReplanView>,
}

/// Where a business's re-plans stand. Jobs overlapping (two changes in a row) are counted
/// together, from the last moment nothing was being re-planned.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReplanView {
    /// `pending`: the settings' latest version has not been picked up yet (within a second or
    /// two of a save); `running`; `done`: every booked appointment, open document, client and
    /// digest follows the settings (and the types and staff) as they are.
    pub state: ReplanProgressState,
    /// What the latest job re-plans for: `settings`, `appointment_type`, `staff`, `repair`.
    #[schema(example = "settings")]
    pub cause: String,
    /// The settings version the latest settings re-plan applies.
    pub settings_version: Option<u64>,
    /// Subjects re-planned so far.
    pub done: u64,
    /// Subjects found so far (the listing runs ahead of the re-planning: it is complete long
    /// before `done` reaches it).
    pub total: u64,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplanProgressState {
    Pending,
    Running,
    Done,
}

impl SettingsView {
    pub fn new(settings: BusinessSettings, status: Option<ReplanStatus>) -> Self {
        let replan = status.map(|status| {
            let behind = status
                .settings_version
                .is_some_and(|applied| applied < settings.version);
            ReplanView {
                state: match status.state {
                    _ if behind => ReplanProgressState::Pending,
                    ReplanState::Running => ReplanProgressState::Running,
                    ReplanState::Done => ReplanProgressState::Done,
                },
                cause: status.cause,
                settings_version: status.settings_version,
                done: status.done,
                total: status.total,
                started_at: status.started_at,
                updated_at: status.updated_at,
            }
        });
        Self {
            tenant: settings.tenant,
            input: settings.input,
            version: settings.version,
            replan,
        }
    }
}

#[utoipa::path(
    get, path = "/v1/settings", tag = "settings", operation_id = "getSettings",
    summary = "The business's settings (defaults, version 0, until saved), and their re-plan",
    responses((status = 200, description = "The settings, and how far the business's re-plans have come.", body = SettingsView))
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
) -> Result<Json<SettingsView>, ApiError> {
    let settings = state.services.records.settings(&tenant).await?;
    let status = state.services.progress.status(&tenant).await?;
    Ok(Json(SettingsView::new(settings, status)))
}

#[utoipa::path(
    put, path = "/v1/settings", tag = "settings", operation_id = "putSettings",
    summary = "Save the settings (re-plans every booked appointment: see `replan` on GET)",
    request_body(content = SettingsInput, example = json!({"business_name": "Salon Ana", "time_zone": "Europe/Paris", "default_locale": "fr-FR", "notifications": {"reminders": [{"offset": "24h", "email": true, "sms": true}, {"offset": "2h", "sms": true}]}})),
    responses((status = 200, description = "The saved settings, with their new version.", body = BusinessSettings), (status = 409, description = "version_conflict: `expected_version` is not the stored version, or someone changed the record meanwhile.", body = crate::error::Problem))
)]
pub async fn put(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiJson(input): ApiJson<SettingsInput>,
) -> Result<Json<BusinessSettings>, ApiError> {
    let settings = save_settings(&state.services, &tenant, input).await?;
    Ok(Json(settings))
}

/// `GET /v1/reschedule-keys`: the keys this business's booking tool checks reschedule tokens
/// with (the current one first; two during a key rotation). See the recipe in docs/API.md.
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn status(settings_version: u64, state: ReplanState) -> ReplanStatus {
        let at = Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap();
        ReplanStatus {
            state,
            cause: "settings".into(),
            job: format!("settings-v{settings_version}"),
            settings_version: Some(settings_version),
            done: 10,
            total: 40,
            started_at: at,
            updated_at: at,
        }
    }

    fn settings(version: u64) -> BusinessSettings {
        BusinessSettings {
            version,
            ..BusinessSettings::defaults_for(&TenantId::parse("salon").unwrap())
        }
    }

    #[test]
    fn settings_saved_after_the_last_re_plan_began_are_pending_until_theirs_begins() {
        let pending = SettingsView::new(settings(3), Some(status(2, ReplanState::Done)));
        assert_eq!(
            pending.replan.map(|r| r.state),
            Some(ReplanProgressState::Pending)
        );
        let running = SettingsView::new(settings(3), Some(status(3, ReplanState::Running)));
        assert_eq!(
            running.replan.map(|r| r.state),
            Some(ReplanProgressState::Running)
        );
        let done = SettingsView::new(settings(3), Some(status(3, ReplanState::Done)));
        assert_eq!(
            done.replan.map(|r| r.state),
            Some(ReplanProgressState::Done)
        );
        assert!(SettingsView::new(settings(0), None).replan.is_none());
    }
}
