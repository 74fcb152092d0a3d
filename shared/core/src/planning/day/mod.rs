//! The planner of a day's digest, to a staff member (their appointments) or a manager (the
//! business's). The same parts as every subject's planner, plus the recurring schedules:
//!
//! - [`digest_schedules`]: one recurring schedule per recipient, from the settings and the
//!   staff members (re-planned when either changes);
//! - [`DayContext`]: the settings, the recipient and the day's appointments with their names,
//!   loaded once at fire time; [`covered_date`] says which day a firing covers;
//! - its messages ([`digest_messages`]) and its send-time [`verdict`];
//! - what its messages render from ([`rendering`]).

mod context;
mod schedule;
mod timeline;
mod variables;
mod verdict;

pub use context::{
    DIGEST_ROWS, DIGEST_STAFF_COUNTS, DayContext, DayRecipient, DayTotals, day_bounds,
};
pub use schedule::{covered_date, digest_schedules, next_firing};
pub use timeline::digest_messages;
pub use variables::rendering;
pub use verdict::verdict;

#[cfg(test)]
mod tests;
