//! Everything the offers of one freed slot depend on.

use crate::message::Recipient;
use crate::model::{
    Appointment, AppointmentType, Client, ClientId, FreedSlot, StaffMember, WaitlistEntry,
};
use crate::planning::ContactPoint;
use crate::settings::BusinessSettings;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy)]
pub struct SlotContext<'a> {
    pub settings: &'a BusinessSettings,
    pub slot: &'a FreedSlot,
    /// For the message's wording (`None` if the record is gone: its id is written instead).
    pub appointment_type: Option<&'a AppointmentType>,
    pub staff: Option<&'a StaffMember>,
    /// The staff member's appointments that may overlap the slot, in any status.
    pub around: &'a [Appointment],
    /// Waitlist entries of the slot's type (any status; only waiting ones that fit count).
    pub entries: &'a [WaitlistEntry],
    /// Appointments of the slot's type starting after it (any status).
    pub later: &'a [Appointment],
    /// The clients of those entries and appointments that could be loaded.
    pub clients: &'a [Client],
    /// The client whose appointment freed the slot: never offered their own slot.
    pub freed_by: Option<&'a ClientId>,
    /// When the slot was freed: the offers' due time.
    pub freed_at: DateTime<Utc>,
}

impl<'a> SlotContext<'a> {
    /// No live appointment of the staff member overlaps the slot.
    pub fn is_free(&self) -> bool {
        !self.around.iter().any(|a| {
            a.status.is_active()
                && a.staff_id == self.slot.staff
                && a.start < self.slot.end
                && self.slot.start < a.end
        })
    }

    pub fn client(&self, id: &ClientId) -> Option<&'a Client> {
        self.clients.iter().find(|c| c.id == *id)
    }

    pub fn contact(&self, recipient: &Recipient) -> Option<ContactPoint<'a>> {
        match recipient {
            Recipient::Client(id) => self
                .client(id)
                .map(|c| ContactPoint::of_client(c, self.settings)),
            Recipient::Staff(_) | Recipient::Manager(_) | Recipient::Sender(_) => None,
        }
    }
}
