//! The building blocks of notification settings: which channels a message uses, and the timed
//! rules (reminders, follow-ups, review request).

use super::Offset;
use serde::{Deserialize, Serialize};

/// Which channels a message is wanted on. Both off means the message is disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelChoice {
    #[serde(default)]
    pub email: bool,
    #[serde(default)]
    pub sms: bool,
}

impl ChannelChoice {
    pub const EMAIL: Self = Self {
        email: true,
        sms: false,
    };
    pub const SMS: Self = Self {
        email: false,
        sms: true,
    };
    pub const BOTH: Self = Self {
        email: true,
        sms: true,
    };
    pub const OFF: Self = Self {
        email: false,
        sms: false,
    };

    pub fn is_enabled(self) -> bool {
        self.email || self.sms
    }
}

/// An alert to staff or managers, split by who made the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertChoice {
    /// The client acted (online widget, client link).
    #[serde(default)]
    pub client_made: ChannelChoice,
    /// Staff acted in the console.
    #[serde(default)]
    pub console_made: ChannelChoice,
}

/// What to do with a reminder whose time is already past when the appointment is booked or moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LatePolicy {
    /// Do not send it; it is recorded as suppressed with reason `too_late`.
    #[default]
    Skip,
    /// Send it at once.
    SendNow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderRule {
    /// How long before the start.
    pub offset: Offset,
    #[serde(default)]
    pub email: bool,
    #[serde(default)]
    pub sms: bool,
    #[serde(default)]
    pub late_policy: LatePolicy,
    /// Also send a copy to the staff member.
    #[serde(default)]
    pub copy_to_staff: bool,
    /// Ask the client to confirm they will come: the SMS ends with "Répondez OUI pour
    /// confirmer, ANNULER pour annuler" (when the deployment's SMS leave from a two-way
    /// number), the e-mail carries a signed confirm link beside the cancel link. The
    /// appointment's `client_confirmation` becomes `requested`.
    #[serde(default)]
    pub ask_confirmation: bool,
    /// A "no answer yet" reminder: planned only while the client has not answered a
    /// confirmation request (withdrawn once they confirm or cancel).
    #[serde(default)]
    pub only_if_unanswered: bool,
}

impl ReminderRule {
    pub fn channels(&self) -> ChannelChoice {
        ChannelChoice {
            email: self.email,
            sms: self.sms,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRule {
    /// How long after the end.
    pub after_end: Offset,
    #[serde(default)]
    pub email: bool,
    #[serde(default)]
    pub sms: bool,
    /// Skip it when the client has booked again since.
    #[serde(default)]
    pub only_if_not_rebooked: bool,
    /// Who follows up: Rappel itself, or a person reminded to.
    #[serde(default)]
    pub mode: FollowUpMode,
    /// In `manual` mode, who is reminded to follow up.
    #[serde(default)]
    pub manual_to: ManualFollowUpTo,
}

/// How a follow-up is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpMode {
    /// Rappel sends the follow-up to the client.
    #[default]
    Automatic,
    /// The staff member (or the managers) get a reminder to follow up personally.
    Manual,
    /// Nothing is sent (the rule is kept, switched off).
    None,
}

/// Who is reminded of a manual follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ManualFollowUpTo {
    /// The staff member who performed the appointment.
    #[default]
    Staff,
    /// The business's owners and managers.
    Managers,
}

impl FollowUpRule {
    pub fn channels(&self) -> ChannelChoice {
        ChannelChoice {
            email: self.email,
            sms: self.sms,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequestRule {
    pub after_end: Offset,
    #[serde(default)]
    pub email: bool,
    #[serde(default)]
    pub sms: bool,
}

impl ReviewRequestRule {
    pub fn channels(&self) -> ChannelChoice {
        ChannelChoice {
            email: self.email,
            sms: self.sms,
        }
    }
}

/// Up to five reminders (the tools we studied stop at two or three).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "Vec<ReminderRule>", into = "Vec<ReminderRule>")]
pub struct Reminders(Vec<ReminderRule>);

/// Up to six follow-ups.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "Vec<FollowUpRule>", into = "Vec<FollowUpRule>")]
pub struct FollowUps(Vec<FollowUpRule>);

pub const MAX_REMINDERS: usize = 5;
pub const MAX_FOLLOW_UPS: usize = 6;

/// Why a list of timed rules is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidRules {
    #[error("at most {max} {what} are allowed (got {got})")]
    TooMany {
        what: &'static str,
        max: usize,
        got: usize,
    },
    /// Two rules at the same delay ("2h" and "120m") would send the same message twice.
    #[error("{what} {first} and {second} have the same offset ({offset}): remove one")]
    SameOffset {
        what: &'static str,
        first: usize,
        second: usize,
        offset: Offset,
    },
}

/// Refuses a list longer than `max` or holding two rules at the same delay.
fn check_rules(what: &'static str, max: usize, offsets: &[Offset]) -> Result<(), InvalidRules> {
    if offsets.len() > max {
        return Err(InvalidRules::TooMany {
            what,
            max,
            got: offsets.len(),
        });
    }
    for (i, a) in offsets.iter().enumerate() {
        if let Some(j) = offsets[i + 1..].iter().position(|b| b.same_delay(*a)) {
            return Err(InvalidRules::SameOffset {
                what,
                first: i + 1,
                second: i + j + 2,
                offset: *a,
            });
        }
    }
    Ok(())
}

impl Reminders {
    pub fn new(rules: Vec<ReminderRule>) -> Result<Self, InvalidRules> {
        let offsets: Vec<Offset> = rules.iter().map(|r| r.offset).collect();
        check_rules("reminders", MAX_REMINDERS, &offsets)?;
        Ok(Self(rules))
    }
    pub fn rules(&self) -> &[ReminderRule] {
        &self.0
    }
}

impl FollowUps {
    pub fn new(rules: Vec<FollowUpRule>) -> Result<Self, InvalidRules> {
        let offsets: Vec<Offset> = rules.iter().map(|r| r.after_end).collect();
        check_rules("follow-ups", MAX_FOLLOW_UPS, &offsets)?;
        Ok(Self(rules))
    }
    pub fn rules(&self) -> &[FollowUpRule] {
        &self.0
    }
}

impl TryFrom<Vec<ReminderRule>> for Reminders {
    type Error = InvalidRules;
    fn try_from(v: Vec<ReminderRule>) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}
impl From<Reminders> for Vec<ReminderRule> {
    fn from(r: Reminders) -> Self {
        r.0
    }
}
impl TryFrom<Vec<FollowUpRule>> for FollowUps {
    type Error = InvalidRules;
    fn try_from(v: Vec<FollowUpRule>) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}
impl From<FollowUps> for Vec<FollowUpRule> {
    fn from(r: FollowUps) -> Self {
        r.0
    }
}
