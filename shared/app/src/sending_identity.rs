//! A business's own sending domain (`/v1/sending-identity`): registered at the e-mail provider,
//! which hands back the DNS records that prove it; kept on the business's settings record, so
//! the delivery path — which reads the settings once per message already — sends from it once
//! it is verified, with no read of its own. Asking for it while it is pending asks the provider
//! (one call) and keeps what changed.

use crate::commands::settings::amend_settings;
use crate::services::ApiServices;
use rappel_core::model::{DomainName, TenantId};
use rappel_core::settings::{IdentityStatus, Mailbox, SendingIdentity};
use rappel_ports::records::{StoreError, TypedRecords};
use rappel_ports::sending_domains::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Domain(#[from] DomainError),
}

/// How many times a save is tried against concurrent edits of the settings.
const SAVE_ATTEMPTS: usize = 3;

/// Registers `domain` as the business's sending domain (replacing any other, which is given
/// up) and answers the identity with the DNS records to publish.
pub async fn register_identity(
    s: &ApiServices,
    tenant: &TenantId,
    domain: DomainName,
    mailbox: Mailbox,
) -> Result<SendingIdentity, IdentityError> {
    let dns_records = s.domains.register(tenant, &domain).await?;
    let status = s.domains.status(&domain).await?;
    let identity = SendingIdentity {
        domain,
        mailbox,
        status,
        dns_records,
        checked_at: s.clock.now(),
    };
    let before = save(s, tenant, Some(identity.clone())).await?;
    if let Some(old) = before.filter(|old| old.domain != identity.domain)
        && let Err(error) = s.domains.release(tenant, &old.domain).await
    {
        tracing::warn!(%tenant, %error, "the former sending domain could not be given up");
    }
    Ok(identity)
}

/// The business's sending identity, its status asked of the provider while pending.
pub async fn current_identity(
    s: &ApiServices,
    tenant: &TenantId,
) -> Result<Option<SendingIdentity>, IdentityError> {
    let Some(identity) = s.records.settings(tenant).await?.sending_identity else {
        return Ok(None);
    };
    if identity.status == IdentityStatus::Verified {
        return Ok(Some(identity));
    }
    let status = s.domains.status(&identity.domain).await?;
    let checked = SendingIdentity {
        status,
        checked_at: s.clock.now(),
        ..identity.clone()
    };
    if status != identity.status {
        save(s, tenant, Some(checked.clone())).await?;
    }
    Ok(Some(checked))
}

/// Goes back to the platform's address: the identity is taken off the settings and its domain
/// given up. Answers whether there was one.
pub async fn remove_identity(s: &ApiServices, tenant: &TenantId) -> Result<bool, IdentityError> {
    let Some(old) = save(s, tenant, None).await? else {
        return Ok(false);
    };
    s.domains.release(tenant, &old.domain).await?;
    Ok(true)
}

/// Puts `identity` on the settings record (a new version, nothing else changed) and answers
/// the one it replaced.
async fn save(
    s: &ApiServices,
    tenant: &TenantId,
    identity: Option<SendingIdentity>,
) -> Result<Option<SendingIdentity>, StoreError> {
    let (before, _) = amend_settings(s.records.as_ref(), tenant, SAVE_ATTEMPTS, |settings| {
        let changed = settings.sending_identity != identity;
        settings.sending_identity = identity.clone();
        changed
    })
    .await?;
    Ok(before.and_then(|b| b.sending_identity))
}
