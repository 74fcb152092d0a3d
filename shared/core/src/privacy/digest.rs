//! A keyed hash of an e-mail address or a phone number: the same address always gives the same
//! digest (so a refusal is found again), and the digest does not give the address back — not
//! even to someone who can read the tables and tries every address of a directory, without
//! the deployment's key.

use crate::model::{EmailAddress, PhoneNumber};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The hex HMAC-SHA256 of an address under the deployment's pseudonym key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AddressDigest(String);

impl AddressDigest {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A digest read back from a store (64 lowercase hex digits), or `None`.
    pub fn parse(stored: &str) -> Option<Self> {
        (stored.len() == 64
            && stored
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| Self(stored.to_owned()))
    }
}

impl std::fmt::Display for AddressDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The deployment's pseudonym key. Never rotated: a digest made under another key would not
/// find the refusals kept under this one (the link keys rotate, so they are not used).
#[derive(Clone)]
pub struct Pseudonyms {
    key: Vec<u8>,
}

impl std::fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pseudonyms").finish_non_exhaustive()
    }
}

/// A key shorter than this is refused: the digest is only as strong as the key is unguessable.
pub const MIN_KEY_LEN: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the pseudonym key must be at least {MIN_KEY_LEN} bytes long")]
pub struct ShortKey;

impl Pseudonyms {
    pub fn new(key: impl Into<Vec<u8>>) -> Result<Self, ShortKey> {
        let key = key.into();
        if key.len() < MIN_KEY_LEN {
            return Err(ShortKey);
        }
        Ok(Self { key })
    }

    /// An e-mail address's digest, whatever the case it is written in.
    pub fn email(&self, address: &EmailAddress) -> AddressDigest {
        self.digest("email", &address.as_str().to_lowercase())
    }

    /// A phone number's digest (of its E.164 form).
    pub fn phone(&self, number: &PhoneNumber) -> AddressDigest {
        self.digest("phone", number.as_str())
    }

    fn digest(&self, kind: &str, value: &str) -> AddressDigest {
        // A key of any length is accepted by HMAC; `new` checked it is long enough.
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.key) else {
            unreachable!("HMAC takes keys of any length")
        };
        mac.update(kind.as_bytes());
        mac.update(b":");
        mac.update(value.as_bytes());
        let bytes = mac.finalize().into_bytes();
        AddressDigest(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudonyms(key: &str) -> Pseudonyms {
        Pseudonyms::new(key.repeat(8)).unwrap()
    }

    #[test]
    fn an_address_gives_the_same_digest_whatever_its_case_and_never_itself() {
        let p = pseudonyms("key-one!");
        let lower = EmailAddress::parse("lea.martin@example.fr").unwrap();
        let upper = EmailAddress::parse("Lea.Martin@Example.FR").unwrap();
        assert_eq!(p.email(&lower), p.email(&upper));
        assert!(!p.email(&lower).as_str().contains("lea"));
        assert!(AddressDigest::parse(p.email(&lower).as_str()).is_some());
    }

    #[test]
    fn another_key_or_another_address_gives_another_digest() {
        let address = EmailAddress::parse("lea@example.fr").unwrap();
        let other = EmailAddress::parse("leo@example.fr").unwrap();
        assert_ne!(
            pseudonyms("key-one!").email(&address),
            pseudonyms("key-two!").email(&address)
        );
        assert_ne!(
            pseudonyms("key-one!").email(&address),
            pseudonyms("key-one!").email(&other)
        );
    }

    #[test]
    fn a_number_and_an_address_never_share_a_digest_space() {
        let p = pseudonyms("key-one!");
        let number = PhoneNumber::parse("+33612345678").unwrap();
        assert_ne!(
            p.phone(&number).as_str(),
            p.digest("email", "+33612345678").as_str()
        );
    }

    #[test]
    fn a_short_key_is_refused() {
        assert_eq!(Pseudonyms::new("short").unwrap_err(), ShortKey);
    }
}
