//! A DNS domain name as a business declares one: lower-case letters, digits and hyphens in
//! dot-separated labels, at least two labels (`salon-lea.fr`). No trailing dot, no IP address,
//! no internationalised form (the punycode `xn--` one is accepted).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a domain name (lower-case letters, digits, '-' and dots, like \"salon-lea.fr\")"
)]
pub struct InvalidDomainName(pub String);

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DomainName(String);

crate::schema::string_schema!(
    DomainName,
    "A domain name: lower-case letters, digits, '-' and dots, at least two labels.",
    "salon-lea.fr",
    None,
    Some(253)
);

impl DomainName {
    pub fn parse(raw: &str) -> Result<Self, InvalidDomainName> {
        let labels_ok = raw.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
        // The last label is a top-level domain: never all digits (that would be an address).
        let top_level_ok = raw
            .rsplit('.')
            .next()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()));
        if labels_ok && top_level_ok && raw.contains('.') && raw.len() <= 253 {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidDomainName(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DomainName {
    type Error = InvalidDomainName;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<DomainName> for String {
    fn from(d: DomainName) -> Self {
        d.0
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_is_lower_case_labels_with_at_least_one_dot() {
        for good in [
            "salon-lea.fr",
            "mail.salon-lea.fr",
            "xn--caf-dma.fr",
            "a1.co",
        ] {
            assert!(DomainName::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "localhost",
            "Salon.fr",
            "-salon.fr",
            "salon-.fr",
            "salon..fr",
            "salon.fr.",
            "10.0.0.1",
            "salon lea.fr",
            "",
        ] {
            assert!(DomainName::parse(bad).is_err(), "{bad}");
        }
    }
}
