//! A day's appointments read a page at a time: a manager's digest of a 2,000-appointment day
//! counts the whole day but never holds it whole.

use chrono::{DateTime, Utc};
use rappel_core::model::{Appointment, ClientId, StaffId};

/// The appointments starting in `[from, until)` — one client's (`by_client`; of one staff
/// member too if both are given), one staff member's (`by_staff`) or the whole business's
/// (`by_start`) — earliest first, ties by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartingBetween {
    pub staff: Option<StaffId>,
    pub client: Option<ClientId>,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// One page of them, and where the next page starts (`None`: this was the last).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppointmentPage {
    pub appointments: Vec<Appointment>,
    pub next: Option<String>,
}
