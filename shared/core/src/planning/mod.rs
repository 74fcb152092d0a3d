//! The planner: who hears what, on which channel, and when — plain functions of state.

mod change_messages;
mod channel_rules;
mod context;
mod diff;
mod timeline;
mod verdict;

pub use change_messages::{change_message_applies, change_messages};
pub use channel_rules::{ContactPoint, resolve_channels};
pub use context::{PlanningContext, client_rebooked};
pub use diff::{TimelineDiff, diff};
pub use timeline::timeline;
pub use verdict::verdict;

#[cfg(test)]
mod tests;
