//! A server-to-server API key: what an integrator (a booking platform serving many businesses)
//! presents instead of a JWT per business. The key names its integrator and its own id in
//! clear, so one read finds both the key and the business grant; only a digest of the secret
//! is ever stored, so a leaked table or log gives nobody a working key.
//!
//! Shape: `rk_<integrator>_<key id>_<secret>`, e.g.
//! `rk_acme-booking_3f9a1c0d5e7b2a46_<64 hex digits>`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// The prefix every key starts with: a scanner (or a person) recognises a leaked key by it.
pub const KEY_PREFIX: &str = "rk_";
/// The header (lowercase, as HTTP/2 and API Gateway write it) that names the business an
/// integrator's request acts for.
pub const BUSINESS_HEADER: &str = "x-rappel-business";
/// Random bytes in a key's id and in its secret.
pub const KEY_ID_BYTES: usize = 8;
pub const SECRET_BYTES: usize = 32;

/// Why a text is not an API key (never says more: the text may be someone's secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidApiKey {
    #[error("not an API key (rk_<integrator>_<key id>_<secret>)")]
    Malformed,
}

/// Why a text is not an integrator id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "an integrator id is 1 to 32 lowercase letters, digits or '-', starting with a letter or digit"
)]
pub struct InvalidIntegratorId;

/// A platform that acts for businesses through the API with keys of its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IntegratorId(String);

impl IntegratorId {
    pub fn parse(raw: &str) -> Result<Self, InvalidIntegratorId> {
        let ok = (1..=32).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidIntegratorId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IntegratorId {
    type Error = InvalidIntegratorId;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<IntegratorId> for String {
    fn from(id: IntegratorId) -> String {
        id.0
    }
}

impl fmt::Display for IntegratorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One key of an integrator: public, printed in lists and logs (its secret never is).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ApiKeyId(String);

impl ApiKeyId {
    pub fn parse(raw: &str) -> Result<Self, InvalidApiKey> {
        if is_lower_hex(raw, KEY_ID_BYTES) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidApiKey::Malformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ApiKeyId {
    type Error = InvalidApiKey;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<ApiKeyId> for String {
    fn from(id: ApiKeyId) -> String {
        id.0
    }
}

impl fmt::Display for ApiKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_lower_hex(raw: &str, bytes: usize) -> bool {
    raw.len() == bytes * 2 && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The digest of a key's secret, as stored: SHA-256 over the key's public parts and its
/// secret. A secret is 256 random bits, so a fast hash is as strong as a slow one here (there
/// is no password to guess), and it keeps the authorizer's check at a few microseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretDigest(String);

impl SecretDigest {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A stored digest, as read back.
    pub fn stored(hex: String) -> Self {
        Self(hex)
    }

    /// Whether `other` is the same digest, in time that does not depend on where they differ.
    pub fn matches(&self, other: &SecretDigest) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// A key as presented in `Authorization: Bearer …`: its public parts and its secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    integrator: IntegratorId,
    id: ApiKeyId,
    secret: String,
}

impl ApiKey {
    /// Reads a presented key; any other text (a JWT, a typo) is `Malformed`.
    pub fn parse(raw: &str) -> Result<Self, InvalidApiKey> {
        let rest = raw
            .strip_prefix(KEY_PREFIX)
            .ok_or(InvalidApiKey::Malformed)?;
        let mut parts = rest.split('_');
        let (Some(integrator), Some(id), Some(secret), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(InvalidApiKey::Malformed);
        };
        if !is_lower_hex(secret, SECRET_BYTES) {
            return Err(InvalidApiKey::Malformed);
        }
        Ok(Self {
            integrator: IntegratorId::parse(integrator).map_err(|_| InvalidApiKey::Malformed)?,
            id: ApiKeyId::parse(id)?,
            secret: secret.to_owned(),
        })
    }

    /// A new key for `integrator` from fresh random bytes (the caller's source of randomness).
    pub fn issue(
        integrator: IntegratorId,
        id: [u8; KEY_ID_BYTES],
        secret: [u8; SECRET_BYTES],
    ) -> Self {
        Self {
            integrator,
            id: ApiKeyId(hex::encode(id)),
            secret: hex::encode(secret),
        }
    }

    pub fn integrator(&self) -> &IntegratorId {
        &self.integrator
    }

    pub fn id(&self) -> &ApiKeyId {
        &self.id
    }

    /// The digest stored for this key.
    pub fn digest(&self) -> SecretDigest {
        let mut hash = Sha256::new();
        for part in [
            "rappel-api-key-v1",
            self.integrator.as_str(),
            self.id.as_str(),
            &self.secret,
        ] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        SecretDigest(hex::encode(hash.finalize()))
    }

    /// The whole key, to be shown once to whoever asked for it.
    pub fn reveal(&self) -> String {
        format!(
            "{KEY_PREFIX}{}_{}_{}",
            self.integrator, self.id, self.secret
        )
    }
}

/// Never prints the secret.
impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({KEY_PREFIX}{}_{}_…)", self.integrator, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme_key() -> ApiKey {
        ApiKey::issue(
            IntegratorId::parse("acme-booking").unwrap(),
            [7; 8],
            [9; 32],
        )
    }

    #[test]
    fn an_issued_key_reads_back_as_the_same_key() {
        let key = acme_key();
        let shown = key.reveal();
        assert!(shown.starts_with("rk_acme-booking_0707070707070707_0909"));
        assert_eq!(ApiKey::parse(&shown), Ok(key));
    }

    #[test]
    fn a_jwt_a_truncated_key_or_an_extra_part_is_not_a_key() {
        let shown = acme_key().reveal();
        for text in [
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
            &shown[..shown.len() - 1],
            &format!("{shown}_more"),
            &shown.replacen("rk_", "pk_", 1),
            &shown.replace("acme-booking", "Acme"),
            &shown.to_uppercase(),
            "rk____",
            "",
        ] {
            assert_eq!(ApiKey::parse(text), Err(InvalidApiKey::Malformed), "{text}");
        }
    }

    #[test]
    fn the_digest_changes_with_every_part_of_the_key() {
        let key = acme_key();
        let other_secret = ApiKey::issue(key.integrator().clone(), [7; 8], [8; 32]);
        let other_id = ApiKey::issue(key.integrator().clone(), [6; 8], [9; 32]);
        let other_integrator = ApiKey::issue(IntegratorId::parse("zen").unwrap(), [7; 8], [9; 32]);
        assert!(key.digest().matches(&key.digest()));
        for other in [other_secret, other_id, other_integrator] {
            assert!(!key.digest().matches(&other.digest()), "{other:?}");
        }
    }

    #[test]
    fn a_key_never_prints_its_secret() {
        let key = acme_key();
        let printed = format!("{key:?}");
        assert!(printed.contains("0707070707070707"));
        assert!(!printed.contains("0909"), "{printed}");
    }

    #[test]
    fn an_integrator_id_is_lowercase_letters_digits_and_dashes() {
        assert!(IntegratorId::parse("acme-2").is_ok());
        for bad in ["", "-acme", "Acme", "acme_booking", "a/b", &"a".repeat(33)] {
            assert!(IntegratorId::parse(bad).is_err(), "{bad}");
        }
    }
}
