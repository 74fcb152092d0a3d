//! What Rappel tags each e-mail with, so the provider's feedback about it can be traced back to
//! a business and a recipient without storing anything per message: SES publishes a
//! configuration set's events with the message's tags. Tag values allow `[A-Za-z0-9_.@-]`:
//! ids already fit, and a recipient is written `<client|staff|manager>.<id>`.

use crate::message::{MessageKind, Recipient};
use crate::model::{ClientId, InboundId, ManagerId, StaffId, TenantId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailTags {
    pub tenant: TenantId,
    pub recipient: Recipient,
    pub kind: MessageKind,
}

pub const TENANT_TAG: &str = "rappel-tenant";
pub const RECIPIENT_TAG: &str = "rappel-recipient";
pub const KIND_TAG: &str = "rappel-kind";

impl MailTags {
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let recipient = match &self.recipient {
            Recipient::Client(id) => format!("client.{id}"),
            Recipient::Staff(id) => format!("staff.{id}"),
            Recipient::Manager(id) => format!("manager.{id}"),
            Recipient::Sender(id) => format!("sender.{id}"),
        };
        vec![
            (TENANT_TAG.into(), self.tenant.to_string()),
            (RECIPIENT_TAG.into(), recipient),
            (KIND_TAG.into(), self.kind.as_str().into()),
        ]
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
        Some(Self {
            tenant,
            recipient,
            kind,
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
}
