//! The planner of offers of a freed slot — a slot an appointment held until it was cancelled,
//! refused or moved away. The same four parts as every subject:
//!
//! - [`SlotContext`]: the settings, the slot, who occupies the staff member's time around it,
//!   the waitlist entries of its type, the later bookings of its type, and their clients;
//! - its messages: [`candidates`] in the order they are told (waitlist entries oldest first,
//!   then later bookings earliest-booked first) and [`offers`], capped per slot;
//! - its send-time [`verdict`]: the slot must still be free and the client still waiting;
//! - what its messages render from ([`rendering`]).

mod context;
mod freed;
mod offers;
mod variables;
mod verdict;

pub use context::SlotContext;
pub use freed::freed_slot;
pub use offers::{Candidate, Via, candidates, offers};
pub use variables::rendering;
pub use verdict::verdict;

#[cfg(test)]
mod tests;
