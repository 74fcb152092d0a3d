//! Loading what the plans of one appointment depend on — **once** for every image a change
//! involves (old, new, current): the settings, each image's type and staff member, the client
//! and the client's appointments. The change messages, the old plan, the new plan and the
//! client's re-engagement plan are then all computed from this one load.

use super::{ContextError, MissingRecord, SendTime, SubjectAtSend};
use chrono::{DateTime, Duration, Utc};
use rappel_core::message::{MessageKey, PlannedMessage, Recipient, Verdict};
use rappel_core::model::{
    Appointment, AppointmentId, AppointmentType, AppointmentTypeId, Client, ClientId,
    MAX_DURATION_HOURS, StaffId, StaffMember, TenantId,
};
use rappel_core::planning::{self, AppointmentContext, client_rebooked};
use rappel_core::render::{ComposeError, Rendering};
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{Record, RecordKey, RecordKind, RecordStore, StoreError, TypedRecords};

/// Follow-ups may be planned up to this long after an appointment ends.
pub const PLANNING_HORIZON: Duration = Duration::days(91);
/// No appointment lasts longer (an older start has certainly ended).
pub const MAX_DURATION: Duration = Duration::hours(MAX_DURATION_HOURS);

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

/// Whether to read the client's other appointments: every plan needs them (a follow-up is
/// skipped when the client booked again) except a send-time verdict on a kind that does not
/// depend on them ([`rappel_core::planning::depends_on_other_bookings`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherBookings {
    Read,
    Skip,
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
        other_bookings: OtherBookings,
    ) -> Result<Self, ContextError> {
        Self::load_as(
            records,
            tenant,
            images,
            extra_staff,
            settings,
            other_bookings,
            None,
        )
        .await
    }

    /// [`load`](Self::load), with the client as `client` was when the store no longer has
    /// them (their record deleted: what was planned for them is withdrawn from their last
    /// image).
    pub async fn load_as(
        records: &dyn RecordStore,
        tenant: &TenantId,
        images: &[&Appointment],
        extra_staff: Option<&StaffId>,
        settings: Option<BusinessSettings>,
        other_bookings: OtherBookings,
        client_image: Option<&Client>,
    ) -> Result<Self, ContextError> {
        let Some(first) = images.first() else {
            return Err(ContextError::Missing("appointment"));
        };
        // One round trip for the settings, the client, the types and the staff members.
        let keys = Self::keys(tenant, images, extra_staff, settings.is_none());
        let (mut stored_settings, mut client) = (None, None);
        let (mut types, mut staff) = (Vec::new(), Vec::new());
        for record in records.get_many(&keys).await?.into_iter().flatten() {
            match record {
                Record::Settings(s) => stored_settings = Some(s),
                Record::Client(c) if c.id == first.client_id => client = Some(c),
                Record::Client(_) => {}
                Record::AppointmentType(t) => types.push(t),
                Record::Staff(s) => staff.push(s),
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "{} holds another kind of record",
                        other.key()
                    ))
                    .into());
                }
            }
        }
        let settings = settings
            .or(stored_settings)
            .unwrap_or_else(|| BusinessSettings::defaults_for(tenant));
        let client = client
            .or_else(|| client_image.cloned())
            .ok_or(ContextError::Missing("client"))?;
        let mut of_client = match other_bookings {
            OtherBookings::Read => {
                records
                    .appointments_of_client(tenant, &first.client_id)
                    .await?
            }
            OtherBookings::Skip => Vec::new(),
        };
        for image in images.iter().rev() {
            if let Some(stored) = of_client.iter_mut().find(|a| a.id == image.id) {
                if stored.version < image.version {
                    *stored = (*image).clone();
                }
            } else {
                of_client.push((*image).clone());
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

    /// The records [`load`](Self::load) reads by key for `images`: the client, the settings
    /// (unless the caller holds them), each image's type and staff member and `extra_staff`.
    pub fn keys(
        tenant: &TenantId,
        images: &[&Appointment],
        extra_staff: Option<&StaffId>,
        with_settings: bool,
    ) -> Vec<RecordKey> {
        let mut type_ids: Vec<&AppointmentTypeId> = images.iter().map(|a| &a.type_id).collect();
        type_ids.sort();
        type_ids.dedup();
        let mut staff_ids: Vec<&StaffId> = images.iter().map(|a| &a.staff_id).collect();
        staff_ids.extend(extra_staff);
        staff_ids.sort();
        staff_ids.dedup();
        let mut client_ids: Vec<&ClientId> = images.iter().map(|a| &a.client_id).collect();
        client_ids.dedup();
        let mut keys: Vec<RecordKey> = client_ids
            .iter()
            .map(|id| RecordKey::new(tenant, RecordKind::Client, id.as_str()))
            .collect();
        if with_settings {
            keys.push(RecordKey::settings(tenant));
        }
        keys.extend(
            type_ids
                .iter()
                .map(|id| RecordKey::new(tenant, RecordKind::AppointmentType, id.as_str())),
        );
        keys.extend(
            staff_ids
                .iter()
                .map(|id| RecordKey::new(tenant, RecordKind::Staff, id.as_str())),
        );
        keys
    }

    /// The planning context of one image; `previous_staff` is another staff member its
    /// messages may address. Fails if the image's type or staff member is gone.
    pub fn planning<'a>(
        &'a self,
        appointment: &Appointment,
        previous_staff: Option<&StaffId>,
    ) -> Result<AppointmentContext<'a>, MissingRecord> {
        let appointment_type = self
            .types
            .iter()
            .find(|t| t.id == appointment.type_id)
            .ok_or(MissingRecord("appointment type"))?;
        let staff = self
            .staff_member(&appointment.staff_id)
            .ok_or(MissingRecord("staff"))?;
        Ok(AppointmentContext {
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

    /// The timeline of `appointment` from these records; none (logged) if its type or staff
    /// member is gone.
    pub fn plan_of(&self, appointment: &Appointment) -> Vec<PlannedMessage> {
        match self.planning(appointment, None) {
            Ok(ctx) => planning::timeline(appointment, &ctx),
            Err(error) => {
                tracing::error!(%error, "cannot plan an appointment whose records are missing");
                Vec::new()
            }
        }
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

/// An appointment as its messages see it at send time: the appointment as it is now and the
/// records its plan depends on.
#[derive(Debug, Clone)]
pub struct AppointmentAtSend {
    pub appointment: Appointment,
    pub records: AppointmentRecords,
}

impl AppointmentAtSend {
    /// `None` if the appointment is gone. The client's other bookings are read only when
    /// `key`'s kind depends on them.
    pub async fn load(
        records: &dyn RecordStore,
        key: &MessageKey,
        id: &AppointmentId,
    ) -> Result<Option<Self>, ContextError> {
        let Some(appointment) = records.appointment(&key.tenant, id).await? else {
            return Ok(None);
        };
        // A staff member addressed who no longer performs it (told they lost it).
        let extra_staff = previous_staff(key).filter(|id| **id != appointment.staff_id);
        let other_bookings = if planning::depends_on_other_bookings(key.kind) {
            OtherBookings::Read
        } else {
            OtherBookings::Skip
        };
        let loaded = AppointmentRecords::load(
            records,
            &key.tenant,
            &[&appointment],
            extra_staff,
            None,
            other_bookings,
        )
        .await?;
        Ok(Some(Self {
            appointment,
            records: loaded,
        }))
    }
}

/// The appointment and its planning context.
pub struct CurrentAppointment<'a> {
    appointment: &'a Appointment,
    planning: AppointmentContext<'a>,
}

impl SubjectAtSend for AppointmentAtSend {
    type Context<'a> = CurrentAppointment<'a>;

    fn context(&self, key: &MessageKey) -> Result<CurrentAppointment<'_>, MissingRecord> {
        Ok(CurrentAppointment {
            appointment: &self.appointment,
            planning: self
                .records
                .planning(&self.appointment, previous_staff(key))?,
        })
    }

    fn client(&self) -> Option<&ClientId> {
        Some(&self.appointment.client_id)
    }

    fn appointment_type(&self) -> Option<&AppointmentTypeId> {
        Some(&self.appointment.type_id)
    }

    fn verdict(key: &MessageKey, ctx: &CurrentAppointment<'_>, now: DateTime<Utc>) -> Verdict {
        planning::verdict(key, ctx.appointment, &ctx.planning, now)
    }

    fn rendering<'a>(
        key: &MessageKey,
        ctx: &CurrentAppointment<'a>,
        at: SendTime<'_>,
    ) -> Result<Rendering<'a>, ComposeError>
    where
        Self: 'a,
    {
        planning::appointment::rendering(
            key,
            ctx.appointment,
            &ctx.planning,
            at.links,
            at.sender,
            at.now,
        )
    }
}

/// The staff member a message addresses, who may no longer perform the appointment.
fn previous_staff(key: &MessageKey) -> Option<&StaffId> {
    match &key.recipient {
        Recipient::Staff(id) => Some(id),
        _ => None,
    }
}
