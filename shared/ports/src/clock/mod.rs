//! The clock port: the only source of "now" for the runtime (the core never reads a clock).

mod virtual_clock;

use chrono::{DateTime, Utc};
pub use virtual_clock::VirtualClock;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// Wall-clock time, for production.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
