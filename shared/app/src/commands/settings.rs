//! The business's settings. Saving one re-plans every subject that depends on them: the
//! change handler begins a re-plan job of bounded steps.

use super::CommandError;
use crate::ApiServices;
use rappel_core::model::TenantId;
use rappel_core::settings::{BusinessSettings, SettingsInput};
use rappel_ports::records::{Expected, Record, TypedRecords};

/// Saves `input` as the business's settings, conditional on the version just read.
pub async fn save_settings(
    services: &ApiServices,
    tenant: &TenantId,
    input: SettingsInput,
) -> Result<BusinessSettings, CommandError> {
    let records = &services.records;
    let current = records.stored_settings(tenant).await?;
    let expected = current
        .as_ref()
        .map_or(Expected::Absent, |c| Expected::Version(c.version));
    let settings = BusinessSettings {
        tenant: tenant.clone(),
        input,
        version: current.map_or(1, |c| c.version + 1),
    };
    records
        .put(Record::Settings(settings.clone()), expected)
        .await?;
    Ok(settings)
}
