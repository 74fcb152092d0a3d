//! The business records Rappel plans for, built only from parsed values.

mod appointment;
mod appointment_type;
mod billing;
mod calendar;
mod client;
mod client_confirmation;
mod domain_name;
mod email;
mod erasure;
mod ids;
mod inbound;
mod language;
mod locale;
mod money;
mod person_name;
mod phone;
mod staff;
pub(crate) mod time_zone;
mod waitlist;
pub(crate) mod zone;

pub use appointment::{
    Actor, Appointment, AppointmentError, AppointmentStatus, ChangeAction, LastChange,
    MAX_DURATION_HOURS, Modification, NewBooking, Origin,
};
pub use appointment_type::AppointmentType;
pub use billing::{
    DocumentNumber, DocumentUrl, InvalidDocumentNumber, InvalidDocumentUrl, Invoice, InvoiceId,
    InvoiceStatus, Quote, QuoteId, QuoteStatus,
};
pub use calendar::{CalendarDate, CalendarInstant, FIRST_YEAR, InvalidCalendarValue, LAST_YEAR};
pub use client::{Client, ContactPreferences};
pub use client_confirmation::{ClientConfirmation, ConfirmationChannel, ConfirmationState};
pub use domain_name::{DomainName, InvalidDomainName};
pub use email::{EmailAddress, InvalidEmail};
pub use erasure::{ClientErasure, ErasedCounts, ErasureKeys, ErasureStep};
pub use ids::{
    AppointmentId, AppointmentTypeId, ClientId, InvalidId, ManagerId, StaffId, TenantId,
};
pub use inbound::{Inbound, InboundId, InboundKind, InboundSender, looks_automated};
pub use language::{Language, UnsupportedLanguage};
pub use locale::{DateOrder, HourCycle, InvalidLocale, Locale, UnsupportedLocale};
pub use money::{Currency, InvalidCurrency, Money};
pub use person_name::{DisplayName, InvalidName};
pub use phone::{InvalidPhone, PhoneNumber};
pub use staff::StaffMember;
pub use time_zone::{TimeZone, UnknownTimeZone};
pub use waitlist::{
    FreedSlot, InvalidWaitlistEntry, TimeRange, WaitlistEntry, WaitlistId, WaitlistStatus,
};
pub use zone::{Zone, ZoneOffset};
