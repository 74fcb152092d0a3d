//! How far ahead a business may book. Without a bound, an appointment in the year 9999 would be
//! accepted and its follow-ups planned past the largest instant RFC 3339 (and any scheduler)
//! can write.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Days ahead of now an appointment may start: 730 (two years) unless the business says
/// otherwise, at most 3650 (ten years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct BookingHorizon(u32);

crate::schema::integer_schema!(
    BookingHorizon,
    "Days ahead of now an appointment may start.",
    1,
    MAX_HORIZON_DAYS as u64,
    DEFAULT_HORIZON_DAYS as u64
);

pub const DEFAULT_HORIZON_DAYS: u32 = 730;
pub const MAX_HORIZON_DAYS: u32 = 3650;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the booking horizon is 1 to {MAX_HORIZON_DAYS} days (got {0})")]
pub struct InvalidHorizon(pub u32);

impl BookingHorizon {
    pub fn days(days: u32) -> Result<Self, InvalidHorizon> {
        if (1..=MAX_HORIZON_DAYS).contains(&days) {
            Ok(Self(days))
        } else {
            Err(InvalidHorizon(days))
        }
    }

    /// The latest start accepted at `now`.
    pub fn latest_start(self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + Duration::days(i64::from(self.0))
    }

    pub fn as_days(self) -> u32 {
        self.0
    }
}

impl Default for BookingHorizon {
    fn default() -> Self {
        Self(DEFAULT_HORIZON_DAYS)
    }
}

impl TryFrom<u32> for BookingHorizon {
    type Error = InvalidHorizon;
    fn try_from(days: u32) -> Result<Self, Self::Error> {
        Self::days(days)
    }
}

impl From<BookingHorizon> for u32 {
    fn from(h: BookingHorizon) -> u32 {
        h.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_default_horizon_is_two_years_and_ten_years_is_the_most() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        assert_eq!(
            BookingHorizon::default().latest_start(now),
            Utc.with_ymd_and_hms(2028, 11, 21, 9, 0, 0).unwrap()
        );
        assert!(BookingHorizon::days(0).is_err());
        assert!(BookingHorizon::days(MAX_HORIZON_DAYS + 1).is_err());
        assert!(serde_json::from_str::<BookingHorizon>("3650").is_ok());
    }
}
