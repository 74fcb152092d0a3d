//! The planner: who hears what, on which channel, and when — plain functions of state.
//!
//! One module per subject ([`appointment`], [`client`], [`day`]), each with the same parts: the context
//! its plan depends on, its timeline (and, for appointments, the messages of a change), its
//! send-time verdict. Shared by all: the channel rules and the diff of two plans.

pub mod appointment;
pub mod billing;
mod channel_rules;
pub mod client;
pub mod day;
mod diff;
pub mod inbound;
pub mod quiet_hours;
pub mod slot;

pub use appointment::{
    AppointmentContext, change_message_applies, change_messages, client_rebooked,
    depends_on_other_bookings, plan_reads_other_bookings, timeline, verdict,
};
pub use channel_rules::{ContactPoint, resolve_channels};
pub use diff::{TimelineDiff, decided_at_planning, diff, diff_deciding_early};
