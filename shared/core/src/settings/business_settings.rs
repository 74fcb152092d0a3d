//! Everything a business configures once: identity, sender, managers, and the notification
//! matrix.

use super::{
    BookingHorizon, LinkDomains, NotificationSettings, RescheduleUrl, RetentionSettings,
    SendingIdentity, SmsCountries,
};
use crate::budget::{SendCap, SmsBudget};
use crate::model::{DisplayName, EmailAddress, Locale, ManagerId, PhoneNumber, TenantId, TimeZone};
use serde::{Deserialize, Serialize};

/// Whose address a client's answer to an e-mail goes to (the From is always the platform's
/// verified identity, with the business's name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SenderMode {
    /// No Reply-To, unless the business gave a `reply_address`: then every e-mail has it.
    #[default]
    NoReply,
    /// Messages about an appointment or a freed slot: Reply-To the staff member's address.
    /// Every other message (invoices, quotes, automatic replies, re-engagement, digests):
    /// the business's `reply_address`, else its first manager's address.
    StaffReplyTo,
}

/// An owner or manager who receives business alerts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Manager {
    pub id: ManagerId,
    pub name: DisplayName,
    #[serde(default)]
    pub email: Option<EmailAddress>,
    #[serde(default)]
    pub phone: Option<PhoneNumber>,
    #[serde(default = "default_locale")]
    pub locale: Locale,
    #[serde(default = "default_time_zone")]
    pub time_zone: TimeZone,
}

fn default_locale() -> Locale {
    Locale::FR
}

fn supported_locale<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Locale, D::Error> {
    let raw = String::deserialize(d)?;
    Locale::parse_supported(&raw).map_err(serde::de::Error::custom)
}

fn default_time_zone() -> TimeZone {
    TimeZone::EUROPE_PARIS
}

fn default_true() -> bool {
    true
}

/// The body of `PUT /v1/settings`, also the stored record (with tenant and version added).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    pub business_name: DisplayName,
    #[serde(default = "default_time_zone")]
    pub time_zone: TimeZone,
    /// The locale of the business's messages to anyone whose own language Rappel has no
    /// templates in: it must be one Rappel writes (French or English, any region).
    #[serde(default = "default_locale", deserialize_with = "supported_locale")]
    pub default_locale: Locale,
    #[serde(default)]
    pub sender_mode: SenderMode,
    /// The business's own address for answers (the Reply-To of messages no staff member
    /// answers; see `sender_mode`).
    #[serde(default)]
    pub reply_address: Option<EmailAddress>,
    /// Business default for "send initial notification" on bookings made by staff.
    #[serde(default = "default_true")]
    pub notify_on_staff_booking: bool,
    #[serde(default)]
    pub managers: Vec<Manager>,
    /// How many days ahead an appointment may start (default 730, at most 3650).
    #[serde(default)]
    pub booking_horizon_days: BookingHorizon,
    /// Where a client's reschedule link leads (the business's booking page, with `{token}`);
    /// without it, the link shows a page asking the client to contact the business.
    #[serde(default)]
    pub reschedule_url: Option<RescheduleUrl>,
    #[serde(default)]
    pub notifications: NotificationSettings,
    /// The month's SMS spending limit (none by default). From 80 % on, `GET /v1/usage` says
    /// `warning`; an SMS that would pass it is not sent — recorded `suppressed: sms_budget` —
    /// and its e-mail goes out instead when the recipient has an address.
    #[serde(default)]
    pub sms_budget: Option<SmsBudget>,
    /// At most so many messages an hour, every channel together (none by default). A message
    /// over the cap is not lost: it is held for a slot in a later hour, spread so that no hour
    /// takes more than the cap (a reminder held past its kind's lateness is then `stale:
    /// too_late`, so set the cap above the business's busiest hour).
    #[serde(default)]
    pub send_cap: Option<SendCap>,
    /// The countries (ISO 3166 alpha-2) whose numbers may receive the business's SMS; by
    /// default its own — its time zone's country (`Europe/Paris`: `FR`). An SMS to any other
    /// number is not sent (`suppressed: sms_country_not_allowed`).
    #[serde(default)]
    pub sms_countries: Option<SmsCountries>,
    /// The domains the business's own templates may link to (each with its subdomains); a
    /// template writing a link elsewhere is refused (`link_domain_not_allowed`). Rappel's
    /// links and the URLs of these settings come from template variables.
    #[serde(default)]
    pub link_domains: LinkDomains,
    /// How long ended appointments, inbound messages, the history and closed documents are
    /// kept (3 years, a year, 2 years, a year unless said otherwise; see docs/PRIVACY.md).
    #[serde(default)]
    pub retention: RetentionSettings,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BusinessSettings {
    pub tenant: TenantId,
    #[serde(flatten)]
    pub input: SettingsInput,
    pub version: u64,
    /// Set by an operator (never through the API): while it is, nothing of the business is
    /// sent — every message is recorded `suppressed: business_suspended`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended: Option<Suspension>,
    /// The business's own sending domain, set through `/v1/sending-identity` (never through
    /// `PUT /v1/settings`, which keeps it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sending_identity: Option<SendingIdentity>,
}

/// An operator's kill switch on a business (abuse, an unpaid account, a compromised key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Suspension {
    /// The operator's note (never shown to clients).
    pub reason: String,
    pub since: chrono::DateTime<chrono::Utc>,
}

impl SettingsInput {
    /// The Reply-To of an e-mail: `staff` is the staff member whose appointment it is about
    /// (none for invoices, quotes, automatic replies, re-engagement, digests).
    pub fn reply_to(&self, staff: Option<&EmailAddress>) -> Option<EmailAddress> {
        let business = || {
            self.reply_address
                .clone()
                .or_else(|| self.managers.iter().find_map(|m| m.email.clone()))
        };
        match self.sender_mode {
            SenderMode::NoReply => self.reply_address.clone(),
            SenderMode::StaffReplyTo => staff.cloned().or_else(business),
        }
    }
}

impl BusinessSettings {
    /// The settings of a business that has not configured anything yet (version 0).
    pub fn defaults_for(tenant: &TenantId) -> Self {
        let business_name = DisplayName::parse(tenant.as_str()).unwrap_or_else(|_| fallback_name());
        Self {
            tenant: tenant.clone(),
            input: SettingsInput {
                business_name,
                time_zone: default_time_zone(),
                default_locale: default_locale(),
                sender_mode: SenderMode::default(),
                reply_address: None,
                notify_on_staff_booking: true,
                managers: Vec::new(),
                booking_horizon_days: BookingHorizon::default(),
                reschedule_url: None,
                notifications: NotificationSettings::default(),
                sms_budget: None,
                send_cap: None,
                sms_countries: None,
                link_domains: LinkDomains::default(),
                retention: RetentionSettings::default(),
            },
            version: 0,
            suspended: None,
            sending_identity: None,
        }
    }

    pub fn manager(&self, id: &ManagerId) -> Option<&Manager> {
        self.input.managers.iter().find(|m| &m.id == id)
    }
}

fn fallback_name() -> DisplayName {
    // A tenant id is never empty, so this is only reached if parsing rules diverge.
    DisplayName::try_from("Rappel".to_owned())
        .unwrap_or_else(|_| unreachable!("constant name is valid"))
}
