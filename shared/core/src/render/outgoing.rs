//! Fully rendered messages, ready for a mailer or an SMS sender, and the MIME form of an e-mail
//! (built with `mail-builder`: text + HTML alternatives, `invite.ics` as `text/calendar`).

use super::{CalendarInvite, SmsSize};
use crate::model::{EmailAddress, PhoneNumber};
use chrono::{DateTime, Utc};
use mail_builder::MessageBuilder;
use mail_builder::headers::raw::Raw;
use mail_builder::headers::url::URL;
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
    /// One-click unsubscribe URL (RFC 8058), sent as `List-Unsubscribe` on marketing messages.
    pub list_unsubscribe: Option<String>,
    /// Provider tags (name, value): whose message this is, so the provider's feedback about it
    /// (a bounce, a complaint) can be traced back. Not headers: the recipient never sees them.
    #[serde(default)]
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingSms {
    pub to: PhoneNumber,
    pub text: String,
    pub size: SmsSize,
    /// Transactional (appointment) rather than promotional (marketing) traffic.
    pub transactional: bool,
    /// Derived from the message key, like an e-mail's Message-ID: the same message always has
    /// the same one (SNS has no use for it; the local outbox sends a key once).
    pub idempotency_key: String,
    /// Whose message it is (as on e-mails; SNS ignores them, the local inbox shows them).
    #[serde(default)]
    pub tags: Vec<(String, String)>,
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
        if let (true, Some(url)) = (self.marketing, &self.list_unsubscribe) {
            builder = builder
                .header("List-Unsubscribe", URL::new(url.as_str()))
                .header(
                    "List-Unsubscribe-Post",
                    Raw::new("List-Unsubscribe=One-Click"),
                );
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn email(marketing: bool) -> OutgoingEmail {
        OutgoingEmail {
            from_name: "Salon Léa".into(),
            from: EmailAddress::parse("no-reply@salon.example").unwrap(),
            reply_to: None,
            to_name: "Léa".into(),
            to: EmailAddress::parse("lea@example.fr").unwrap(),
            subject: "Offre".into(),
            text: "Bonjour".into(),
            html: "<p>Bonjour</p>".into(),
            calendar: None,
            message_id: "m1@rappel".into(),
            marketing,
            list_unsubscribe: Some("https://links.example/u?sig=1".into()),
            tags: Vec::new(),
        }
    }

    #[test]
    fn a_marketing_email_offers_one_click_unsubscribe() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        let mime = email(true).to_mime(now).unwrap();
        assert!(mime.contains("List-Unsubscribe: <https://links.example/u?sig=1>"));
        assert!(mime.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    }

    #[test]
    fn an_appointment_email_has_no_unsubscribe_headers() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        let mime = email(false).to_mime(now).unwrap();
        assert!(!mime.contains("List-Unsubscribe"));
    }
}
