//! The operator's commands over integrators' keys: issue (the key is shown once, only its
//! digest is kept), revoke, and the businesses an integrator may act for. Rotation is issuing
//! a second key, moving the integrator to it, then revoking the first: both work meanwhile.

use chrono::{DateTime, Utc};
use rappel_core::access::{ApiKey, ApiKeyId, IntegratorId, KEY_ID_BYTES, SECRET_BYTES};
use rappel_core::model::TenantId;
use rappel_ports::credentials::{CredentialAdmin, CredentialsError, StoredKey};

/// Live keys an integrator may hold at once: enough to rotate (old and new) across a few
/// environments, few enough that a leaked operator script cannot mint keys without bound.
pub const MAX_LIVE_KEYS: usize = 5;
/// Characters a key's label may hold.
pub const MAX_LABEL_CHARS: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum KeyAdminError {
    #[error("the integrator already holds {MAX_LIVE_KEYS} live keys: revoke one first")]
    TooManyKeys,
    #[error("label: 1 to {MAX_LABEL_CHARS} characters")]
    InvalidLabel,
    #[error("the integrator has no key {0}")]
    UnknownKey(ApiKeyId),
    #[error("no randomness available for a key: {0}")]
    NoRandomness(String),
    #[error(transparent)]
    Unavailable(#[from] CredentialsError),
}

fn random<const N: usize>() -> Result<[u8; N], KeyAdminError> {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).map_err(|e| KeyAdminError::NoRandomness(e.to_string()))?;
    Ok(bytes)
}

/// A new key for `integrator`, labelled `label` (trimmed): the whole key is returned once (to
/// be handed over), its digest stored.
pub async fn issue_key(
    admin: &dyn CredentialAdmin,
    integrator: &IntegratorId,
    label: &str,
    now: DateTime<Utc>,
) -> Result<(ApiKey, StoredKey), KeyAdminError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
        return Err(KeyAdminError::InvalidLabel);
    }
    let live = admin
        .keys(integrator)
        .await?
        .iter()
        .filter(|key| key.is_live())
        .count();
    if live >= MAX_LIVE_KEYS {
        return Err(KeyAdminError::TooManyKeys);
    }
    let key = ApiKey::issue(
        integrator.clone(),
        random::<KEY_ID_BYTES>()?,
        random::<SECRET_BYTES>()?,
    );
    let stored = StoredKey {
        id: key.id().clone(),
        digest: key.digest(),
        label: label.to_owned(),
        created_at: now,
        revoked_at: None,
    };
    admin.put_key(integrator, &stored).await?;
    Ok((key, stored))
}

/// Revokes a key: refused from then on (after the authorizer's cache, at most its TTL).
pub async fn revoke_key(
    admin: &dyn CredentialAdmin,
    integrator: &IntegratorId,
    key: &ApiKeyId,
    now: DateTime<Utc>,
) -> Result<(), KeyAdminError> {
    if admin.revoke_key(integrator, key, now).await? {
        Ok(())
    } else {
        Err(KeyAdminError::UnknownKey(key.clone()))
    }
}

/// Lets the integrator's keys act for `business`.
pub async fn grant(
    admin: &dyn CredentialAdmin,
    integrator: &IntegratorId,
    business: &TenantId,
    now: DateTime<Utc>,
) -> Result<(), KeyAdminError> {
    Ok(admin.grant(integrator, business, now).await?)
}

