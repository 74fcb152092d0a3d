//! The variables a template can use, per subject. Dates and times are written in the
//! recipient's language and time zone (a client in New York booking a Paris appointment reads
//! New York time).

use super::when::{format_date, format_time};
use crate::message::SubjectKind;
use crate::model::{Appointment, Language, Locale, TimeZone};
use serde::Serialize;

/// What a template renders from: the variables of its kind's subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum TemplateVariables {
    Appointment(AppointmentVariables),
    Client(ClientVariables),
    Day(DayVariables),
    /// An invoice or a quote.
    Document(DocumentVariables),
    Inbound(InboundVariables),
    /// A freed slot offered to a client.
    Slot(SlotVariables),
}

impl TemplateVariables {
    /// Plausible values used to check a template when it is saved.
    pub fn sample(subject: SubjectKind, locale: Language) -> Self {
        match subject {
            SubjectKind::Appointment => Self::Appointment(AppointmentVariables::sample(locale)),
            SubjectKind::Client => Self::Client(ClientVariables::sample(locale)),
            SubjectKind::StaffDay | SubjectKind::ManagerDay => {
                Self::Day(DayVariables::sample(locale))
            }
            SubjectKind::Invoice => Self::Document(DocumentVariables::sample_invoice(locale)),
            SubjectKind::Quote => Self::Document(DocumentVariables::sample_quote(locale)),
            SubjectKind::Inbound => Self::Inbound(InboundVariables::sample(locale)),
            SubjectKind::Slot => Self::Slot(SlotVariables::sample(locale)),
        }
    }

    /// The same sample with every optional link absent (a template must render without them).
    pub fn without_links(self) -> Self {
        match self {
            Self::Appointment(v) => Self::Appointment(AppointmentVariables {
                cancel_url: None,
                confirm_url: None,
                reschedule_url: None,
                ..v
            }),
            Self::Client(v) => Self::Client(ClientVariables {
                booking_url: None,
                unsubscribe_url: None,
                ..v
            }),
            // A day's sample keeps its list: an empty day is never rendered.
            Self::Day(v) => Self::Day(v),
            Self::Document(v) => Self::Document(DocumentVariables { url: None, ..v }),
            Self::Inbound(v) => Self::Inbound(InboundVariables {
                reply_text: None,
                ..v
            }),
            Self::Slot(v) => Self::Slot(SlotVariables {
                booking_url: None,
                current_date: None,
                current_time: None,
                ..v
            }),
        }
    }
}

/// The names a template of a subject may refer to (checked when a template is saved).
pub fn variable_names(subject: SubjectKind) -> &'static [&'static str] {
    match subject {
        SubjectKind::Appointment => &APPOINTMENT_VARIABLE_NAMES,
        SubjectKind::Client => &CLIENT_VARIABLE_NAMES,
        SubjectKind::StaffDay | SubjectKind::ManagerDay => &DAY_VARIABLE_NAMES,
        SubjectKind::Invoice => &INVOICE_VARIABLE_NAMES,
        SubjectKind::Quote => &QUOTE_VARIABLE_NAMES,
        SubjectKind::Inbound => &INBOUND_VARIABLE_NAMES,
        SubjectKind::Slot => &SLOT_VARIABLE_NAMES,
    }
}

/// A freed slot, in the client's language and zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotVariables {
    pub locale: String,
    pub recipient_name: String,
    pub client_name: String,
    pub business_name: String,
    pub type_name: String,
    pub staff_name: String,
    /// The slot's date, long form.
    pub date: String,
    pub time: String,
    pub end_time: String,
    pub time_zone: String,
    /// Where to book it: the business's booking page with a signed token (slot + client).
    pub booking_url: Option<String>,
    /// An earlier-slot offer: the date and time of the booking it would replace.
    pub current_date: Option<String>,
    pub current_time: Option<String>,
}

pub const SLOT_VARIABLE_NAMES: [&str; 13] = [
    "locale",
    "recipient_name",
    "client_name",
    "business_name",
    "type_name",
    "staff_name",
    "date",
    "time",
    "end_time",
    "time_zone",
    "booking_url",
    "current_date",
    "current_time",
];

