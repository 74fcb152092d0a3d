//! E-mail feedback: what the provider tells after sending — a permanent bounce, a complaint, a
//! delivery — and what it means for the address. Pure: parsing the provider's documents and
//! deciding; the adapters store the marks and the delivery path checks them.

mod mail_tags;
mod mark;
mod ses_event;

pub use mail_tags::MailTags;
pub use mark::{AddressMark, MarkReason};
pub use ses_event::{FeedbackKind, MailFeedback, parse_ses_event};
