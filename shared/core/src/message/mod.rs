//! The vocabulary of planned messages: kinds, recipients, channels, keys and outcomes.

mod channel;
mod key;
mod kind;
mod outcome;
mod recipient;

pub use channel::{Channel, UnknownChannel};
pub use key::{InvalidScheduleName, MessageKey, ScheduleName, schedule_prefix};
pub use kind::{MessageKind, UnknownKind};
pub use outcome::{Disposition, PlannedMessage, StaleReason, SuppressionReason, Verdict};
pub use recipient::Recipient;
