//! Loading what a plan depends on, with the option to substitute one record by an older image
//! (to compute "the plan as it was" when settings, a client or a staff member change).

use rappel_core::model::{Appointment, AppointmentType, Client, StaffMember};
use rappel_core::planning::{PlanningContext, client_rebooked};
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{RecordStore, StoreError, TypedRecords};

#[derive(Debug, Clone)]
pub struct LoadedContext {
    pub settings: BusinessSettings,
    pub appointment_type: AppointmentType,
    pub client: Client,
    pub staff: StaffMember,
    pub client_rebooked: bool,
}

impl LoadedContext {
    pub fn planning(&self) -> PlanningContext<'_> {
        PlanningContext {
            settings: &self.settings,
            appointment_type: &self.appointment_type,
            client: &self.client,
            staff: &self.staff,
            client_rebooked: self.client_rebooked,
        }
    }

    /// The same context with one record replaced by another image of it.
    pub fn with(mut self, substitute: &Substitute) -> Self {
        match substitute {
            Substitute::Nothing => {}
            Substitute::Settings(s) => self.settings = s.clone(),
            Substitute::AppointmentType(t) if t.id == self.appointment_type.id => {
                self.appointment_type = t.clone()
            }
            Substitute::Client(c) if c.id == self.client.id => self.client = c.clone(),
            Substitute::Staff(s) if s.id == self.staff.id => self.staff = s.clone(),
            _ => {}
        }
        self
    }
}

/// An older image of a context record.
#[derive(Debug, Clone)]
pub enum Substitute {
    Nothing,
    Settings(BusinessSettings),
    AppointmentType(AppointmentType),
    Client(Client),
    Staff(StaffMember),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A record the appointment refers to is gone (records are never deleted through the API,
    /// so this means a data problem worth a look).
    #[error("the appointment's {0} record is missing")]
    Missing(&'static str),
}

pub async fn load_context(
    records: &dyn RecordStore,
    appointment: &Appointment,
) -> Result<LoadedContext, ContextError> {
    let tenant = &appointment.tenant;
    let settings = records.settings(tenant).await?;
    let appointment_type = records
        .appointment_type(tenant, &appointment.type_id)
        .await?
        .ok_or(ContextError::Missing("appointment type"))?;
    let client = records
        .client(tenant, &appointment.client_id)
        .await?
        .ok_or(ContextError::Missing("client"))?;
    let staff = records
        .staff(tenant, &appointment.staff_id)
        .await?
        .ok_or(ContextError::Missing("staff"))?;
    let of_client = records
        .appointments_of_client(tenant, &appointment.client_id)
        .await?;
    Ok(LoadedContext {
        client_rebooked: client_rebooked(appointment, &of_client),
        settings,
        appointment_type,
        client,
        staff,
    })
}