impl SlotVariables {
    pub fn sample(locale: Language) -> Self {
        Self {
            locale: locale.code().to_owned(),
            recipient_name: "Léa Martin".into(),
            client_name: "Léa Martin".into(),
            business_name: "Salon Exemple".into(),
            type_name: "Coupe".into(),
            staff_name: "Sam".into(),
            date: "lundi 30 mars 2026".into(),
            time: "10:00".into(),
            end_time: "10:45".into(),
            time_zone: "heure de Paris".into(),
            booking_url: Some("https://example.com/book?token=t".into()),
            current_date: Some("vendredi 3 avril 2026".into()),
            current_time: Some("14:00".into()),
        }
    }
}

/// An invoice or a quote, in the recipient's language (the amount written their way; the
/// dates are calendar days of the business).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentVariables {
    pub locale: String,
    pub recipient_name: String,
    pub client_name: String,
    pub business_name: String,
    pub number: String,
    /// Formatted for the reader: `1 234,56 €`, `€1,234.56`.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
    /// An invoice's due date, long form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    /// Calendar days since the due date (0 before it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_overdue: Option<i64>,
    /// A quote's last day of validity, long form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<String>,
    /// Calendar days left until it expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// Where the client views or pays it.
    pub url: Option<String>,
    /// Reminder step (1-based), else the document's version.
    pub ordinal: u64,
}

pub const INVOICE_VARIABLE_NAMES: [&str; 11] = [
    "locale",
    "recipient_name",
    "client_name",
    "business_name",
    "number",
    "amount",
    "currency",
    "due_date",
    "days_overdue",
    "url",
    "ordinal",
];

pub const QUOTE_VARIABLE_NAMES: [&str; 11] = [
    "locale",
    "recipient_name",
    "client_name",
    "business_name",
    "number",
    "amount",
    "currency",
    "expires_on",
    "days_left",
    "url",
    "ordinal",
];

impl DocumentVariables {
    fn sample(locale: Language) -> Self {
        Self {
            locale: locale.code().to_owned(),
            recipient_name: "Léa Martin".into(),
            client_name: "Léa Martin".into(),
            business_name: "Salon Exemple".into(),
            number: "F-2026-0042".into(),
            // As `Money::format` writes it for French: narrow and plain no-break spaces.
            amount: "1\u{202f}234,56\u{a0}€".into(),
            currency: "EUR".into(),
            due_date: None,
            days_overdue: None,
            expires_on: None,
            days_left: None,
            url: Some("https://example.com/invoice".into()),
            ordinal: 1,
        }
    }

    pub fn sample_invoice(locale: Language) -> Self {
        Self {
            due_date: Some("lundi 30 mars 2026".into()),
            days_overdue: Some(3),
            ..Self::sample(locale)
        }
    }

    pub fn sample_quote(locale: Language) -> Self {
        Self {
            expires_on: Some("lundi 30 mars 2026".into()),
            days_left: Some(2),
            ..Self::sample(locale)
        }
    }
}

/// An automatic reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboundVariables {
    pub locale: String,
    pub recipient_name: String,
    pub business_name: String,
    /// `message`, `document` or `contact_form`.
    pub inbound_kind: String,
    /// The business's own text for this kind, if it wrote one.
    pub reply_text: Option<String>,
}

pub const INBOUND_VARIABLE_NAMES: [&str; 5] = [
    "locale",
    "recipient_name",
    "business_name",
    "inbound_kind",
    "reply_text",
];

impl InboundVariables {
    pub fn sample(locale: Language) -> Self {
        Self {
            locale: locale.code().to_owned(),
            recipient_name: "Léa Martin".into(),
            business_name: "Salon Exemple".into(),
            inbound_kind: "message".into(),
            reply_text: Some("Nous vous répondons sous 48 heures.".into()),
        }
    }
}

