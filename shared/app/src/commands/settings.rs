//! The business's settings. Saving one re-plans every subject that depends on them: the
//! change handler begins a re-plan job of bounded steps. An operator's suspension of the
//! business sits on the same record, out of the API's reach, and so does the business's
//! sending identity (its own routes): a save keeps both.

use super::CommandError;
use crate::ApiServices;
use chrono::{DateTime, Utc};
use rappel_core::model::TenantId;
use rappel_core::settings::{BusinessSettings, SettingsInput, Suspension};
use rappel_ports::records::{Expected, Record, RecordStore, StoreError, TypedRecords};

/// Saves `input` as the business's settings, conditional on the version just read. A
/// retention period shorter than the business's own rules need is refused
/// (`retention_too_short`).
pub async fn save_settings(
    services: &ApiServices,
    tenant: &TenantId,
    input: SettingsInput,
) -> Result<BusinessSettings, CommandError> {
    input
        .retention
        .check(&input.notifications.reengagement)
        .map_err(|e| CommandError::Invalid {
            code: "retention_too_short",
            message: e.to_string(),
        })?;
    let records = &services.records;
    let current = records.stored_settings(tenant).await?;
    let expected = current
        .as_ref()
        .map_or(Expected::Absent, |c| Expected::Version(c.version));
    let version = current.as_ref().map_or(1, |c| c.version + 1);
    let (suspended, sending_identity) =
        current.map_or((None, None), |c| (c.suspended, c.sending_identity));
    let settings = BusinessSettings {
        tenant: tenant.clone(),
        input,
        version,
        suspended,
        sending_identity,
    };
    records
        .put(Record::Settings(settings.clone()), expected)
        .await?;
    Ok(settings)
}

/// An operator's kill switch: suspends the business's sending (`Some(reason)`) or lifts the
/// suspension (`None`). Nothing else of the settings changes. Returns the settings saved.
pub async fn set_suspension(
    records: &dyn RecordStore,
    tenant: &TenantId,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<BusinessSettings, StoreError> {
    let (_, saved) = amend_settings(records, tenant, 1, |settings| {
        settings.suspended = reason
            .clone()
            .map(|reason| Suspension { reason, since: now });
        true
    })
    .await?;
    Ok(saved)
}

/// Changes a part of the settings record that the settings save keeps (the operator's
/// suspension, the business's sending identity) and nothing else, conditional on the version
/// just read, tried `attempts` times against concurrent edits. `change` answers whether it
/// changed anything: if not, nothing is written. Returns the record before (as stored, if it
/// was) and after.
pub async fn amend_settings(
    records: &dyn RecordStore,
    tenant: &TenantId,
    attempts: usize,
    change: impl Fn(&mut BusinessSettings) -> bool,
) -> Result<(Option<BusinessSettings>, BusinessSettings), StoreError> {
    let mut attempt = 1;
    loop {
        let current = records.stored_settings(tenant).await?;
        let expected = current
            .as_ref()
            .map_or(Expected::Absent, |c| Expected::Version(c.version));
        let mut settings = current
            .clone()
            .unwrap_or_else(|| BusinessSettings::defaults_for(tenant));
        if !change(&mut settings) {
            return Ok((current, settings));
        }
        settings.version += 1;
        match records
            .put(Record::Settings(settings.clone()), expected)
            .await
        {
            Ok(_) => return Ok((current, settings)),
            Err(StoreError::Conflict { .. }) if attempt < attempts => attempt += 1,
            Err(error) => return Err(error),
        }
    }
}
