//! The calendar invitation attached to confirmations, reminders and reschedule notices, and its
//! cancellation. One stable UID per appointment and SEQUENCE = appointment version, so calendar
//! apps update the same event instead of adding a new one.

use crate::model::{Appointment, EmailAddress};
use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CalendarMethod {
    Request,
    Cancel,
}

impl CalendarMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            CalendarMethod::Request => "REQUEST",
            CalendarMethod::Cancel => "CANCEL",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarInvite {
    pub method: CalendarMethod,
    pub ics: String,
}

pub struct InviteDetails<'a> {
    pub summary: &'a str,
    pub description: &'a str,
    pub organizer_name: &'a str,
    pub organizer: &'a EmailAddress,
    pub attendee_name: &'a str,
    pub attendee: &'a EmailAddress,
}

pub fn appointment_uid(appointment: &Appointment) -> String {
    format!("{}.{}@rappel", appointment.id, appointment.tenant)
}

/// Parameter values are quoted; quotes and control characters in names are dropped.
fn param(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    format!("\"{clean}\"")
}

pub fn invitation(
    appointment: &Appointment,
    details: &InviteDetails<'_>,
    method: CalendarMethod,
    now: DateTime<Utc>,
) -> CalendarInvite {
    let mut event = icalendar::Event::new();
    event
        .uid(&appointment_uid(appointment))
        .summary(details.summary)
        .description(details.description)
        .starts(appointment.start)
        .ends(appointment.end)
        .timestamp(now)
        .sequence(u32::try_from(appointment.version).unwrap_or(u32::MAX))
        .status(match method {
            CalendarMethod::Request => EventStatus::Confirmed,
            CalendarMethod::Cancel => EventStatus::Cancelled,
        })
        .append_property(
            Property::new("ORGANIZER", format!("mailto:{}", details.organizer))
                .add_parameter("CN", &param(details.organizer_name))
                .done(),
        )
        .append_property(
            Property::new("ATTENDEE", format!("mailto:{}", details.attendee))
                .add_parameter("CN", &param(details.attendee_name))
                .add_parameter("ROLE", "REQ-PARTICIPANT")
                .add_parameter("RSVP", "FALSE")
                .done(),
        );
    let mut calendar = Calendar::new();
    calendar.append_property(Property::new("METHOD", method.as_str()).done());
    calendar.push(event.done());
    CalendarInvite {
        method,
        ics: calendar.done().to_string(),
    }
}