/// A day's digest: the appointments listed, in the recipient's zone and language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayVariables {
    pub locale: String,
    pub recipient_name: String,
    pub business_name: String,
    /// The day covered, long form.
    pub date: String,
    pub time_zone: String,
    /// Appointments of the day, all of them.
    pub count: usize,
    /// Start of the first appointment (for the short SMS form).
    pub first_time: Option<String>,
    /// The first appointments of the day, earliest first (at most 50).
    pub appointments: Vec<DayAppointment>,
    /// Appointments of the day not in `appointments` (`count` minus the rows listed).
    pub more: usize,
    /// A manager's digest: the day's appointments per staff member, the busiest first (at
    /// most 30); empty for a staff member's.
    pub staff_counts: Vec<StaffCount>,
    /// Staff members not in `staff_counts`.
    pub more_staff: usize,
    /// The business's agenda page for the day, when its settings give one.
    pub agenda_url: Option<String>,
}

/// One staff member's share of a manager's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffCount {
    pub staff_name: String,
    pub count: usize,
}

/// One line of a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayAppointment {
    pub time: String,
    pub end_time: String,
    pub client_name: String,
    pub type_name: String,
    pub staff_name: String,
    pub status: String,
    /// What the client answered a confirmation request ("confirmé", "sans réponse"), if a
    /// reminder asked.
    pub confirmation: Option<String>,
}

/// Names of a digest's variables; each of `appointments` has `time`, `end_time`,
/// `client_name`, `type_name`, `staff_name`, `status`, `confirmation`; each of `staff_counts` has
/// `staff_name` and `count`.
pub const DAY_VARIABLE_NAMES: [&str; 12] = [
    "locale",
    "recipient_name",
    "business_name",
    "date",
    "time_zone",
    "count",
    "first_time",
    "appointments",
    "more",
    "staff_counts",
    "more_staff",
    "agenda_url",
];

impl DayVariables {
    /// Lists half as many rows and staff counts (the rest move to `more` and `more_staff`):
    /// how a day whose names are long still fits the size limit. `false` when nothing is left
    /// to cut.
    pub fn shorten(&mut self) -> bool {
        if self.appointments.is_empty() && self.staff_counts.is_empty() {
            return false;
        }
        let rows = self.appointments.len() / 2;
        self.more += self.appointments.len() - rows;
        self.appointments.truncate(rows);
        let counts = self.staff_counts.len() / 2;
        self.more_staff += self.staff_counts.len() - counts;
        self.staff_counts.truncate(counts);
        true
    }

    pub fn sample(locale: Language) -> Self {
        let line = |time: &str, end: &str, client: &str| DayAppointment {
            time: time.into(),
            end_time: end.into(),
            client_name: client.into(),
            type_name: "Coupe".into(),
            staff_name: "Sam".into(),
            status: "confirmed".into(),
            confirmation: None,
        };
        Self {
            locale: locale.code().to_owned(),
            recipient_name: "Sam".into(),
            business_name: "Salon Exemple".into(),
            date: "lundi 30 mars 2026".into(),
            time_zone: "heure de Paris".into(),
            count: 2,
            first_time: Some("09:00".into()),
            appointments: vec![
                line("09:00", "09:45", "Léa Martin"),
                line("11:00", "11:30", "Noé Petit"),
            ],
            more: 0,
            staff_counts: vec![StaffCount {
                staff_name: "Sam".into(),
                count: 2,
            }],
            more_staff: 0,
            agenda_url: Some("https://app.example.com/agenda?day=2026-03-30".into()),
        }
    }
}

/// About a client as a whole (re-engagement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientVariables {
    pub locale: String,
    pub recipient_name: String,
    pub client_name: String,
    pub business_name: String,
    /// Calendar days, in the client's zone, from the last visit to the sending.
    pub days_since_visit: i64,
    /// The last visit's date, long form, in the client's language and zone.
    pub last_visit_date: String,
    /// Step number (1-based).
    pub ordinal: u64,
    /// The business's booking page, from the settings.
    pub booking_url: Option<String>,
    pub unsubscribe_url: Option<String>,
}

pub const CLIENT_VARIABLE_NAMES: [&str; 9] = [
    "locale",
    "recipient_name",
    "client_name",
    "business_name",
    "days_since_visit",
    "last_visit_date",
    "ordinal",
    "booking_url",
    "unsubscribe_url",
];

