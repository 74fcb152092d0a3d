//! The planner of messages about a client as a whole: re-engagement steps after the last visit.
//! The same four parts as every subject's planner:
//!
//! - [`ClientContext`]: the settings, the client and **all** their appointments, loaded once;
//! - its timeline ([`reengagement`]): a pure function of that state, not of "now", so the send
//!   path re-planning at fire time finds exactly the same keys;
//! - its send-time [`verdict`];
//! - what its messages render from ([`rendering`]).

mod context;
mod timeline;
mod variables;
mod verdict;

pub use context::{ClientContext, LastVisit, is_visit};
pub use timeline::reengagement;
pub use variables::rendering;
pub use verdict::verdict;

#[cfg(test)]
mod tests;
