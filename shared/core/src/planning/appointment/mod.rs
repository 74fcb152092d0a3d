//! The planner of messages about one appointment. Like every subject's planner, four parts:
//!
//! - [`AppointmentContext`]: what besides the appointment a plan depends on (settings with the
//!   type's overrides, type, client, staff, "rebooked"), loaded **once** by the caller;
//! - its timeline ([`timeline`]) and the immediate messages of a change ([`change_messages`]);
//! - its send-time [`verdict`];
//! - what its messages render from ([`rendering`]).

mod change_messages;
mod context;
mod timeline;
mod variables;
mod verdict;

pub use change_messages::{change_message_applies, change_messages};
pub use context::{AppointmentContext, client_rebooked};
pub use timeline::{depends_on_other_bookings, plan_reads_other_bookings, timeline};
pub use variables::rendering;
pub use verdict::verdict;

#[cfg(test)]
mod tests;
