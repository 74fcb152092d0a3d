//! Per-business notification settings, per-type overrides and the offsets they use.

mod auto_replies;
mod billing;
mod business_settings;
mod digest;
mod horizon;
mod link_domains;
mod notification_settings;
mod offers;
mod offset;
mod quiet_hours;
mod reengagement;
mod reschedule_url;
mod retention;
mod rules;
mod sending_identity;
mod sms_countries;

pub use auto_replies::{
    AutoReply, AutoReplySettings, DEFAULT_REPLY_WINDOW_HOURS, InvalidAutoReplies, ReplyText,
    ReplyWindow,
};
pub use billing::{
    BillingReminders, BillingSettings, BillingStep, BillingSteps, InvalidBillingSteps,
    MAX_BILLING_DAYS, MAX_BILLING_STEPS, ReminderMode,
};
pub use business_settings::{BusinessSettings, Manager, SenderMode, SettingsInput, Suspension};
pub use digest::{
    AgendaUrl, DigestDay, DigestSettings, InvalidAgendaUrl, InvalidLocalTime, LocalTime,
};
pub use horizon::{BookingHorizon, DEFAULT_HORIZON_DAYS, InvalidHorizon, MAX_HORIZON_DAYS};
pub use link_domains::{InvalidLinkDomains, LinkDomains, MAX_LINK_DOMAINS};
pub use notification_settings::{
    ClientMessages, ManagerAlerts, NotificationOverride, NotificationSettings, StaffAlerts,
};
pub use offers::{
    DEFAULT_OFFERS_PER_SLOT, InvalidOffers, MAX_OFFERS_PER_SLOT, OfferSettings, OfferUrl,
};
pub use offset::{InvalidOffset, Offset};
pub use quiet_hours::{DEFAULT_URGENT_WITHIN_HOURS, InvalidQuietHours, QuietHours};
pub(crate) use reengagement::is_http_url;
pub use reengagement::{
    BookingUrl, InvalidReengagement, MAX_REENGAGEMENT_DAYS, MAX_REENGAGEMENT_STEPS,
    ReengagementSettings, ReengagementStep, ReengagementSteps,
};
pub use reschedule_url::{InvalidRescheduleUrl, RescheduleUrl};
pub use retention::{
    InvalidRetentionDays, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, RetentionDays, RetentionSettings,
    RetentionTooShort,
};
pub use rules::{
    AlertChoice, ChannelChoice, FollowUpMode, FollowUpRule, FollowUps, InvalidRules, LatePolicy,
    MAX_FOLLOW_UPS, MAX_REMINDERS, ManualFollowUpTo, ReminderRule, Reminders, ReviewRequestRule,
};
pub use sending_identity::{
    DEFAULT_MAILBOX, DnsRecord, IdentityStatus, InvalidMailbox, Mailbox, SendingIdentity,
    business_sender,
};
pub use sms_countries::{InvalidSmsCountries, SmsCountries, home_country, sms_country_allowed};
