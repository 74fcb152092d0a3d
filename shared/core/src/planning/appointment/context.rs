//! Everything besides the appointment that its plan depends on, loaded once by the caller.

use crate::message::Recipient;
use crate::model::{AppointmentType, Client, StaffMember};
use crate::planning::ContactPoint;
use crate::settings::{BusinessSettings, NotificationSettings};

#[derive(Debug, Clone, Copy)]
pub struct AppointmentContext<'a> {
    pub settings: &'a BusinessSettings,
    pub appointment_type: &'a AppointmentType,
    pub client: &'a Client,
    pub staff: &'a StaffMember,
    /// Another staff member the plan may address: the one the appointment was taken from (told
    /// of it), or, at send time, the recipient of such a message.
    pub previous_staff: Option<&'a StaffMember>,
    /// The client has another live appointment starting after this one (for "only if not
    /// rebooked" follow-ups).
    pub client_rebooked: bool,
}

impl<'a> AppointmentContext<'a> {
    /// The business's settings with this appointment type's overrides applied.
    pub fn notifications(&self) -> NotificationSettings {
        self.settings
            .input
            .notifications
            .with_override(&self.appointment_type.overrides)
    }

    /// How to reach a recipient, if they are still known.
    pub fn contact(&self, recipient: &Recipient) -> Option<ContactPoint<'a>> {
        match recipient {
            Recipient::Client(id) if *id == self.client.id => {
                Some(ContactPoint::of_client(self.client, self.settings))
            }
            Recipient::Staff(id) if *id == self.staff.id => {
                Some(ContactPoint::of_staff(self.staff, self.settings))
            }
            Recipient::Staff(id) => self
                .previous_staff
                .filter(|s| s.id == *id)
                .map(|s| ContactPoint::of_staff(s, self.settings)),
            Recipient::Manager(id) => self
                .settings
                .manager(id)
                .map(|m| ContactPoint::of_manager(m, self.settings)),
            Recipient::Client(_) | Recipient::Sender(_) => None,
        }
    }

    pub fn managers(&self) -> impl Iterator<Item = Recipient> + '_ {
        self.settings
            .input
            .managers
            .iter()
            .map(|m| Recipient::Manager(m.id.clone()))
    }
}

/// Whether the client has booked again: another live or completed appointment starting after
/// this one (the condition of "only if not rebooked" follow-ups).
pub fn client_rebooked(
    appointment: &crate::model::Appointment,
    of_client: &[crate::model::Appointment],
) -> bool {
    use crate::model::AppointmentStatus as S;
    of_client.iter().any(|other| {
        other.id != appointment.id
            && other.start > appointment.start
            && matches!(
                other.status,
                S::Requested | S::AwaitingPayment | S::Confirmed | S::Completed
            )
    })
}
