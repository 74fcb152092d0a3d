//! Loading what a day's digest depends on: the settings, the recipient, the day's appointments
//! (the staff member's through `by_staff`, the business's through `by_start`) and the names
//! they are listed with.

use super::ContextError;
use rappel_core::message::{Recipient, Subject};
use rappel_core::model::{Appointment, AppointmentType, Client, StaffMember, TenantId, TimeZone};
use rappel_core::planning::day::{DayContext, DayRecipient, covered_date, day_bounds};
use rappel_core::settings::{BusinessSettings, Manager};
use rappel_ports::records::{RecordStore, TypedRecords};

#[derive(Debug, Clone)]
pub struct DayRecords {
    pub settings: BusinessSettings,
    recipient: Owned,
    pub date: chrono::NaiveDate,
    pub appointments: Vec<Appointment>,
    clients: Vec<Client>,
    types: Vec<AppointmentType>,
    staff: Vec<StaffMember>,
}

#[derive(Debug, Clone)]
enum Owned {
    Staff(StaffMember),
    Manager(Manager),
}

impl DayRecords {
    /// `None` if the recipient is gone. `settings`, when the caller holds them, are not read
    /// again.
    pub async fn load(
        records: &dyn RecordStore,
        tenant: &TenantId,
        subject: &Subject,
        settings: Option<BusinessSettings>,
    ) -> Result<Option<Self>, ContextError> {
        let settings = match settings {
            Some(s) => s,
            None => records.settings(tenant).await?,
        };
        let (recipient, date) = match subject {
            Subject::StaffDay { staff, date } => (Recipient::Staff(staff.clone()), *date),
            Subject::ManagerDay { manager, date } => (Recipient::Manager(manager.clone()), *date),
            Subject::Appointment(_)
            | Subject::Client(_)
            | Subject::Invoice(_)
            | Subject::Quote(_)
            | Subject::Inbound(_)
            | Subject::Slot(_) => {
                return Err(ContextError::Missing("day"));
            }
        };
        let Some(recipient) = Owned::load(records, &settings, &recipient).await? else {
            return Ok(None);
        };
        Self::load_day(records, settings, recipient, date)
            .await
            .map(Some)
    }

    /// The day a digest schedule's firing at `fired_at` covers — decided from the recipient's
    /// zone and the settings' `when` — loaded. `None` if the recipient is gone.
    pub async fn load_firing(
        records: &dyn RecordStore,
        settings: BusinessSettings,
        recipient: &Recipient,
        fired_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<Self>, ContextError> {
        let Some(owned) = Owned::load(records, &settings, recipient).await? else {
            return Ok(None);
        };
        let date = covered_date(&settings.input.notifications.digest, owned.zone(), fired_at);
        Self::load_day(records, settings, owned, date)
            .await
            .map(Some)
    }

    async fn load_day(
        records: &dyn RecordStore,
        settings: BusinessSettings,
        recipient: Owned,
        date: chrono::NaiveDate,
    ) -> Result<Self, ContextError> {
        let tenant = &settings.tenant.clone();
        let (from, until) = day_bounds(date, recipient.zone());
        let appointments = match &recipient {
            Owned::Staff(s) => {
                records
                    .appointments_of_staff(tenant, &s.id, from, Some(until))
                    .await?
            }
            Owned::Manager(_) => {
                records
                    .appointments_starting_between(tenant, from, until)
                    .await?
            }
        };
        let mut loaded = Self {
            settings,
            recipient,
            date,
            appointments,
            clients: Vec::new(),
            types: Vec::new(),
            staff: Vec::new(),
        };
        loaded.load_names(records, tenant).await?;
        Ok(loaded)
    }

    /// The clients, types and staff members the day's appointments are listed with, each read
    /// once.
    async fn load_names(
        &mut self,
        records: &dyn RecordStore,
        tenant: &TenantId,
    ) -> Result<(), ContextError> {
        let mut clients: Vec<_> = self.appointments.iter().map(|a| &a.client_id).collect();
        clients.sort();
        clients.dedup();
        for id in clients {
            self.clients.extend(records.client(tenant, id).await?);
        }
        let mut types: Vec<_> = self.appointments.iter().map(|a| &a.type_id).collect();
        types.sort();
        types.dedup();
        for id in types {
            self.types
                .extend(records.appointment_type(tenant, id).await?);
        }
        if let Owned::Staff(s) = &self.recipient {
            self.staff.push(s.clone());
        }
        let mut staff: Vec<_> = self
            .appointments
            .iter()
            .map(|a| &a.staff_id)
            .filter(|id| !self.staff.iter().any(|s| &s.id == *id))
            .collect();
        staff.sort();
        staff.dedup();
        let mut found = Vec::new();
        for id in staff {
            found.extend(records.staff(tenant, id).await?);
        }
        self.staff.extend(found);
        Ok(())
    }

    pub fn context(&self) -> DayContext<'_> {
        DayContext {
            settings: &self.settings,
            recipient: match &self.recipient {
                Owned::Staff(s) => DayRecipient::Staff(s),
                Owned::Manager(m) => DayRecipient::Manager(m),
            },
            date: self.date,
            appointments: &self.appointments,
            clients: &self.clients,
            types: &self.types,
            staff: &self.staff,
        }
    }
}

impl Owned {
    /// The recipient's record: a staff member from the store, a manager from the settings.
    async fn load(
        records: &dyn RecordStore,
        settings: &BusinessSettings,
        recipient: &Recipient,
    ) -> Result<Option<Self>, ContextError> {
        Ok(match recipient {
            Recipient::Staff(id) => records.staff(&settings.tenant, id).await?.map(Owned::Staff),
            Recipient::Manager(id) => settings.manager(id).cloned().map(Owned::Manager),
            Recipient::Client(_) | Recipient::Sender(_) => None,
        })
    }

    fn zone(&self) -> TimeZone {
        match self {
            Owned::Staff(s) => s.time_zone,
            Owned::Manager(m) => m.time_zone,
        }
    }
}
