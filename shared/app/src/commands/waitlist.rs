//! The waitlist: a client waits for a slot of one type inside a window; when one is freed the
//! change handler offers it. A removed entry is kept as `removed` so the change feed sees it.

use super::CommandError;
use super::references::{References, check_references};
use crate::ApiServices;
use chrono::{DateTime, Utc, Weekday};
use rappel_core::model::{
    AppointmentTypeId, ClientId, StaffId, TenantId, TimeRange, TimeZone, WaitlistEntry, WaitlistId,
    WaitlistStatus,
};
use rappel_ports::records::{Expected, Record, TypedRecords};

/// What a client waits for, parsed at the edge.
#[derive(Debug, Clone)]
pub struct Wait {
    pub client_id: ClientId,
    pub type_id: AppointmentTypeId,
    /// Anyone when unset.
    pub staff_id: Option<StaffId>,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub days: Option<Vec<Weekday>>,
    pub time_range: Option<TimeRange>,
    /// The zone `days` and `time_range` are read in; the business's when unset.
    pub time_zone: Option<TimeZone>,
}

/// Adds a waiting entry under `id`.
pub async fn add_to_waitlist(
    services: &ApiServices,
    tenant: &TenantId,
    id: WaitlistId,
    wait: Wait,
) -> Result<WaitlistEntry, CommandError> {
    let settings = check_references(
        services.records.as_ref(),
        tenant,
        References {
            client: Some(&wait.client_id),
            staff: wait.staff_id.as_ref(),
            appointment_type: Some(&wait.type_id),
        },
    )
    .await?;
    let now = services.clock.now();
    let entry = WaitlistEntry {
        tenant: tenant.clone(),
        id,
        client_id: wait.client_id,
        type_id: wait.type_id,
        staff_id: wait.staff_id,
        from: wait.from,
        until: wait.until,
        days: wait.days,
        time_range: wait.time_range,
        time_zone: wait.time_zone.unwrap_or(settings.input.time_zone),
        status: WaitlistStatus::Waiting,
        created_at: now,
        version: 1,
    };
    entry
        .check(now)
        .map_err(|e| CommandError::invalid("invalid_waitlist_entry", e.to_string()))?;
    services
        .records
        .put_retained(
            Record::Waitlist(entry.clone()),
            Expected::Absent,
            &settings.input.retention,
            now,
        )
        .await?;
    Ok(entry)
}

/// The entry under `id` while it waits; not found once removed or offered.
pub async fn waiting_entry(
    services: &ApiServices,
    tenant: &TenantId,
    id: &WaitlistId,
) -> Result<WaitlistEntry, CommandError> {
    services
        .records
        .waitlist_entry(tenant, id)
        .await?
        .filter(WaitlistEntry::is_waiting)
        .ok_or(CommandError::NotFound("waitlist entry"))
}

/// The client no longer waits.
pub async fn remove_from_waitlist(
    services: &ApiServices,
    tenant: &TenantId,
    id: &WaitlistId,
) -> Result<(), CommandError> {
    let current = waiting_entry(services, tenant, id).await?;
    let removed = WaitlistEntry {
        status: WaitlistStatus::Removed,
        version: current.version + 1,
        ..current.clone()
    };
    let retention = services.records.settings(tenant).await?.input.retention;
    services
        .records
        .put_retained(
            Record::Waitlist(removed),
            Expected::Version(current.version),
            &retention,
            services.clock.now(),
        )
        .await?;
    Ok(())
}