/// Stops the integrator's keys acting for `business`; `false` if they could not.
pub async fn withdraw(
    admin: &dyn CredentialAdmin,
    integrator: &IntegratorId,
    business: &TenantId,
) -> Result<bool, KeyAdminError> {
    Ok(admin.withdraw(integrator, business).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{AuthorizeError, Denied, authorize};
    use chrono::TimeZone;
    use rappel_ports::credentials::MemoryCredentials;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
    }

    fn acme() -> IntegratorId {
        IntegratorId::parse("acme").unwrap()
    }

    fn salon() -> TenantId {
        TenantId::parse("salon-lea").unwrap()
    }

    async fn check(
        store: &MemoryCredentials,
        key: &str,
        business: &str,
    ) -> Result<TenantId, Denied> {
        match authorize(store, Some(&format!("Bearer {key}")), Some(business)).await {
            Ok(authorized) => Ok(authorized.business),
            Err(AuthorizeError::Denied(denied)) => Err(denied),
            Err(AuthorizeError::Unavailable(e)) => panic!("{e}"),
        }
    }

    #[tokio::test]
    async fn an_issued_key_acts_for_the_businesses_granted_and_no_other() {
        let store = MemoryCredentials::in_memory();
        let (key, _) = issue_key(&store, &acme(), "prod", now()).await.unwrap();
        let key = key.reveal();
        assert_eq!(
            check(&store, &key, "salon-lea").await,
            Err(Denied::NotGranted)
        );
        grant(&store, &acme(), &salon(), now()).await.unwrap();
        assert_eq!(check(&store, &key, "salon-lea").await, Ok(salon()));
        assert_eq!(
            check(&store, &key, "salon-zoe").await,
            Err(Denied::NotGranted)
        );
        assert_eq!(
            check(&store, &key, "no/such").await,
            Err(Denied::NoBusiness)
        );
        assert!(withdraw(&store, &acme(), &salon()).await.unwrap());
        assert_eq!(
            check(&store, &key, "salon-lea").await,
            Err(Denied::NotGranted)
        );
    }

    #[tokio::test]
    async fn a_rotated_key_works_beside_the_old_one_until_the_old_one_is_revoked() {
        let store = MemoryCredentials::in_memory();
        grant(&store, &acme(), &salon(), now()).await.unwrap();
        let (old, _) = issue_key(&store, &acme(), "2026", now()).await.unwrap();
        let (new, _) = issue_key(&store, &acme(), "2027", now()).await.unwrap();
        assert_ne!(old.id(), new.id());
        assert_eq!(check(&store, &old.reveal(), "salon-lea").await, Ok(salon()));
        assert_eq!(check(&store, &new.reveal(), "salon-lea").await, Ok(salon()));
        revoke_key(&store, &acme(), old.id(), now()).await.unwrap();
        assert_eq!(
            check(&store, &old.reveal(), "salon-lea").await,
            Err(Denied::Revoked)
        );
        assert_eq!(check(&store, &new.reveal(), "salon-lea").await, Ok(salon()));
    }

    #[tokio::test]
    async fn a_key_with_one_secret_digit_changed_or_another_integrators_name_is_refused() {
        let store = MemoryCredentials::in_memory();
        grant(&store, &acme(), &salon(), now()).await.unwrap();
        let (key, _) = issue_key(&store, &acme(), "prod", now()).await.unwrap();
        let shown = key.reveal();
        let last = shown.chars().last().unwrap();
        let changed = format!(
            "{}{}",
            &shown[..shown.len() - 1],
            if last == '0' { '1' } else { '0' }
        );
        assert_eq!(
            check(&store, &changed, "salon-lea").await,
            Err(Denied::WrongSecret)
        );
        let elsewhere = shown.replacen("rk_acme_", "rk_zen_", 1);
        assert_eq!(
            check(&store, &elsewhere, "salon-lea").await,
            Err(Denied::UnknownKey)
        );
        assert_eq!(
            check(&store, "a.jwt.token", "salon-lea").await,
            Err(Denied::NotAKey)
        );
        let missing = authorize(&store, None, Some("salon-lea")).await;
        assert!(matches!(
            missing,
            Err(AuthorizeError::Denied(Denied::NotAKey))
        ));
    }

    #[tokio::test]
    async fn an_integrator_holds_at_most_five_live_keys() {
        let store = MemoryCredentials::in_memory();
        let mut first = None;
        for n in 0..MAX_LIVE_KEYS {
            let (key, _) = issue_key(&store, &acme(), &format!("k{n}"), now())
                .await
                .unwrap();
            first.get_or_insert(key);
        }
        let refused = issue_key(&store, &acme(), "one more", now()).await;
        assert!(matches!(refused, Err(KeyAdminError::TooManyKeys)));
        let first = first.expect("a key was issued");
        revoke_key(&store, &acme(), first.id(), now())
            .await
            .unwrap();
        assert!(
            issue_key(&store, &acme(), "after a revocation", now())
                .await
                .is_ok()
        );
        let unknown = ApiKeyId::parse("0123456789abcdef").unwrap();
        let refused = revoke_key(&store, &acme(), &unknown, now()).await;
        assert!(matches!(refused, Err(KeyAdminError::UnknownKey(_))));
    }

    #[tokio::test]
    async fn a_key_needs_a_label_of_one_to_a_hundred_characters() {
        let store = MemoryCredentials::in_memory();
        for label in ["", "   ", &"é".repeat(101)] {
            let refused = issue_key(&store, &acme(), label, now()).await;
            assert!(
                matches!(refused, Err(KeyAdminError::InvalidLabel)),
                "{label:?}"
            );
        }
        let (_, stored) = issue_key(&store, &acme(), &format!(" {} ", "é".repeat(100)), now())
            .await
            .unwrap();
        assert_eq!(stored.label.chars().count(), 100, "trimmed");
    }
}
