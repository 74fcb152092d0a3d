//! Every parser on the input path answers arbitrary text with a value or an error — never a
//! panic. On Lambda (`panic = "abort"`) a panic kills the function and the caller sees a 5xx or
//! a retried batch; locally it closes the connection without a response. Found the hard way: an
//! offset of `"1é"` split a string inside a UTF-8 character.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use proptest::prelude::*;
use rappel_core::message::{Channel, MessageKind, ScheduleName};
use rappel_core::model::{
    AppointmentId, AppointmentTypeId, CalendarDate, CalendarInstant, ClientId, DisplayName,
    EmailAddress, FIRST_YEAR, LAST_YEAR, Locale, ManagerId, PhoneNumber, StaffId, TenantId,
    TimeZone,
};
use rappel_core::render::{TemplateBody, validate};
use rappel_core::settings::{BookingHorizon, NotificationSettings, Offset, SettingsInput};

/// Any text, with a good share of multi-byte characters and of the characters parsers look for.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-zA-Z+@._ -]{0,40}",
        "[0-9]{0,6}[mhdé\u{1F600}\u{0301}]{0,3}",
        "\\PC{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn offsets_never_panic(raw in text()) {
        let _ = Offset::parse(&raw);
        let _ = serde_json::from_str::<NotificationSettings>(
            &serde_json::json!({"reminders": [{"offset": raw, "email": true}]}).to_string(),
        );
    }

    #[test]
    fn zones_phones_emails_locales_and_names_never_panic(raw in text()) {
        let _ = TimeZone::parse(&raw);
        let _ = PhoneNumber::parse(&raw);
        let _ = EmailAddress::parse(&raw);
        let _ = Locale::parse(&raw);
        let _ = DisplayName::parse(&raw);
    }

    #[test]
    fn dates_and_instants_never_panic_and_never_leave_their_years(raw in prop_oneof![
        text(),
        // Date-shaped: signed and long years, offsets that move an instant across a year.
        "[+-]?[0-9]{1,6}-[01][0-9]-[0-3][0-9](T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](Z|[+-][01][0-9]:[0-5][0-9]))?",
    ]) {
        if let Ok(date) = CalendarDate::parse(&raw) {
            prop_assert!((FIRST_YEAR..=LAST_YEAR).contains(&date.date().year()), "{raw}");
        }
        if let Ok(instant) = CalendarInstant::parse(&raw) {
            prop_assert!((FIRST_YEAR..=LAST_YEAR).contains(&instant.utc().year()), "{raw}");
        }
    }

    #[test]
    fn ids_kinds_channels_and_schedule_names_never_panic(raw in text()) {
        let _ = TenantId::parse(&raw);
        let _ = ClientId::parse(&raw);
        let _ = StaffId::parse(&raw);
        let _ = AppointmentId::parse(&raw);
        let _ = AppointmentTypeId::parse(&raw);
        let _ = ManagerId::parse(&raw);
        let _ = MessageKind::parse(&raw);
        let _ = Channel::parse(&raw);
        let _ = ScheduleName::parse(&raw);
        let _ = rappel_core::access::ApiKey::parse(&raw);
        let _ = rappel_core::access::ApiKey::parse(&format!("rk_{raw}"));
        let _ = rappel_core::access::IntegratorId::parse(&raw);
        let _ = rappel_core::access::ApiKeyId::parse(&raw);
    }

    #[test]
    fn dates_and_instants_never_panic(raw in text()) {
        let _ = NaiveDate::parse_from_str(&raw, "%Y-%m-%d");
        let _ = serde_json::from_value::<DateTime<FixedOffset>>(serde_json::Value::String(raw.clone()));
        let _ = serde_json::from_value::<BookingHorizon>(serde_json::json!(raw.len()));
    }

    #[test]
    fn settings_bodies_never_panic(raw in text()) {
        let body = serde_json::json!({
            "business_name": raw,
            "time_zone": raw,
            "default_locale": raw,
            "managers": [{"id": raw, "name": raw, "email": raw, "phone": raw}],
        });
        let _ = serde_json::from_value::<SettingsInput>(body);
    }

    #[test]
    fn templates_never_panic(subject in text(), body in text(), html in text()) {
        let email = TemplateBody { subject: Some(subject), text: body.clone(), html: Some(html) };
        let _ = validate(&email, MessageKind::Confirmation, Channel::Email);
        let sms = TemplateBody { subject: None, text: body, html: None };
        let _ = validate(&sms, MessageKind::Reengagement, Channel::Sms);
    }
}

#[test]
fn the_offset_that_crashed_the_settings_route_is_an_error() {
    assert!(Offset::parse("1é").is_err());
    assert!(Offset::parse("é").is_err());
}
