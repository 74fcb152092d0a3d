//! A business's own sending identity: its e-mail leaves from an address of a domain it
//! proved it owns (`rendez-vous@salon-lea.fr`), signed with that domain's DKIM keys, instead of
//! the platform's address — so mailbox providers judge its mail by its own domain's
//! reputation, and its clients see and can answer its own address. Until the domain is
//! verified (the business publishes the DNS records it is given), mail leaves from the
//! platform's address as before.

use crate::model::{DomainName, EmailAddress};
use crate::render::SenderIdentity;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The mailbox used when the business names none.
pub const DEFAULT_MAILBOX: &str = "rendez-vous";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mailbox: {0:?} is not a mailbox name (1 to 64 of a-z, 0-9, '.', '_', '-')")]
pub struct InvalidMailbox(pub String);

/// The local part of the sending address: `rendez-vous` in `rendez-vous@salon-lea.fr`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "rendez-vous")]
pub struct Mailbox(String);

impl Mailbox {
    pub fn parse(raw: &str) -> Result<Self, InvalidMailbox> {
        let ok = (1..=64).contains(&raw.len())
            && !raw.starts_with('.')
            && !raw.ends_with('.')
            && !raw.contains("..")
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidMailbox(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Mailbox {
    fn default() -> Self {
        Self(DEFAULT_MAILBOX.to_owned())
    }
}

impl TryFrom<String> for Mailbox {
    type Error = InvalidMailbox;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Mailbox> for String {
    fn from(m: Mailbox) -> Self {
        m.0
    }
}

/// Where the domain's verification stands at the e-mail provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentityStatus {
    /// The DNS records are not found (yet): mail leaves from the platform's address.
    Pending,
    /// The domain is proven: mail leaves from the business's address.
    Verified,
    /// The provider gave up looking for the records (72 hours on SES): register it again
    /// once they are published.
    Failed,
}

/// A DNS record the business must publish for its domain to be verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DnsRecord {
    /// `CNAME`.
    #[serde(rename = "type")]
    #[schema(example = "CNAME")]
    pub record_type: String,
    #[schema(example = "abcdefghijklmnopqrstuvwxyz123456._domainkey.salon-lea.fr")]
    pub name: String,
    #[schema(example = "abcdefghijklmnopqrstuvwxyz123456.dkim.amazonses.com")]
    pub value: String,
}

/// The business's sending identity, as its settings keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SendingIdentity {
    pub domain: DomainName,
    #[serde(default)]
    pub mailbox: Mailbox,
    pub status: IdentityStatus,
    /// What to publish in the domain's DNS zone.
    pub dns_records: Vec<DnsRecord>,
    /// When the status was last asked of the provider.
    pub checked_at: DateTime<Utc>,
}

/// Who a business's e-mail is from: its own verified address, else the platform's (the SMS
/// opt-out wording stays the platform's: SMS leave from its number).
pub fn business_sender(
    identity: Option<&SendingIdentity>,
    platform: &SenderIdentity,
) -> SenderIdentity {
    match identity.and_then(SendingIdentity::from_address) {
        Some(address) => SenderIdentity {
            address,
            sms_opt_out: platform.sms_opt_out.clone(),
            two_way_sms: platform.two_way_sms,
        },
        None => platform.clone(),
    }
}

impl SendingIdentity {
    /// The address mail leaves from, once the domain is verified.
    pub fn from_address(&self) -> Option<EmailAddress> {
        if self.status != IdentityStatus::Verified {
            return None;
        }
        EmailAddress::parse(&format!("{}@{}", self.mailbox.as_str(), self.domain)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn identity(status: IdentityStatus) -> SendingIdentity {
        SendingIdentity {
            domain: DomainName::parse("salon-lea.fr").unwrap(),
            mailbox: Mailbox::default(),
            status,
            dns_records: Vec::new(),
            checked_at: Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(),
        }
    }

    #[test]
    fn mail_leaves_from_the_business_domain_only_once_it_is_verified() {
        assert_eq!(identity(IdentityStatus::Pending).from_address(), None);
        assert_eq!(identity(IdentityStatus::Failed).from_address(), None);
        assert_eq!(
            identity(IdentityStatus::Verified)
                .from_address()
                .map(|a| a.to_string()),
            Some("rendez-vous@salon-lea.fr".to_owned())
        );
    }

    #[test]
    fn a_business_mails_as_itself_once_verified_and_texts_as_the_platform() {
        let platform = SenderIdentity {
            address: EmailAddress::parse("no-reply@rappel.example").unwrap(),
            sms_opt_out: Some("STOP au 36111".into()),
            two_way_sms: false,
        };
        let pending = identity(IdentityStatus::Pending);
        assert_eq!(business_sender(Some(&pending), &platform), platform);
        assert_eq!(business_sender(None, &platform), platform);
        let own = business_sender(Some(&identity(IdentityStatus::Verified)), &platform);
        assert_eq!(own.address.to_string(), "rendez-vous@salon-lea.fr");
        assert_eq!(own.sms_opt_out, platform.sms_opt_out);
    }

    #[test]
    fn a_mailbox_is_a_plain_lower_case_local_part() {
        for good in ["rendez-vous", "contact", "no.reply", "rdv_2"] {
            assert!(Mailbox::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Contact",
            "a b",
            ".x",
            "x.",
            "a..b",
            "a@b",
            &"x".repeat(65),
        ] {
            assert!(Mailbox::parse(bad).is_err(), "{bad}");
        }
    }
}
