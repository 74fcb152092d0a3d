//! Fully rendered messages, ready for a mailer or an SMS sender, and the MIME form of an e-mail
//! (built with `mail-builder`: text + HTML alternatives, `invite.ics` as `text/calendar`).

use super::{CalendarInvite, SmsSize};
use crate::model::{EmailAddress, PhoneNumber};
use chrono::{DateTime, Utc};
use mail_builder::MessageBuilder;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingEmail {
    pub from_name: String,
    pub from: EmailAddress,
    pub reply_to: Option<EmailAddress>,
    pub to_name: String,
    pub to: EmailAddress,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub calendar: Option<CalendarInvite>,
    /// Derived from the message key: the same message always has the same Message-ID.
    pub message_id: String,
    /// Marketing messages carry List-Unsubscribe headers and need consent.
    pub marketing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingSms {
    pub to: PhoneNumber,
    pub text: String,
    pub size: SmsSize,
    /// Transactional (appointment) rather than promotional (marketing) traffic.
    pub transactional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum OutgoingMessage {
    Email(OutgoingEmail),
    Sms(OutgoingSms),
}

impl OutgoingEmail {
    /// The RFC 5322 message, dated `now`.
    pub fn to_mime(&self, now: DateTime<Utc>) -> std::io::Result<String> {
        let mut builder = MessageBuilder::new()
            .from((self.from_name.as_str(), self.from.as_str()))
            .to((self.to_name.as_str(), self.to.as_str()))
            .subject(self.subject.as_str())
            .date(now.timestamp())
            .message_id(self.message_id.as_str())
            .text_body(self.text.as_str())
            .html_body(self.html.as_str());
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.as_str());
        }
        if let Some(invite) = &self.calendar {
            let content_type = format!(
                "text/calendar; method={}; charset=utf-8",
                invite.method.as_str()
            );
            builder = builder.attachment(content_type, "invite.ics", invite.ics.as_bytes());
        }
        builder.write_to_string()
    }
}
