//! What the invoice and quote routes share: the version check, the client check, and the
//! planned-reminders view.

use crate::error::ApiError;
use crate::routes::ApiState;
use axum::Json;
use rappel_app::preview::{PlannedNotification, document_planned_notifications};
use rappel_core::message::Subject;
use rappel_core::model::{ClientId, TenantId};
use rappel_ports::records::TypedRecords;
use serde::{Deserialize, Serialize};

/// The optional body of an invoice's or a quote's action (`paid`, `void`, `accept`, `decline`).
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleInput {
    #[serde(default)]
    pub expected_version: Option<u64>,
}

pub fn yes() -> bool {
    true
}

/// `expected_version`, when given, must be the stored one.
pub fn check_version(what: &str, current: u64, expected: Option<u64>) -> Result<(), ApiError> {
    match expected {
        Some(v) if v != current => Err(ApiError::conflict(
            "version_conflict",
            format!("the {what} is at version {current}, not {v}"),
        )),
        _ => Ok(()),
    }
}

pub async fn check_client(
    state: &ApiState,
    tenant: &TenantId,
    client: &ClientId,
) -> Result<(), ApiError> {
    match state.services.records.client(tenant, client).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::unprocessable(
            "unknown_client",
            format!("client_id: no client {client}"),
        )),
    }
}

pub fn check_amount(amount: i64) -> Result<(), ApiError> {
    if amount < 0 {
        return Err(ApiError::unprocessable(
            "invalid_field",
            "amount: a whole number of minor units, 0 or more",
        ));
    }
    Ok(())
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentNotifications {
    /// The reminders planned while it stays open, with their status.
    notifications: Vec<PlannedNotification>,
}

pub async fn notifications(
    state: &ApiState,
    tenant: &TenantId,
    subject: Subject,
    what: &str,
) -> Result<Json<DocumentNotifications>, ApiError> {
    let notifications = document_planned_notifications(&state.services, tenant, &subject)
        .await?
        .ok_or_else(|| ApiError::not_found(what))?;
    Ok(Json(DocumentNotifications { notifications }))
}
