//! The records a write refers to, read with the business's settings in one round trip.

use super::CommandError;
use rappel_core::model::{AppointmentTypeId, ClientId, StaffId, TenantId};
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{Record, RecordKey, RecordKind, RecordStore, StoreError};

/// What a write names: each reference given must be a record of this business.
#[derive(Default)]
pub struct References<'a> {
    pub client: Option<&'a ClientId>,
    pub staff: Option<&'a StaffId>,
    pub appointment_type: Option<&'a AppointmentTypeId>,
}

/// Reads the business's settings and the records `refs` names in one round trip; an unknown
/// reference is refused naming its field. Returns the settings (the defaults when the
/// business has saved none).
pub async fn check_references(
    records: &dyn RecordStore,
    tenant: &TenantId,
    refs: References<'_>,
) -> Result<BusinessSettings, CommandError> {
    let wanted = [
        refs.client
            .map(|id| RecordKey::new(tenant, RecordKind::Client, id.as_str())),
        refs.staff
            .map(|id| RecordKey::new(tenant, RecordKind::Staff, id.as_str())),
        refs.appointment_type
            .map(|id| RecordKey::new(tenant, RecordKind::AppointmentType, id.as_str())),
    ];
    let mut keys = vec![RecordKey::settings(tenant)];
    keys.extend(wanted.iter().flatten().cloned());
    let found = records.get_many(&keys).await?;
    let is_stored = |key: &RecordKey| {
        keys.iter()
            .zip(&found)
            .any(|(k, record)| k == key && record.is_some())
    };
    let [client_key, staff_key, type_key] = &wanted;
    if let (Some(id), Some(key)) = (refs.client, client_key)
        && !is_stored(key)
    {
        return Err(CommandError::unknown(
            "unknown_client",
            format!("client_id: no client {id}"),
        ));
    }
    if let (Some(id), Some(key)) = (refs.staff, staff_key)
        && !is_stored(key)
    {
        return Err(CommandError::unknown(
            "unknown_staff",
            format!("staff_id: no staff member {id}"),
        ));
    }
    if let (Some(id), Some(key)) = (refs.appointment_type, type_key)
        && !is_stored(key)
    {
        return Err(CommandError::unknown(
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
