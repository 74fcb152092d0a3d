//! A business's monthly SMS budget and what it allows.

use super::Cost;
use serde::{Deserialize, Serialize};

/// From this share of the budget on, the month's usage says `warning`.
pub const WARNING_PERCENT: u64 = 80;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sms_budget.monthly_limit_cents must be between 1 and 100000000 (a million euros)")]
pub struct InvalidSmsBudget;

/// `sms_budget` in the settings: at most `monthly_limit_cents` of SMS a calendar month (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, try_from = "RawBudget")]
pub struct SmsBudget {
    /// In euro cents: `5000` is 50 €.
    #[schema(example = 5000, minimum = 1, maximum = 100000000)]
    pub monthly_limit_cents: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBudget {
    monthly_limit_cents: u32,
}

impl TryFrom<RawBudget> for SmsBudget {
    type Error = InvalidSmsBudget;
    fn try_from(raw: RawBudget) -> Result<Self, Self::Error> {
        if raw.monthly_limit_cents == 0 || raw.monthly_limit_cents > 100_000_000 {
            return Err(InvalidSmsBudget);
        }
        Ok(Self {
            monthly_limit_cents: raw.monthly_limit_cents,
        })
    }
}

/// Where a month's spending stands against the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BudgetState {
    /// Under [`WARNING_PERCENT`].
    Ok,
    /// At or over [`WARNING_PERCENT`]: SMS still go out.
    Warning,
    /// The month has spent the budget, or an SMS was turned away: SMS are recorded
    /// `suppressed: sms_budget` until the month ends or the budget is raised.
    Exhausted,
}

impl SmsBudget {
    pub fn limit(self) -> Cost {
        Cost::from_cents(self.monthly_limit_cents)
    }

    /// Whether an SMS costing `cost` may go out when the month has spent `spent`.
    pub fn allows(self, spent: Cost, cost: Cost) -> bool {
        spent.plus(cost) <= self.limit()
    }

    /// Where `spent` stands, `refused` SMS having been turned away this month.
    pub fn state(self, spent: Cost, refused: u64) -> BudgetState {
        let limit = self.limit().0;
        if spent.0 >= limit || refused > 0 {
            BudgetState::Exhausted
        } else if spent.0.saturating_mul(100) >= limit.saturating_mul(WARNING_PERCENT) {
            BudgetState::Warning
        } else {
            BudgetState::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fifty_euros() -> SmsBudget {
        serde_json::from_str(r#"{"monthly_limit_cents": 5000}"#).unwrap()
    }

    #[test]
    fn an_sms_goes_out_while_the_month_stays_within_the_budget() {
        let budget = fifty_euros();
        assert!(budget.allows(Cost(499_000), Cost(730)));
        assert!(
            budget.allows(Cost(499_270), Cost(730)),
            "exactly the budget"
        );
        assert!(!budget.allows(Cost(499_271), Cost(730)));
    }

    #[test]
    fn eighty_percent_is_a_warning_and_the_whole_budget_exhausts_it() {
        let budget = fifty_euros();
        assert_eq!(budget.state(Cost(399_999), 0), BudgetState::Ok);
        assert_eq!(budget.state(Cost(400_000), 0), BudgetState::Warning);
        assert_eq!(budget.state(Cost(500_000), 0), BudgetState::Exhausted);
        assert_eq!(
            budget.state(Cost(10_000), 1),
            BudgetState::Exhausted,
            "an SMS was turned away"
        );
    }

    #[test]
    fn a_budget_of_nothing_or_of_more_than_a_million_is_refused() {
        for raw in [
            r#"{"monthly_limit_cents": 0}"#,
            r#"{"monthly_limit_cents": 100000001}"#,
        ] {
            assert!(serde_json::from_str::<SmsBudget>(raw).is_err(), "{raw}");
        }
    }
}
