//! Automatic replies to what clients send (a message, a document, a contact form): on or off
//! per kind, with the business's own text, and a window so a conversation does not get a reply
//! to each of its messages.

use crate::model::InboundKind;
use serde::{Deserialize, Serialize};

pub const DEFAULT_REPLY_WINDOW_HOURS: u16 = 24;
/// A week: beyond that the window would hide a new conversation.
pub const MAX_REPLY_WINDOW_HOURS: u16 = 168;

/// The business's text, at most 1,000 characters (an SMS of a few segments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReplyText(String);

crate::schema::string_schema!(
    ReplyText,
    "The text of an automatic reply: 1 to 1000 characters, trimmed.",
    "Thank you, we will answer within a day.",
    None,
    Some(1000)
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAutoReplies {
    #[error("text must be 1 to 1000 characters")]
    BadText,
    #[error("window_hours must be 1 to {MAX_REPLY_WINDOW_HOURS} (got {0})")]
    BadWindow(u16),
}

impl ReplyText {
    pub fn parse(raw: &str) -> Result<Self, InvalidAutoReplies> {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.chars().count() > 1000 {
            return Err(InvalidAutoReplies::BadText);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ReplyText {
    type Error = InvalidAutoReplies;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<ReplyText> for String {
    fn from(t: ReplyText) -> Self {
        t.0
    }
}

/// One kind's automatic reply.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AutoReply {
    pub enabled: bool,
    /// Shown in the reply; without it the default wording says the message was received.
    pub text: Option<ReplyText>,
}

/// Hours between two replies to one sender for one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct ReplyWindow(u16);

crate::schema::integer_schema!(
    ReplyWindow,
    "Hours during which a sender gets one automatic reply at most.",
    1,
    MAX_REPLY_WINDOW_HOURS as u64,
    24
);

impl ReplyWindow {
    pub fn hours(self) -> u16 {
        self.0
    }

    pub fn duration(self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.0))
    }
}

impl TryFrom<u16> for ReplyWindow {
    type Error = InvalidAutoReplies;
    fn try_from(hours: u16) -> Result<Self, Self::Error> {
        if hours == 0 || hours > MAX_REPLY_WINDOW_HOURS {
            return Err(InvalidAutoReplies::BadWindow(hours));
        }
        Ok(Self(hours))
    }
}

impl From<ReplyWindow> for u16 {
    fn from(w: ReplyWindow) -> Self {
        w.0
    }
}

impl Default for ReplyWindow {
    fn default() -> Self {
        Self(DEFAULT_REPLY_WINDOW_HOURS)
    }
}

/// Off for every kind by default: a business says what it wants to answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AutoReplySettings {
    pub window_hours: ReplyWindow,
    pub message: AutoReply,
    pub document: AutoReply,
    pub contact_form: AutoReply,
    /// Whether someone who is not yet a client (a contact form, an unknown number) may be
    /// answered by SMS. Off by default: a form answers any number typed into it, premium and
    /// foreign ones included, at the business's cost; such a sender is answered by e-mail
    /// when they gave an address, else the reply is recorded `suppressed: sms_to_non_client`.
    pub sms_to_non_clients: bool,
}

impl AutoReplySettings {
    pub fn of(&self, kind: InboundKind) -> &AutoReply {
        match kind {
            InboundKind::Message => &self.message,
            InboundKind::Document => &self.document,
            InboundKind::ContactForm => &self.contact_form,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_replies_are_off_with_a_day_long_window_by_default() {
        let s: AutoReplySettings = serde_json::from_str("{}").unwrap();
        assert!(InboundKind::ALL.iter().all(|k| !s.of(*k).enabled));
        assert_eq!(s.window_hours.hours(), 24);
    }

    #[test]
    fn a_window_of_zero_or_over_a_week_and_an_empty_text_are_refused() {
        assert!(serde_json::from_str::<AutoReplySettings>(r#"{"window_hours":0}"#).is_err());
        assert!(serde_json::from_str::<AutoReplySettings>(r#"{"window_hours":169}"#).is_err());
        let empty = r#"{"message":{"enabled":true,"text":"  "}}"#;
        assert!(serde_json::from_str::<AutoReplySettings>(empty).is_err());
    }
}
