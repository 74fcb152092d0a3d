//! The billing rows of the settings: the notice of a new invoice or quote, reminders of an
//! unpaid invoice after its due date, and of a quote about to expire — each either to the client
//! (`client`), to the owner and managers so they follow up personally (`owner`), or not at all
//! (`none`). Steps fall on calendar days of the business's zone, at `send_at` local time.

use super::{ChannelChoice, LocalTime};
use serde::{Deserialize, Serialize};

pub const MAX_BILLING_STEPS: usize = 3;
/// Longer than that, a reminder is about a forgotten debt, not a due date.
pub const MAX_BILLING_DAYS: u16 = 365;

/// Who a billing reminder goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReminderMode {
    /// An automatic reminder to the client.
    #[default]
    Client,
    /// A note to the owner and managers, to follow up in person.
    Owner,
    None,
}

/// One reminder step: so many calendar days from the document's date, on these channels (the
/// owner mode uses them for the managers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillingStep {
    /// Days after the invoice's due date, or before the quote's expiry.
    pub days: u16,
    #[serde(default = "yes")]
    pub email: bool,
    #[serde(default)]
    pub sms: bool,
}

fn yes() -> bool {
    true
}

impl BillingStep {
    pub fn channels(&self) -> ChannelChoice {
        ChannelChoice {
            email: self.email,
            sms: self.sms,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidBillingSteps {
    #[error("at most {MAX_BILLING_STEPS} steps are allowed (got {0})")]
    TooMany(usize),
    #[error("step {step}: days must be 1 to {MAX_BILLING_DAYS} (got {days})")]
    OutOfRange { step: usize, days: u16 },
    #[error("two steps on day {0}: remove one")]
    SameDay(u16),
}

/// Checked steps: at most three, 1 to 365 days, no two on the same day.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "Vec<BillingStep>", into = "Vec<BillingStep>")]
pub struct BillingSteps(Vec<BillingStep>);

impl BillingSteps {
    pub fn new(steps: Vec<BillingStep>) -> Result<Self, InvalidBillingSteps> {
        if steps.len() > MAX_BILLING_STEPS {
            return Err(InvalidBillingSteps::TooMany(steps.len()));
        }
        for (i, step) in steps.iter().enumerate() {
            if step.days == 0 || step.days > MAX_BILLING_DAYS {
                return Err(InvalidBillingSteps::OutOfRange {
                    step: i + 1,
                    days: step.days,
                });
            }
            if steps[i + 1..].iter().any(|o| o.days == step.days) {
                return Err(InvalidBillingSteps::SameDay(step.days));
            }
        }
        Ok(Self(steps))
    }

    pub fn steps(&self) -> &[BillingStep] {
        &self.0
    }
}

impl TryFrom<Vec<BillingStep>> for BillingSteps {
    type Error = InvalidBillingSteps;
    fn try_from(v: Vec<BillingStep>) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<BillingSteps> for Vec<BillingStep> {
    fn from(s: BillingSteps) -> Self {
        s.0
    }
}

/// Reminders of one document kind: the mode and its steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BillingReminders {
    pub mode: ReminderMode,
    pub steps: BillingSteps,
}

impl Default for BillingReminders {
    fn default() -> Self {
        Self {
            mode: ReminderMode::Client,
            steps: BillingSteps(vec![BillingStep {
                days: 3,
                email: true,
                sms: false,
            }]),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BillingSettings {
    /// Local time (business's zone) reminders are sent at.
    pub send_at: LocalTime,
    pub invoice_issued: ChannelChoice,
    pub invoice_unpaid: BillingReminders,
    pub quote_sent: ChannelChoice,
    pub quote_expiring: BillingReminders,
}

impl Default for BillingSettings {
    fn default() -> Self {
        Self {
            send_at: LocalTime::new(10, 0),
            invoice_issued: ChannelChoice::EMAIL,
            invoice_unpaid: BillingReminders::default(),
            quote_sent: ChannelChoice::EMAIL,
            quote_expiring: BillingReminders {
                mode: ReminderMode::Client,
                steps: BillingSteps(vec![BillingStep {
                    days: 2,
                    email: true,
                    sms: false,
                }]),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_settings_take_defaults_for_what_is_omitted() {
        let s: BillingSettings =
            serde_json::from_str(r#"{"invoice_unpaid":{"mode":"owner"}}"#).unwrap();
        assert_eq!(s.invoice_unpaid.mode, ReminderMode::Owner);
        assert_eq!(s.invoice_unpaid.steps.steps().len(), 1);
        assert_eq!(s.send_at, LocalTime::new(10, 0));
        assert!(s.invoice_issued.email);
    }

    #[test]
    fn four_steps_a_step_on_day_zero_or_twice_the_same_day_are_refused() {
        let four = r#"{"steps":[{"days":1},{"days":2},{"days":3},{"days":4}]}"#;
        assert!(serde_json::from_str::<BillingReminders>(four).is_err());
        assert!(serde_json::from_str::<BillingReminders>(r#"{"steps":[{"days":0}]}"#).is_err());
        let twice = r#"{"steps":[{"days":5},{"days":5}]}"#;
        assert!(serde_json::from_str::<BillingReminders>(twice).is_err());
        assert!(serde_json::from_str::<BillingReminders>(r#"{"mode":"later"}"#).is_err());
    }
}
