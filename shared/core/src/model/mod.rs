//! The business records Rappel plans for, built only from parsed values.

mod appointment;
mod appointment_type;
mod client;
mod email;
mod ids;
mod locale;
mod person_name;
mod phone;
mod staff;
pub(crate) mod time_zone;

pub use appointment::{
    Actor, Appointment, AppointmentError, AppointmentStatus, ChangeAction, LastChange,
    MAX_DURATION_HOURS, Modification, NewBooking, Origin,
};
pub use appointment_type::AppointmentType;
pub use client::{Client, ContactPreferences};
pub use email::{EmailAddress, InvalidEmail};
pub use ids::{
    AppointmentId, AppointmentTypeId, ClientId, InvalidId, ManagerId, StaffId, TenantId,
};
pub use locale::{Locale, UnsupportedLocale};
pub use person_name::{DisplayName, InvalidName};
pub use phone::{InvalidPhone, PhoneNumber};
pub use staff::StaffMember;
pub use time_zone::{TimeZone, UnknownTimeZone};
