//! A clock that only moves when told to: tests and demos jump days ahead in a millisecond.

use super::Clock;
use crate::lock;
use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

#[derive(Debug)]
pub struct VirtualClock {
    now: Mutex<DateTime<Utc>>,
}

impl VirtualClock {
    pub fn starting_at(now: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(now),
        }
    }

    pub fn set(&self, instant: DateTime<Utc>) {
        *lock(&self.now) = instant;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = lock(&self.now);
        *now += by;
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> DateTime<Utc> {
        *lock(&self.now)
    }
}
