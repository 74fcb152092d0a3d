//! Something a client (or someone not yet a client) sent the business: a message, a document,
//! a contact form. Rappel answers it with an automatic reply, at most once per sender and kind
//! within the business's window, never to an automated sender.

use super::{ClientId, DisplayName, EmailAddress, InvalidId, PhoneNumber, TenantId};
use crate::message::Channel;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

super::ids::id_type!(
    /// One inbound message: `in_<sender key>_<received, unix ms>_<random>`, so the messages of
    /// one sender sort by time under a common prefix.
    InboundId,
    "inbound id"
);

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum InboundKind {
    Message,
    Document,
    ContactForm,
}

impl InboundKind {
    pub const ALL: [InboundKind; 3] = [Self::Message, Self::Document, Self::ContactForm];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::Document => "document",
            Self::ContactForm => "contact_form",
        }
    }
}

/// Who sent it: a known client, or a person who gave their contact details in a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InboundSender {
    Client {
        client_id: ClientId,
    },
    Contact {
        name: DisplayName,
        email: Option<EmailAddress>,
        phone: Option<PhoneNumber>,
    },
}

impl InboundSender {
    /// 16 hex characters naming the sender (a client, else their e-mail, else their phone),
    /// the same for every message they send. Not reversible: it can sit in ids and logs.
    pub fn key(&self) -> String {
        let identity = match self {
            Self::Client { client_id } => format!("client:{client_id}"),
            Self::Contact {
                email: Some(email), ..
            } => format!("email:{}", email.as_str().to_ascii_lowercase()),
            Self::Contact {
                phone: Some(phone), ..
            } => format!("phone:{phone}"),
            Self::Contact { name, .. } => format!("name:{name}"),
        };
        hex::encode(&Sha256::digest(identity.as_bytes())[..8])
    }

    pub fn client_id(&self) -> Option<&ClientId> {
        match self {
            Self::Client { client_id } => Some(client_id),
            Self::Contact { .. } => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Inbound {
    pub tenant: TenantId,
    pub id: InboundId,
    pub kind: InboundKind,
    pub sender: InboundSender,
    /// The channel it arrived by, when the integrator knows it: the reply goes back on it.
    pub channel: Option<Channel>,
    pub received_at: DateTime<Utc>,
    /// It came from a machine (RFC 3834 `Auto-Submitted`, a bulk or list `Precedence`, a
    /// no-reply address): never answered.
    pub automated: bool,
    /// What the client wrote, when it came by a channel Rappel receives itself (a reply to
    /// an SMS); at most 1,600 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub version: u64,
}

impl Inbound {
    /// The id of a message from `sender` received at `at`; `nonce` tells apart two in the same
    /// millisecond.
    pub fn id_for(sender: &InboundSender, at: DateTime<Utc>, nonce: &str) -> Option<InboundId> {
        InboundId::parse(&format!(
            "{}{:013}_{nonce}",
            Self::sender_prefix(&sender.key()),
            at.timestamp_millis().max(0)
        ))
        .ok()
    }

    /// What every id of one sender starts with.
    pub fn sender_prefix(sender_key: &str) -> String {
        format!("in_{sender_key}_")
    }

    /// The id of the first message `sender_key` could have sent at `at` (a bound for a range
    /// query: ids of one sender sort by time).
    pub fn id_bound(sender_key: &str, at: DateTime<Utc>) -> String {
        format!(
            "{}{:013}",
            Self::sender_prefix(sender_key),
            at.timestamp_millis().max(0)
        )
    }
}

/// RFC 3834 and common practice: what marks a message as sent by a machine. `auto_submitted`
/// is the `Auto-Submitted` header (anything but `no`), `precedence` the `Precedence` header
/// (`bulk`, `list`, `junk`), and a sender address whose local part is a no-reply, daemon or
/// bounce mailbox.
pub fn looks_automated(
    auto_submitted: Option<&str>,
    precedence: Option<&str>,
    email: Option<&EmailAddress>,
) -> bool {
    let auto = auto_submitted.is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"));
    let bulk = precedence.is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "bulk" | "list" | "junk"
        )
    });
    let machine_mailbox = email.is_some_and(|e| {
        let local = e
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
            .replace(['-', '_', '.'], "");
        local.starts_with("noreply")
            || local.starts_with("donotreply")
            || local.starts_with("mailerdaemon")
            || local == "postmaster"
            || local.starts_with("bounce")
    });
    auto || bulk || machine_mailbox
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn email(raw: &str) -> EmailAddress {
        EmailAddress::parse(raw).unwrap()
    }

    #[test]
    fn machines_are_recognised_by_their_headers_and_mailboxes() {
        assert!(looks_automated(Some("auto-replied"), None, None));
        assert!(!looks_automated(Some("no"), None, None));
        assert!(looks_automated(None, Some("bulk"), None));
        for mailbox in [
            "noreply@shop.example",
            "no-reply@shop.example",
            "do_not_reply@shop.example",
            "MAILER-DAEMON@mx.example",
            "postmaster@mx.example",
            "bounces+123@mail.example",
        ] {
            assert!(
                looks_automated(None, None, Some(&email(mailbox))),
                "{mailbox}"
            );
        }
        assert!(!looks_automated(None, None, Some(&email("lea@example.fr"))));
        assert!(!looks_automated(
            None,
            None,
            Some(&email("noemie@example.fr"))
        ));
    }

    #[test]
    fn one_senders_ids_share_a_prefix_and_sort_by_time() {
        let sender = InboundSender::Contact {
            name: DisplayName::parse("Léa").unwrap(),
            email: Some(email("Lea@Example.fr")),
            phone: None,
        };
        let same = InboundSender::Contact {
            name: DisplayName::parse("Léa M.").unwrap(),
            email: Some(email("lea@example.fr")),
            phone: None,
        };
        assert_eq!(sender.key(), same.key());
        let early = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let late = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        let a = Inbound::id_for(&sender, early, "aaaa").unwrap();
        let b = Inbound::id_for(&sender, late, "0000").unwrap();
        assert!(a.as_str() < b.as_str());
        assert!(
            a.as_str()
                .starts_with(&Inbound::sender_prefix(&sender.key()))
        );
        assert!(Inbound::id_bound(&sender.key(), late).as_str() <= b.as_str());
        assert!(a.as_str().len() <= 64);
    }
}
