//! The notification matrix of one business: every row on/off per channel, with per-type
//! overrides of the timed rules. Omitted fields take the defaults below, which follow the
//! common practice of the tools we studied.

use super::{
    AlertChoice, AutoReplySettings, BillingSettings, ChannelChoice, DigestSettings, FollowUps,
    LatePolicy, OfferSettings, Offset, QuietHours, ReengagementSettings, ReminderRule, Reminders,
    ReviewRequestRule,
};
use serde::{Deserialize, Serialize};

/// Messages to the client, triggered by a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ClientMessages {
    pub confirmation: ChannelChoice,
    pub request_received: ChannelChoice,
    pub request_accepted: ChannelChoice,
    pub request_refused: ChannelChoice,
    pub awaiting_payment: ChannelChoice,
    pub rescheduled: ChannelChoice,
    pub cancelled: ChannelChoice,
    pub completed: ChannelChoice,
    pub no_show: ChannelChoice,
}

impl Default for ClientMessages {
    fn default() -> Self {
        Self {
            confirmation: ChannelChoice::BOTH,
            request_received: ChannelChoice::EMAIL,
            request_accepted: ChannelChoice::BOTH,
            request_refused: ChannelChoice::EMAIL,
            awaiting_payment: ChannelChoice::EMAIL,
            rescheduled: ChannelChoice::BOTH,
            cancelled: ChannelChoice::BOTH,
            completed: ChannelChoice::OFF,
            no_show: ChannelChoice::OFF,
        }
    }
}

/// Alerts to the staff member who performs the appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StaffAlerts {
    pub new_booking: AlertChoice,
    pub request: ChannelChoice,
    pub modified: AlertChoice,
    pub cancelled: AlertChoice,
}

impl Default for StaffAlerts {
    fn default() -> Self {
        let client_made_email = AlertChoice {
            client_made: ChannelChoice::EMAIL,
            console_made: ChannelChoice::OFF,
        };
        Self {
            new_booking: client_made_email,
            request: ChannelChoice::EMAIL,
            modified: client_made_email,
            cancelled: client_made_email,
        }
    }
}

/// Alerts to the business's owners and managers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ManagerAlerts {
    pub new_booking: AlertChoice,
    pub request: ChannelChoice,
    pub modified: AlertChoice,
    pub cancelled: AlertChoice,
    pub refused: ChannelChoice,
}

impl Default for ManagerAlerts {
    fn default() -> Self {
        let client_made_email = AlertChoice {
            client_made: ChannelChoice::EMAIL,
            console_made: ChannelChoice::OFF,
        };
        Self {
            new_booking: client_made_email,
            request: ChannelChoice::EMAIL,
            modified: AlertChoice::default(),
            cancelled: client_made_email,
            refused: ChannelChoice::EMAIL,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationSettings {
    pub client: ClientMessages,
    pub staff_alerts: StaffAlerts,
    pub manager_alerts: ManagerAlerts,
    pub reminders: Reminders,
    pub follow_ups: FollowUps,
    pub review_request: Option<ReviewRequestRule>,
    /// Re-engagement of clients who have not booked again (off by default).
    pub reengagement: ReengagementSettings,
    /// The daily digest to staff and managers (off by default).
    pub digest: DigestSettings,
    /// Invoices and quotes: notices and reminders.
    pub billing: BillingSettings,
    /// Automatic replies to what clients send (off by default).
    pub auto_replies: AutoReplySettings,
    /// A local-time window in which covered messages are held back (none by default).
    pub quiet_hours: Option<QuietHours>,
    /// Offers of freed slots to waiting clients.
    pub offers: OfferSettings,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        let reminders = vec![
            ReminderRule {
                offset: Offset::Hours(24),
                email: true,
                sms: true,
                late_policy: LatePolicy::Skip,
                copy_to_staff: false,
                ask_confirmation: false,
                only_if_unanswered: false,
            },
            ReminderRule {
                offset: Offset::Hours(2),
                email: false,
                sms: true,
                late_policy: LatePolicy::Skip,
                copy_to_staff: false,
                ask_confirmation: false,
                only_if_unanswered: false,
            },
        ];
        Self {
            client: ClientMessages::default(),
            staff_alerts: StaffAlerts::default(),
            manager_alerts: ManagerAlerts::default(),
            reminders: Reminders::new(reminders).unwrap_or_default(),
            follow_ups: FollowUps::default(),
            review_request: None,
            reengagement: ReengagementSettings::default(),
            digest: DigestSettings::default(),
            billing: BillingSettings::default(),
            auto_replies: AutoReplySettings::default(),
            quiet_hours: None,
            offers: OfferSettings::default(),
        }
    }
}

/// What an appointment type may change in the business's timed rules. An absent field keeps
/// the business's value; `review_request: null` is "keep", `{"enabled": false}`-style removal is
/// expressed by an empty override rule list or by `disable_review_request`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationOverride {
    pub reminders: Option<Reminders>,
    pub follow_ups: Option<FollowUps>,
    pub review_request: Option<ReviewRequestRule>,
    pub disable_review_request: bool,
}

impl NotificationSettings {
    /// The settings that apply to one appointment type.
    pub fn with_override(&self, over: &NotificationOverride) -> NotificationSettings {
        let mut effective = self.clone();
        if let Some(reminders) = &over.reminders {
            effective.reminders = reminders.clone();
        }
        if let Some(follow_ups) = &over.follow_ups {
            effective.follow_ups = follow_ups.clone();
        }
        if let Some(review) = over.review_request {
            effective.review_request = Some(review);
        }
        if over.disable_review_request {
            effective.review_request = None;
        }
        effective
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_settings_take_defaults_for_what_is_omitted() {
        let parsed: NotificationSettings =
            serde_json::from_str(r#"{"reminders":[{"offset":"2d","email":true}]}"#).unwrap();
        assert_eq!(parsed.reminders.rules().len(), 1);
        assert_eq!(parsed.client, ClientMessages::default());
    }

    #[test]
    fn six_reminders_or_a_typo_are_refused() {
        let six = r#"{"reminders":[{"offset":"1h"},{"offset":"2h"},{"offset":"3h"},{"offset":"4h"},{"offset":"5h"},{"offset":"6h"}]}"#;
        assert!(serde_json::from_str::<NotificationSettings>(six).is_err());
        assert!(serde_json::from_str::<NotificationSettings>(r#"{"remindres":[]}"#).is_err());
    }

    #[test]
    fn two_reminders_at_the_same_delay_in_other_units_are_refused() {
        let same = r#"{"reminders":[{"offset":"2h","sms":true},{"offset":"120m","email":true}]}"#;
        let error = serde_json::from_str::<NotificationSettings>(same)
            .unwrap_err()
            .to_string();
        assert!(error.contains("same offset"), "{error}");
        let same_follow_up = r#"{"follow_ups":[{"after_end":"24h"},{"after_end":"1440m"}]}"#;
        assert!(serde_json::from_str::<NotificationSettings>(same_follow_up).is_err());
        let distinct =
            r#"{"reminders":[{"offset":"2h"},{"offset":"121m"},{"offset":"1d"},{"offset":"24h"}]}"#;
        assert!(serde_json::from_str::<NotificationSettings>(distinct).is_ok());
    }

    #[test]
    fn a_type_override_replaces_only_the_rules_it_names() {
        let base = NotificationSettings::default();
        let over = NotificationOverride {
            follow_ups: Some(FollowUps::default()),
            disable_review_request: true,
            ..Default::default()
        };
        let effective = base.with_override(&over);
        assert_eq!(effective.reminders, base.reminders);
        assert!(effective.review_request.is_none());
    }
}
