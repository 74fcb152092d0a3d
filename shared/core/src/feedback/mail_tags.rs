//! What Rappel tags each e-mail with, so the provider's feedback about it can be traced back to
//! a business and a recipient without storing anything per message: SES publishes a
//! configuration set's events with the message's tags. Tag values allow `[A-Za-z0-9_.@-]`:
//! ids already fit, and a recipient is written `<client|staff|manager>.<id>`.

use crate::message::{MessageKind, Recipient};
use crate::model::{ClientId, InboundId, ManagerId, StaffId, TenantId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailTags {
    pub tenant: TenantId,
    pub recipient: Recipient,
    pub kind: MessageKind,
    /// The message's key ([`crate::message::MessageKey::id`]): what the provider's later
    /// reports (delivered, bounced, complained) are recorded against. None on e-mails sent
    /// before it was tagged, or with a key too long for a tag.
    pub key: Option<String>,
}

pub const TENANT_TAG: &str = "rappel-tenant";
pub const RECIPIENT_TAG: &str = "rappel-recipient";
pub const KIND_TAG: &str = "rappel-kind";
/// The message key, base64url without padding (a tag value takes letters, digits, `_ - . @`
/// only, 256 characters at most).
pub const KEY_TAG: &str = "rappel-key";
const TAG_VALUE_MAX: usize = 256;

impl MailTags {
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let recipient = match &self.recipient {
            Recipient::Client(id) => format!("client.{id}"),
            Recipient::Staff(id) => format!("staff.{id}"),
            Recipient::Manager(id) => format!("manager.{id}"),
            Recipient::Sender(id) => format!("sender.{id}"),
        };
        let mut pairs = vec![
            (TENANT_TAG.into(), self.tenant.to_string()),
            (RECIPIENT_TAG.into(), recipient),
            (KIND_TAG.into(), self.kind.as_str().into()),
        ];
        if let Some(key) = &self.key {
            let encoded = URL_SAFE_NO_PAD.encode(key);
            if encoded.len() <= TAG_VALUE_MAX {
                pairs.push((KEY_TAG.into(), encoded));
            }
        }
        pairs
    }

    /// Reads the tags back; `None` if one is missing or not ours.
    pub fn from_pairs<'a>(mut get: impl FnMut(&str) -> Option<&'a str>) -> Option<Self> {
        let tenant = TenantId::parse(get(TENANT_TAG)?).ok()?;
        let (family, id) = get(RECIPIENT_TAG)?.split_once('.')?;
        let recipient = match family {
            "client" => Recipient::Client(ClientId::parse(id).ok()?),
            "staff" => Recipient::Staff(StaffId::parse(id).ok()?),
            "manager" => Recipient::Manager(ManagerId::parse(id).ok()?),
            "sender" => Recipient::Sender(InboundId::parse(id).ok()?),
            _ => return None,
        };
        let kind = MessageKind::parse(get(KIND_TAG)?).ok()?;
        let key = get(KEY_TAG)
            .and_then(|encoded| URL_SAFE_NO_PAD.decode(encoded).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok());
        Some(Self {
            tenant,
            recipient,
            kind,
            key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_read_back_and_fit_the_providers_alphabet() {
        let tags = MailTags {
            tenant: TenantId::parse("salon-lea").unwrap(),
            recipient: Recipient::Manager(ManagerId::parse("owner_1").unwrap()),
            kind: MessageKind::Reminder,
            key: Some("salon-lea/appointment:ap_1/reminder/1/manager:owner_1/email".into()),
        };
        let pairs = tags.to_pairs();
        for (_, value) in &pairs {
            assert!(
                value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c)),
                "{value}"
            );
        }
        let back = MailTags::from_pairs(|name| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        });
        assert_eq!(back, Some(tags));
        assert_eq!(MailTags::from_pairs(|_| None), None);
    }

    #[test]
    fn a_key_too_long_for_a_tag_is_left_out_rather_than_cut() {
        let tags = MailTags {
            tenant: TenantId::parse("salon-lea").unwrap(),
            recipient: Recipient::Manager(ManagerId::parse("owner_1").unwrap()),
            kind: MessageKind::Reminder,
            key: Some("k".repeat(300)),
        };
        let pairs = tags.to_pairs();
        assert!(!pairs.is_empty());
        assert!(pairs.iter().all(|(name, _)| name != KEY_TAG));
    }
}
