//! What a reaction or a re-plan step does about a plan: queue the messages due now, create and
//! delete the one-shot and recurring schedules, queue the decisions to record — and the
//! [`Reaction`] that counts them. Shared by [`crate::react`] and [`crate::replan`], and
//! depending on neither.

mod diff;
mod queue;
mod queue_as;
mod reaction;
mod recurring;

pub use diff::apply_diff;
pub use queue::queue_change_messages;
pub use queue_as::QueueAs;
pub use reaction::{Reaction, ReactionError};
pub use recurring::apply_recurring;
