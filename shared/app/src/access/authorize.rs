//! Whether a request's API key may act for the business it names. Everything that can be
//! wrong says only *that* it is wrong to the caller (401/403); the reason goes to the logs and
//! metrics, by name, never with the key.

use rappel_core::access::ApiKey;
use rappel_core::access::{ApiKeyId, IntegratorId};
use rappel_core::model::TenantId;
use rappel_ports::credentials::{CredentialCheck, CredentialsError};

/// Who a request acts as, once its key is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    pub business: TenantId,
    pub integrator: IntegratorId,
    pub key: ApiKeyId,
}

/// Why a key does not let a request through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("the Authorization header holds no API key")]
    NotAKey,
    #[error("the business header is missing or not a business id")]
    NoBusiness,
    #[error("no such key")]
    UnknownKey,
    #[error("the key was revoked")]
    Revoked,
    #[error("the key's secret does not match")]
    WrongSecret,
    #[error("the key's integrator may not act for this business")]
    NotGranted,
}

impl Denied {
    /// A short name for metrics and logs.
    pub fn name(self) -> &'static str {
        match self {
            Denied::NotAKey => "not_a_key",
            Denied::NoBusiness => "no_business",
            Denied::UnknownKey => "unknown_key",
            Denied::Revoked => "revoked",
            Denied::WrongSecret => "wrong_secret",
            Denied::NotGranted => "not_granted",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthorizeError {
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Unavailable(#[from] CredentialsError),
}

/// Checks `authorization` (the header's value, `Bearer rk_…`) for `business` (the business
/// header's value): one read of the key and the grant.
pub async fn authorize(
    check: &dyn CredentialCheck,
    authorization: Option<&str>,
    business: Option<&str>,
) -> Result<Authorized, AuthorizeError> {
    let presented = authorization
        .and_then(bearer_token)
        .and_then(|token| ApiKey::parse(token).ok())
        .ok_or(Denied::NotAKey)?;
    let business = business
        .and_then(|b| TenantId::parse(b.trim()).ok())
        .ok_or(Denied::NoBusiness)?;
    let found = check
        .key_and_grant(presented.integrator(), presented.id(), &business)
        .await?;
    let stored = found.key.ok_or(Denied::UnknownKey)?;
    if !stored.digest.matches(&presented.digest()) {
        return Err(Denied::WrongSecret.into());
    }
    if !stored.is_live() {
        return Err(Denied::Revoked.into());
    }
    if !found.granted {
        return Err(Denied::NotGranted.into());
    }
    Ok(Authorized {
        business,
        integrator: presented.integrator().clone(),
        key: presented.id().clone(),
    })
}

/// The token of `Bearer <token>` (the scheme in any case, as RFC 9110 says).
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}
