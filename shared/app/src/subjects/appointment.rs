//! Loading what the plans of one appointment depend on — **once** for every image a change
//! involves (old, new, current): the settings, each image's type and staff member, the client
//! and the client's appointments. The change messages, the old plan, the new plan and the
//! client's re-engagement plan are then all computed from this one load.

use super::ContextError;
use rappel_core::model::{
    Appointment, AppointmentType, AppointmentTypeId, Client, StaffId, StaffMember, TenantId,
};
use rappel_core::planning::{PlanningContext, client_rebooked};
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{RecordStore, TypedRecords};

#[derive(Debug, Clone)]
pub struct AppointmentRecords {
    pub settings: BusinessSettings,
    pub client: Client,
    /// Every appointment of the client (with the images given at load time in place of the
    /// stored ones, as the index may lag behind).
    pub of_client: Vec<Appointment>,
    types: Vec<AppointmentType>,
    staff: Vec<StaffMember>,
}

/// An older image of a record the plans depend on, to compute "the plan as it was".
#[derive(Debug, Clone)]
pub enum Substitute {
    Nothing,
    Settings(Box<BusinessSettings>),
    AppointmentType(AppointmentType),
    Client(Client),
    Staff(StaffMember),
}

impl AppointmentRecords {
    /// Loads the records of `images` (all of one client), plus `extra_staff` (a staff member a
    /// message is addressed to who no longer performs the appointment). `settings`, when the
    /// caller already holds them, are not read again.
    pub async fn load(
        records: &dyn RecordStore,
        tenant: &TenantId,
        images: &[&Appointment],
        extra_staff: Option<&StaffId>,
        settings: Option<BusinessSettings>,
    ) -> Result<Self, ContextError> {
        let Some(first) = images.first() else {
            return Err(ContextError::Missing("appointment"));
        };
        let settings = match settings {
            Some(s) => s,
            None => records.settings(tenant).await?,
        };
        let client = records
            .client(tenant, &first.client_id)
            .await?
            .ok_or(ContextError::Missing("client"))?;
        let mut of_client = records
            .appointments_of_client(tenant, &first.client_id)
            .await?;
        for image in images.iter().rev() {
            if let Some(stored) = of_client.iter_mut().find(|a| a.id == image.id) {
                if stored.version < image.version {
                    *stored = (*image).clone();
                }
            } else {
                of_client.push((*image).clone());
            }
        }
        let mut type_ids: Vec<&AppointmentTypeId> = images.iter().map(|a| &a.type_id).collect();
        type_ids.sort();
        type_ids.dedup();
        let mut types = Vec::new();
        for id in type_ids {
            if let Some(t) = records.appointment_type(tenant, id).await? {
                types.push(t);
            }
        }
        let mut staff_ids: Vec<&StaffId> = images.iter().map(|a| &a.staff_id).collect();
        staff_ids.extend(extra_staff);
        staff_ids.sort();
        staff_ids.dedup();
        let mut staff = Vec::new();
        for id in staff_ids {
            if let Some(s) = records.staff(tenant, id).await? {
                staff.push(s);
            }
        }
        Ok(Self {
            settings,
            client,
            of_client,
            types,
            staff,
        })
    }

    /// The planning context of one image; `previous_staff` is another staff member its
    /// messages may address. Fails if the image's type or staff member is gone.
    pub fn planning<'a>(
        &'a self,
        appointment: &Appointment,
        previous_staff: Option<&StaffId>,
    ) -> Result<PlanningContext<'a>, ContextError> {
        let appointment_type = self
            .types
            .iter()
            .find(|t| t.id == appointment.type_id)
            .ok_or(ContextError::Missing("appointment type"))?;
        let staff = self
            .staff_member(&appointment.staff_id)
            .ok_or(ContextError::Missing("staff"))?;
        Ok(PlanningContext {
            settings: &self.settings,
            appointment_type,
            client: &self.client,
            staff,
            previous_staff: previous_staff
                .filter(|id| **id != appointment.staff_id)
                .and_then(|id| self.staff_member(id)),
            client_rebooked: client_rebooked(appointment, &self.of_client),
        })
    }

    fn staff_member(&self, id: &StaffId) -> Option<&StaffMember> {
        self.staff.iter().find(|s| s.id == *id)
    }

    /// The same records with one replaced by an older image of it.
    pub fn with(&self, substitute: &Substitute) -> Self {
        let mut out = self.clone();
        match substitute {
            Substitute::Nothing => {}
            Substitute::Settings(s) => out.settings = (**s).clone(),
            Substitute::AppointmentType(t) => {
                if let Some(slot) = out.types.iter_mut().find(|x| x.id == t.id) {
                    *slot = t.clone();
                }
            }
            Substitute::Client(c) if c.id == out.client.id => out.client = c.clone(),
            Substitute::Client(_) => {}
            Substitute::Staff(s) => {
                if let Some(slot) = out.staff.iter_mut().find(|x| x.id == s.id) {
                    *slot = s.clone();
                }
            }
        }
        out
    }
}
