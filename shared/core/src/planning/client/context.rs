//! Everything a client's plan depends on.

use crate::message::Recipient;
use crate::model::{Appointment, AppointmentStatus, Client};
use crate::planning::ContactPoint;
use crate::settings::BusinessSettings;

#[derive(Debug, Clone, Copy)]
pub struct ClientContext<'a> {
    pub settings: &'a BusinessSettings,
    pub client: &'a Client,
    /// Every appointment of the client, in any status.
    pub appointments: &'a [Appointment],
}

/// Where the client stands: their last visit, and whether a booking waits after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastVisit<'a> {
    /// The latest appointment that was kept or is confirmed (completed, or confirmed: once it
    /// has ended it is a visit, and until then the steps it anchors lie after it anyway).
    pub visit: &'a Appointment,
    /// A request or an appointment awaiting payment starting after the visit: the client has
    /// booked again, so there is nobody to win back.
    pub booked_again: bool,
}

/// Kept appointments count as visits; cancelled, refused and missed ones do not.
pub fn is_visit(a: &Appointment) -> bool {
    matches!(
        a.status,
        AppointmentStatus::Completed | AppointmentStatus::Confirmed
    )
}

impl<'a> ClientContext<'a> {
    /// `None` for a client who never had a visit: they get no re-engagement.
    pub fn last_visit(&self) -> Option<LastVisit<'a>> {
        let visit = self
            .appointments
            .iter()
            .filter(|a| is_visit(a))
            .max_by(|a, b| (a.end, a.start, &a.id).cmp(&(b.end, b.start, &b.id)))?;
        let booked_again = self.appointments.iter().any(|a| {
            matches!(
                a.status,
                AppointmentStatus::Requested | AppointmentStatus::AwaitingPayment
            ) && a.start > visit.start
        });
        Some(LastVisit {
            visit,
            booked_again,
        })
    }

    pub fn contact(&self, recipient: &Recipient) -> Option<ContactPoint<'a>> {
        match recipient {
            Recipient::Client(id) if *id == self.client.id => {
                Some(ContactPoint::of_client(self.client, self.settings))
            }
            _ => None,
        }
    }
}
