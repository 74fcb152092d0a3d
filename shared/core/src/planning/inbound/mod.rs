//! The planner of the automatic reply to something a client sent. The same four parts as every
//! subject's planner:
//!
//! - [`InboundContext`]: the settings, the message, its client (if any) and what the same
//!   sender sent in the reply window before it, loaded once;
//! - its message ([`auto_reply`]): a pure function of that state;
//! - its send-time [`verdict`];
//! - what the reply renders from ([`rendering`]).
//!
//! **The window rule**: a message gets the reply when its sender sent nothing of the same kind
//! in the window before it (default 24 h). A conversation gets one reply, at its start; a
//! sender who writes again after a quiet window gets one again. Because the rule reads only
//! stored messages, a replayed or concurrent trigger decides the same, and the send-time
//! verdict re-reads it once both messages are stored.

mod context;
mod reply;
mod variables;
mod verdict;

pub use context::InboundContext;
pub use reply::auto_reply;
pub use variables::rendering;
pub use verdict::verdict;

#[cfg(test)]
mod tests;
