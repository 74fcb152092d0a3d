//! From a planned message to the e-mail or SMS to send: templates (minijinja), French and
//! English defaults, dates in the recipient's language and zone, iCalendar invitations, MIME,
//! SMS segment counts and signed links.

mod calendar;
mod compose;
mod defaults;
mod links;
mod outgoing;
mod pages;
mod sms_segments;
mod template;
mod variables;
mod when;

pub use calendar::{CalendarInvite, CalendarMethod, InviteDetails, appointment_uid, invitation};
pub use compose::{
    ComposeError, Composition, Fitted, Rendering, SenderIdentity, compose, compose_fitting,
};
pub use defaults::default_template;
pub use links::{
    InvalidLinkKeys, LINK_MARGIN_AFTER_END, LinkAction, LinkError, LinkSigner, MIN_KEY_BYTES,
    UNSUBSCRIBE_LINK_LIFETIME,
};
pub use outgoing::{OutgoingEmail, OutgoingMessage, OutgoingSms};
pub use pages::{
    AppointmentSummary, LinkProblem, Page, attendance_confirm_page, attendance_confirmed_page,
    cancel_confirm_page, cancelled_page, problem_page, reschedule_contact_page,
    unsubscribe_confirm_page, unsubscribed_page,
};
pub use sms_segments::{SmsEncoding, SmsSize, sms_size};
pub use template::{
    InvalidTemplate, MAX_RENDERED_PART_BYTES, RenderedEmail, RenderedSms, TEMPLATE_FUEL,
    TemplateBody, TemplateError, TemplateFault, render_email, render_sms, validate,
};
pub use variables::{
    APPOINTMENT_VARIABLE_NAMES, AppointmentVariables, CLIENT_VARIABLE_NAMES, ClientVariables,
    DAY_VARIABLE_NAMES, DayAppointment, DayVariables, DocumentVariables, INBOUND_VARIABLE_NAMES,
    INVOICE_VARIABLE_NAMES, InboundVariables, QUOTE_VARIABLE_NAMES, SLOT_VARIABLE_NAMES,
    SlotVariables, StaffCount, TemplateVariables, variable_names,
};
pub use when::{format_date, format_day, format_time, zone_name};
