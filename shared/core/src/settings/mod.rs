//! Per-business notification settings, per-type overrides and the offsets they use.

mod business_settings;
mod digest;
mod horizon;
mod notification_settings;
mod offset;
mod reengagement;
mod reschedule_url;
mod rules;

pub use business_settings::{BusinessSettings, Manager, SenderMode, SettingsInput};
pub use digest::{DigestDay, DigestSettings, InvalidLocalTime, LocalTime};
pub use horizon::{BookingHorizon, DEFAULT_HORIZON_DAYS, InvalidHorizon, MAX_HORIZON_DAYS};
pub use notification_settings::{
    ClientMessages, ManagerAlerts, NotificationOverride, NotificationSettings, StaffAlerts,
};
pub use offset::{InvalidOffset, Offset};
pub use reengagement::{
    BookingUrl, InvalidReengagement, MAX_REENGAGEMENT_DAYS, MAX_REENGAGEMENT_STEPS,
    ReengagementSettings, ReengagementStep, ReengagementSteps,
};
pub use reschedule_url::{InvalidRescheduleUrl, RescheduleUrl};
pub use rules::{
    AlertChoice, ChannelChoice, FollowUpMode, FollowUpRule, FollowUps, InvalidRules, LatePolicy,
    MAX_FOLLOW_UPS, MAX_REMINDERS, ManualFollowUpTo, ReminderRule, Reminders, ReviewRequestRule,
};
