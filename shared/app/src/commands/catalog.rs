//! The business's catalogue under its own ids: appointment types and staff members. A change
//! of either re-plans what depends on it (a re-plan job, begun by the change handler).

use super::CommandError;
use crate::ApiServices;
use rappel_core::model::{
    AppointmentType, AppointmentTypeId, DisplayName, EmailAddress, Locale, PhoneNumber, StaffId,
    StaffMember, TenantId, TimeZone,
};
use rappel_core::settings::{BusinessSettings, NotificationOverride};
use rappel_ports::records::{Expected, Record, RecordKey, RecordKind, StoreError, TypedRecords};

/// Creates or replaces an appointment type.
pub async fn put_appointment_type(
    services: &ApiServices,
    tenant: &TenantId,
    id: AppointmentTypeId,
    name: DisplayName,
    overrides: NotificationOverride,
) -> Result<AppointmentType, CommandError> {
    let records = &services.records;
    let current = records.appointment_type(tenant, &id).await?;
    let expected = current
        .as_ref()
        .map_or(Expected::Absent, |c| Expected::Version(c.version));
    let record = AppointmentType {
        tenant: tenant.clone(),
        id,
        name,
        overrides,
        version: current.map_or(1, |c| c.version + 1),
    };
    records
        .put(Record::AppointmentType(record.clone()), expected)
        .await?;
    Ok(record)
}

/// A staff member's details, parsed at the edge; locale and zone default to the business's.
#[derive(Debug, Clone)]
pub struct StaffDetails {
    pub name: DisplayName,
    pub email: Option<EmailAddress>,
    pub phone: Option<PhoneNumber>,
    pub locale: Option<Locale>,
    pub time_zone: Option<TimeZone>,
}

/// Creates or replaces a staff member.
pub async fn put_staff(
    services: &ApiServices,
    tenant: &TenantId,
    id: StaffId,
    details: StaffDetails,
) -> Result<StaffMember, CommandError> {
    let records = &services.records;
    // The defaults a new staff member takes and the current record, in one round trip.
    let found = records
        .get_many(&[
            RecordKey::settings(tenant),
            RecordKey::new(tenant, RecordKind::Staff, id.as_str()),
        ])
        .await?;
    let (mut settings, mut current) = (BusinessSettings::defaults_for(tenant), None);
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
        tenant: tenant.clone(),
        id,
        name: details.name,
        email: details.email,
        phone: details.phone,
        locale: details.locale.unwrap_or(settings.input.default_locale),
        time_zone: details.time_zone.unwrap_or(settings.input.time_zone),
        version: current.map_or(1, |c| c.version + 1),
    };
    records.put(Record::Staff(record.clone()), expected).await?;
    Ok(record)
}
