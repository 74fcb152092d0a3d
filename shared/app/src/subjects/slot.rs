//! Loading what the offers of a freed slot depend on. Two occasions: when the slot is freed
//! (every candidate — the type's open waitlist entries and later bookings, and their clients)
//! and at send time (one client: is the slot still free, do they still wait for it).

use super::{MissingRecord, SendTime, SubjectAtSend};
use chrono::{DateTime, Duration, Utc};
use rappel_core::message::{MessageKey, Verdict};
use rappel_core::model::AppointmentTypeId;
use rappel_core::model::{
    Appointment, AppointmentType, Client, ClientId, FreedSlot, MAX_DURATION_HOURS, StaffMember,
    TenantId, WaitlistEntry,
};
use rappel_core::planning::slot;
use rappel_core::planning::slot::{SlotContext, candidates};
use rappel_core::render::{ComposeError, Rendering};
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{RecordStore, StoreError, TypedRecords};
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
pub struct SlotRecords {
    pub settings: BusinessSettings,
    pub slot: FreedSlot,
    pub appointment_type: Option<AppointmentType>,
    pub staff: Option<StaffMember>,
    pub around: Vec<Appointment>,
    pub entries: Vec<WaitlistEntry>,
    pub later: Vec<Appointment>,
    pub clients: Vec<Client>,
    pub freed_by: Option<ClientId>,
    pub freed_at: DateTime<Utc>,
}

impl SlotRecords {
    /// Everything needed to choose who is told of `slot`, freed by `freed_by` at `freed_at`.
    /// Reads, cheapest decision first: the type's open waitlist entries and later bookings
    /// (one `by_type` query each on AWS); only if someone could be told, the staff member's
    /// appointments around the slot (is it still free?) and each candidate's client. The type
    /// and staff records are for the wording: read at send time, not here.
    pub async fn for_offers(
        records: &dyn RecordStore,
        tenant: &TenantId,
        slot: FreedSlot,
        freed_by: Option<ClientId>,
        freed_at: DateTime<Utc>,
        settings: BusinessSettings,
    ) -> Result<Self, StoreError> {
        let mut loaded = Self {
            settings,
            entries: records
                .waitlist_of_type(tenant, &slot.type_id, slot.end)
                .await?,
            later: records
                .appointments_of_type(tenant, &slot.type_id, slot.start)
                .await?,
            slot,
            appointment_type: None,
            staff: None,
            around: Vec::new(),
            clients: Vec::new(),
            freed_by,
            freed_at,
        };
        if candidates(&loaded.context()).is_empty() {
            return Ok(loaded);
        }
        loaded.around = Self::around(records, tenant, &loaded.slot).await?;
        let wanted: BTreeSet<ClientId> = candidates(&loaded.context())
            .iter()
            .map(|c| c.client.clone())
            .collect();
        for id in &wanted {
            if let Some(client) = records.client(tenant, id).await? {
                loaded.clients.push(client);
            }
        }
        Ok(loaded)
    }

    /// What the send-time verdict on an offer to `client` needs.
    pub async fn for_client(
        records: &dyn RecordStore,
        tenant: &TenantId,
        slot: FreedSlot,
        client: &ClientId,
        due: DateTime<Utc>,
    ) -> Result<Self, StoreError> {
        let mut loaded = Self::common(records, tenant, slot, due).await?;
        loaded.entries.retain(|e| e.client_id == *client);
        loaded.later = records
            .appointments_of_client(tenant, client)
            .await?
            .into_iter()
            .filter(|a| a.start > loaded.slot.start)
            .collect();
        loaded.clients = records.client(tenant, client).await?.into_iter().collect();
        Ok(loaded)
    }

    /// The staff member's appointments that may overlap the slot: nothing longer than the
    /// longest appointment can start earlier and still overlap it.
    async fn around(
        records: &dyn RecordStore,
        tenant: &TenantId,
        slot: &FreedSlot,
    ) -> Result<Vec<Appointment>, StoreError> {
        let from = slot.start - Duration::hours(MAX_DURATION_HOURS);
        records
            .appointments_of_staff(tenant, &slot.staff, from, Some(slot.end))
            .await
    }

    async fn common(
        records: &dyn RecordStore,
        tenant: &TenantId,
        slot: FreedSlot,
        freed_at: DateTime<Utc>,
    ) -> Result<Self, StoreError> {
        let settings = records.settings(tenant).await?;
        let appointment_type = records.appointment_type(tenant, &slot.type_id).await?;
        let staff = records.staff(tenant, &slot.staff).await?;
        let around = Self::around(records, tenant, &slot).await?;
        let entries = records
            .waitlist_of_type(tenant, &slot.type_id, slot.end)
            .await?;
        Ok(Self {
            settings,
            slot,
            appointment_type,
            staff,
            around,
            entries,
            later: Vec::new(),
            clients: Vec::new(),
            freed_by: None,
            freed_at,
        })
    }

    pub fn context(&self) -> SlotContext<'_> {
        SlotContext {
            settings: &self.settings,
            slot: &self.slot,
            appointment_type: self.appointment_type.as_ref(),
            staff: self.staff.as_ref(),
            around: &self.around,
            entries: &self.entries,
            later: &self.later,
            clients: &self.clients,
            freed_by: self.freed_by.as_ref(),
            freed_at: self.freed_at,
        }
    }
}

impl SubjectAtSend for SlotRecords {
    type Context<'a> = SlotContext<'a>;

    fn context(&self, _: &MessageKey) -> Result<SlotContext<'_>, MissingRecord> {
        Ok(SlotRecords::context(self))
    }

    /// The client the offer is for (loaded at send time for one client).
    fn client(&self) -> Option<&ClientId> {
        self.clients.first().map(|c| &c.id)
    }

    /// An offer is worded per type like the appointment it would become.
    fn appointment_type(&self) -> Option<&AppointmentTypeId> {
        Some(&self.slot.type_id)
    }

    fn verdict(key: &MessageKey, ctx: &SlotContext<'_>, now: DateTime<Utc>) -> Verdict {
        slot::verdict(key, ctx, now)
    }

    fn rendering<'a>(
        key: &MessageKey,
        ctx: &SlotContext<'a>,
        at: SendTime<'_>,
    ) -> Result<Rendering<'a>, ComposeError>
    where
        Self: 'a,
    {
        slot::rendering(key, ctx, at.links)
    }
}
