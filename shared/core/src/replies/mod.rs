//! What a client texts back: a keyword Rappel acts on (confirm, cancel, stop, start, help) or
//! a message for the business; what it does, decided from what was sent to that number (never
//! on a guess); and the inbound SMS as AWS End User Messaging SMS delivers it (a two-way
//! number's SNS topic).

mod answer;
mod decision;
mod inbound_sms;
mod keyword;
mod texted;

pub use answer::ReplyAnswer;
pub use decision::{ConfirmationRequest, ReplyContext, ReplyDecision, decide};
pub use inbound_sms::{InboundSms, UnreadableInboundSms, parse_two_way_sms};
pub use keyword::ReplyKeyword;
pub use texted::TextedNumber;
