//! The planner of messages about a billing document — an invoice or a quote. Both subjects
//! share one planner: the same four parts, with the differences (which date anchors the
//! steps, which statuses close the document, which kinds) stated in [`Document`].
//!
//! - [`BillingContext`]: the settings, the document and its client, loaded once;
//! - its messages: the notice of a change ([`change_messages`]) and the reminder steps
//!   ([`timeline`]), pure functions of that state;
//! - its send-time [`verdict`];
//! - what its messages render from ([`rendering`]).

mod context;
mod document;
mod messages;
mod variables;
mod verdict;

pub use context::BillingContext;
pub use document::Document;
pub use messages::{change_messages, step_due, timeline};
pub use variables::rendering;
pub use verdict::verdict;

#[cfg(test)]
mod tests;
