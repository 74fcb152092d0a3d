//! E-mail address, parsed with the `email_address` crate (RFC 5321/5322 rules, no display text).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid e-mail address")]
pub struct InvalidEmail;

/// A deliverable-looking address: `local@domain`, no display name, no whitespace, ≤ 254 chars.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

crate::schema::string_schema!(
    EmailAddress,
    "An e-mail address, local@domain with a dotted domain, no display name, at most 254 characters.",
    "ana.martin@example.com",
    Some(utoipa::openapi::KnownFormat::Email),
    Some(254)
);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let trimmed = raw.trim();
        if trimmed.len() > 254 || trimmed.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(InvalidEmail);
        }
        let options = email_address::Options::default()
            .without_display_text()
            .without_domain_literal();
        let parsed = email_address::EmailAddress::parse_with_options(trimmed, options)
            .map_err(|_| InvalidEmail)?;
        // A single-label domain ("user@localhost") is never deliverable through SES.
        if !parsed.domain().contains('.') {
            return Err(InvalidEmail);
        }
        Ok(Self(parsed.as_str().to_owned()))
    }

    /// The part after the `@` (the parser guarantees one).
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A form safe for logs: first character of the local part and the domain.
    pub fn masked(&self) -> String {
        match self.0.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".to_owned(),
        }
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = InvalidEmail;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<EmailAddress> for String {
    fn from(e: EmailAddress) -> String {
        e.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_address_is_accepted() {
        assert_eq!(
            EmailAddress::parse(" lea@example.fr ").unwrap().as_str(),
            "lea@example.fr"
        );
    }

    #[test]
    fn malformed_addresses_and_header_injection_attempts_are_rejected() {
        for raw in [
            "",
            "lea",
            "lea@",
            "@example.fr",
            "Léa <lea@example.fr>",
            "lea@example.fr\r\nBcc: victim@example.com",
            "lea @example.fr",
            "lea@localhost",
        ] {
            assert!(
                EmailAddress::parse(raw).is_err(),
                "{raw:?} should be rejected"
            );
        }
    }

    #[test]
    fn the_masked_form_hides_the_local_part() {
        assert_eq!(
            EmailAddress::parse("lea@example.fr").unwrap().masked(),
            "l***@example.fr"
        );
    }
}
