//! Money as the budget counts it, and the month it counts in.

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in ten-thousandths of a euro (a part to France costs about 730): whole numbers
/// only, so sums never drift.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cost(pub u64);

impl Cost {
    pub const ZERO: Cost = Cost(0);

    pub fn from_cents(cents: u32) -> Self {
        Cost(u64::from(cents) * 100)
    }

    pub fn times(self, parts: u32) -> Self {
        Cost(self.0.saturating_mul(u64::from(parts)))
    }

    pub fn plus(self, other: Cost) -> Self {
        Cost(self.0.saturating_add(other.0))
    }
}

impl Cost {
    /// In euros to the ten-thousandth, without the unit: `"12.3456"` (what the API shows).
    pub fn amount(self) -> String {
        format!("{}.{:04}", self.0 / 10_000, self.0 % 10_000)
    }
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} EUR", self.amount())
    }
}

/// A calendar month in UTC (`2026-03`): what a budget and the usage counters cover.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UsageMonth(String);

impl UsageMonth {
    pub fn of(instant: DateTime<Utc>) -> Self {
        Self(format!("{:04}-{:02}", instant.year(), instant.month()))
    }

    /// Reads `YYYY-MM`.
    pub fn parse(raw: &str) -> Option<Self> {
        let (year, month) = raw.split_once('-')?;
        let valid = year.len() == 4
            && month.len() == 2
            && year.parse::<u32>().is_ok()
            && month.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m));
        valid.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UsageMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_month_is_its_utc_calendar_month() {
        let new_year_in_paris = Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(UsageMonth::of(new_year_in_paris).as_str(), "2026-12");
        assert_eq!(UsageMonth::parse("2026-03").unwrap().as_str(), "2026-03");
        for bad in ["2026-13", "26-03", "2026-3", "march"] {
            assert!(UsageMonth::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_cost_is_shown_in_euros_to_the_ten_thousandth() {
        assert_eq!(Cost(730).times(3).to_string(), "0.2190 EUR");
        assert_eq!(Cost::from_cents(5_000).to_string(), "50.0000 EUR");
    }
}
