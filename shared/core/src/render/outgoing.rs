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
    /// The `List-Id` of a marketing message (RFC 2919): the business's mailing, named under
    /// the sender's domain, so filters and reputation systems tell one business's from another's.
    #[serde(default)]
    pub list_id: Option<String>,
    /// An automatic answer to a message the client sent (`Auto-Submitted: auto-replied`), rather
    /// than a message the system generated on its own (`auto-generated`). RFC 3834 §5: either
    /// way, a vacation responder or a ticketing system must not answer it.
    #[serde(default)]
    pub auto_reply: bool,
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
        let auto_submitted = if self.auto_reply {
            "auto-replied"
        } else {
            "auto-generated"
        };
        builder = builder.header("Auto-Submitted", Raw::new(auto_submitted));
        if let (true, Some(list_id)) = (self.marketing, &self.list_id) {
            builder = builder.header("List-Id", Raw::new(format!("<{list_id}>")));
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
            list_id: Some("reengagement.salon-lea.salon.example".into()),
            auto_reply: false,
            tags: Vec::new(),
        }
    }

    #[test]
    fn a_marketing_email_offers_one_click_unsubscribe() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        let mime = email(true).to_mime(now).unwrap();
        assert!(mime.contains("List-Unsubscribe: <https://links.example/u?sig=1>"));
        assert!(mime.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(mime.contains("List-Id: <reengagement.salon-lea.salon.example>\r\n"));
    }

    #[test]
    fn every_email_says_it_was_sent_by_a_machine_and_an_answer_says_it_answers() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        let generated = email(false).to_mime(now).unwrap();
        assert!(
            generated.contains("Auto-Submitted: auto-generated\r\n"),
            "{generated}"
        );
        let answer = OutgoingEmail {
            auto_reply: true,
            ..email(false)
        };
        let mime = answer.to_mime(now).unwrap();
        assert!(mime.contains("Auto-Submitted: auto-replied\r\n"), "{mime}");
    }

    #[test]
    fn a_display_name_with_accents_is_one_encoded_word_never_inside_quotes() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        let named = OutgoingEmail {
            from_name: "Salon Léa & Cie".into(),
            ..email(false)
        };
        let mime = named.to_mime(now).unwrap();
        let from = mime
            .lines()
            .find(|l| l.starts_with("From:"))
            .unwrap_or_default();
        assert_eq!(
            from,
            "From: =?utf-8?Q?Salon_L=C3=A9a_=26_Cie?= <no-reply@salon.example>"
        );
        let ascii = OutgoingEmail {
            from_name: "Salon Lea, Paris".into(),
            ..email(false)
        };
        let mime = ascii.to_mime(now).unwrap();
        assert!(
            mime.contains("From: \"Salon Lea, Paris\" <no-reply@salon.example>"),
            "{mime}"
        );
    }

    #[test]
    fn an_appointment_email_has_no_unsubscribe_headers() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        let mime = email(false).to_mime(now).unwrap();
        assert!(!mime.contains("List-Unsubscribe"));
    }
}
