//! A business's send cap: at most so many messages an hour, whatever the channel. It bounds
//! what one business can take of the platform's shared provider quotas (an SES account sends
//! so many a day for every business) and how fast a runaway integration can mail or text. A
//! message over the cap is **held, never dropped**: it is given a slot in a later hour, spread
//! so that each hour holds no more than the cap, and decided again when its slot comes.

use chrono::{DateTime, Datelike, Duration, DurationRound, Timelike, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The highest cap a business may set (about 280 messages a second).
pub const MAX_MESSAGES_PER_HOUR: u32 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("send_cap.messages_per_hour must be between 1 and 1000000")]
pub struct InvalidSendCap;

/// `send_cap` in the settings: at most `messages_per_hour` messages sent in one UTC hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, try_from = "RawSendCap")]
pub struct SendCap {
    #[schema(example = 2000, minimum = 1, maximum = 1000000)]
    pub messages_per_hour: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSendCap {
    messages_per_hour: u32,
}

impl TryFrom<RawSendCap> for SendCap {
    type Error = InvalidSendCap;
    fn try_from(raw: RawSendCap) -> Result<Self, Self::Error> {
        if raw.messages_per_hour == 0 || raw.messages_per_hour > MAX_MESSAGES_PER_HOUR {
            return Err(InvalidSendCap);
        }
        Ok(Self {
            messages_per_hour: raw.messages_per_hour,
        })
    }
}

impl SendCap {
    /// Whether one more message may go out in an hour that has sent `sent`.
    pub fn allows(self, sent: u64) -> bool {
        sent < u64::from(self.messages_per_hour)
    }

    /// When the `ticket`-th message held in the hour of `now` (1 for the first) is tried
    /// again: the next hour takes the first `messages_per_hour` of them, evenly spread over
    /// it, the hour after the next ones, and so on — so a backlog is worked off at the cap's
    /// rate, each message tried again once, instead of all of them at every turn of the hour.
    pub fn slot(self, now: DateTime<Utc>, ticket: u64) -> DateTime<Utc> {
        let cap = u64::from(self.messages_per_hour);
        let index = ticket.saturating_sub(1);
        // Beyond a year every kind is too late anyway: no slot further than that.
        let hours_ahead = (1 + index / cap).min(MAX_HOURS_AHEAD);
        let within_ms = (index % cap) * 3_600_000 / cap;
        let (Ok(hours), Ok(ms)) = (i64::try_from(hours_ahead), i64::try_from(within_ms)) else {
            return UsageHour::start_of(now) + Duration::hours(1);
        };
        UsageHour::start_of(now) + Duration::hours(hours) + Duration::milliseconds(ms)
    }
}

/// The furthest a held message is slotted.
const MAX_HOURS_AHEAD: u64 = 24 * 366;

/// One UTC hour, `YYYY-MM-DDTHH`: what a send cap counts in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UsageHour {
    label: String,
    start: DateTime<Utc>,
}

impl UsageHour {
    pub fn of(instant: DateTime<Utc>) -> Self {
        Self {
            label: format!(
                "{:04}-{:02}-{:02}T{:02}",
                instant.year(),
                instant.month(),
                instant.day(),
                instant.hour()
            ),
            start: Self::start_of(instant),
        }
    }

    /// Its first instant.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The first instant of the hour of `instant`.
    pub fn start_of(instant: DateTime<Utc>) -> DateTime<Utc> {
        instant
            .duration_trunc(Duration::hours(1))
            .unwrap_or(instant)
    }

    pub fn as_str(&self) -> &str {
        &self.label
    }
}

impl fmt::Display for UsageHour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn cap(n: u32) -> SendCap {
        serde_json::from_value(serde_json::json!({ "messages_per_hour": n })).unwrap()
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 20, h, m, 0).unwrap()
    }

    #[test]
    fn a_cap_of_zero_or_over_a_million_an_hour_is_refused() {
        for bad in [0, MAX_MESSAGES_PER_HOUR + 1] {
            let raw = serde_json::json!({ "messages_per_hour": bad });
            assert!(serde_json::from_value::<SendCap>(raw).is_err(), "{bad}");
        }
        assert_eq!(cap(1).messages_per_hour, 1);
    }

    #[test]
    fn the_cap_lets_its_number_of_messages_out_in_an_hour_and_no_more() {
        assert!(cap(3).allows(0));
        assert!(cap(3).allows(2));
        assert!(!cap(3).allows(3));
    }

    #[test]
    fn held_messages_are_spread_over_the_next_hour_then_the_one_after() {
        let now = at(9, 40);
        let four_an_hour = cap(4);
        let slots: Vec<_> = (1..=6).map(|t| four_an_hour.slot(now, t)).collect();
        assert_eq!(slots[0], at(10, 0));
        assert_eq!(slots[1], at(10, 15));
        assert_eq!(slots[3], at(10, 45));
        assert_eq!(slots[4], at(11, 0));
        assert_eq!(slots[5], at(11, 15));
    }

    #[test]
    fn an_hour_is_its_utc_hour_whatever_the_business_time_zone() {
        let late_in_paris = Utc.with_ymd_and_hms(2026, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(UsageHour::of(late_in_paris).as_str(), "2026-12-31T23");
        assert_eq!(
            UsageHour::start_of(late_in_paris),
            Utc.with_ymd_and_hms(2026, 12, 31, 23, 0, 0).unwrap()
        );
    }

    proptest! {
        #[test]
        fn no_hour_is_given_more_held_messages_than_the_cap(
            per_hour in 1u32..50,
            held in 1u64..400,
            minute in 0u32..60,
        ) {
            let cap = cap(per_hour);
            let now = at(9, minute);
            let mut per_slot_hour = std::collections::BTreeMap::<String, u64>::new();
            for ticket in 1..=held {
                let slot = cap.slot(now, ticket);
                prop_assert!(slot >= UsageHour::start_of(now) + Duration::hours(1));
                *per_slot_hour.entry(UsageHour::of(slot).to_string()).or_default() += 1;
            }
            prop_assert!(per_slot_hour.values().all(|&n| n <= u64::from(per_hour)));
        }
    }
}