impl ClientVariables {
    pub fn sample(locale: Language) -> Self {
        Self {
            locale: locale.code().to_owned(),
            recipient_name: "Léa Martin".into(),
            client_name: "Léa Martin".into(),
            business_name: "Salon Exemple".into(),
            days_since_visit: 60,
            last_visit_date: "lundi 30 mars 2026".into(),
            ordinal: 1,
            booking_url: Some("https://example.com/book".into()),
            unsubscribe_url: Some("https://example.com/unsubscribe".into()),
        }
    }
}

/// About one appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppointmentVariables {
    pub locale: String,
    pub recipient_name: String,
    pub client_name: String,
    pub business_name: String,
    pub type_name: String,
    pub staff_name: String,
    /// Long date, e.g. "lundi 30 mars 2026" / "Monday 30 March 2026".
    pub date: String,
    /// Start time, 24-hour clock.
    pub time: String,
    pub end_time: String,
    /// The recipient's time zone as people name it, e.g. "heure de Paris", "New York time".
    pub time_zone: String,
    pub status: String,
    /// Rule number for reminders and follow-ups (1-based), else the appointment version.
    pub ordinal: u64,
    pub cancel_url: Option<String>,
    pub reschedule_url: Option<String>,
    /// A reminder that asks for a confirmation: the signed link that confirms.
    pub confirm_url: Option<String>,
}

pub const APPOINTMENT_VARIABLE_NAMES: [&str; 15] = [
    "locale",
    "recipient_name",
    "client_name",
    "business_name",
    "type_name",
    "staff_name",
    "date",
    "time",
    "end_time",
    "time_zone",
    "status",
    "ordinal",
    "cancel_url",
    "reschedule_url",
    "confirm_url",
];

impl AppointmentVariables {
    pub fn date_fields(
        appointment: &Appointment,
        zone: TimeZone,
        locale: Locale,
    ) -> (String, String, String) {
        (
            format_date(appointment.start, zone, locale),
            format_time(appointment.start, zone, locale),
            format_time(appointment.end, zone, locale),
        )
    }

    /// Plausible values used to check a template when it is saved.
    pub fn sample(locale: Language) -> Self {
        Self {
            locale: locale.code().to_owned(),
            recipient_name: "Léa Martin".into(),
            client_name: "Léa Martin".into(),
            business_name: "Salon Exemple".into(),
            type_name: "Coupe".into(),
            staff_name: "Sam".into(),
            date: "lundi 30 mars 2026".into(),
            time: "10:00".into(),
            end_time: "10:45".into(),
            time_zone: "heure de Paris".into(),
            status: "confirmed".into(),
            ordinal: 1,
            cancel_url: Some("https://example.com/cancel".into()),
            confirm_url: Some("https://example.com/confirm".into()),
            reschedule_url: Some("https://example.com/reschedule".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The names a template is checked against are exactly the fields it renders from: a
    /// field added to a struct without its name (or a name without its field) fails here.
    #[test]
    fn each_subjects_variable_names_are_the_fields_of_its_variables() {
        let subjects = [
            SubjectKind::Appointment,
            SubjectKind::Client,
            SubjectKind::StaffDay,
            SubjectKind::ManagerDay,
            SubjectKind::Invoice,
            SubjectKind::Quote,
            SubjectKind::Inbound,
            SubjectKind::Slot,
        ];
        for subject in subjects {
            // A new subject is a compile error here until it is listed above.
            match subject {
                SubjectKind::Appointment
                | SubjectKind::Client
                | SubjectKind::StaffDay
                | SubjectKind::ManagerDay
                | SubjectKind::Invoice
                | SubjectKind::Quote
                | SubjectKind::Inbound
                | SubjectKind::Slot => {}
            }
            let sample = serde_json::to_value(TemplateVariables::sample(subject, Language::Fr))
                .expect("variables serialize");
            let fields: BTreeSet<&str> = sample
                .as_object()
                .expect("variables are an object")
                .keys()
                .map(String::as_str)
                .collect();
            let names: BTreeSet<&str> = variable_names(subject).iter().copied().collect();
            assert!(!names.is_empty());
            assert_eq!(fields, names, "{subject:?}");
        }
    }
}
