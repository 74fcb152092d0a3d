//! The vocabulary of planned messages: subjects, kinds, recipients, channels, keys and outcomes.

mod channel;
mod key;
mod kind;
mod lane;
mod outcome;
mod recipient;
mod recurring;
mod subject;

pub use channel::{Channel, UnknownChannel};
pub use key::{InvalidScheduleName, MessageKey, ScheduleName};
pub use kind::{
    AFTERWARDS_GRACE, AUTO_REPLY_GRACE, Audience, BILLING_GRACE, Invitation, KindFacts, Lateness,
    MessageKind, Purpose, REENGAGEMENT_GRACE, Trigger, UnknownKind,
};
pub use lane::Lane;
pub use outcome::{Disposition, PlannedMessage, StaleReason, SuppressionReason, Verdict};
pub use recipient::Recipient;
pub use recurring::{DigestTrigger, RecurringSchedule};
pub use subject::{Subject, SubjectKind};
