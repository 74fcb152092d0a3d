//! Signed cancel / reschedule links: HMAC-SHA256 over what the link allows, so a link cannot be
//! forged or reused for another appointment or action, and expires at the appointment's start.

use crate::model::{AppointmentId, ClientId, TenantId};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkAction {
    Cancel,
    Reschedule,
    /// One-click unsubscribe from marketing messages (bound to a client, not an appointment).
    Unsubscribe,
}

impl LinkAction {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkAction::Cancel => "cancel",
            LinkAction::Reschedule => "reschedule",
            LinkAction::Unsubscribe => "unsubscribe",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link signature is not valid")]
    BadSignature,
    #[error("the link has expired")]
    Expired,
}

/// Makes and checks links. The secret comes from configuration (Secrets Manager on AWS).
#[derive(Clone)]
pub struct LinkSigner {
    base_url: String,
    secret: Vec<u8>,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkSigner")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl LinkSigner {
    pub fn new(base_url: impl Into<String>, secret: impl Into<Vec<u8>>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            secret: secret.into(),
        }
    }

    fn signature(
        &self,
        tenant: &TenantId,
        appointment: &str,
        action: LinkAction,
        expires: i64,
    ) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = match HmacSha256::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            Err(_) => return String::new(),
        };
        mac.update(format!("{tenant}\n{appointment}\n{}\n{expires}", action.as_str()).as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    pub fn link(
        &self,
        tenant: &TenantId,
        appointment: &AppointmentId,
        action: LinkAction,
        expires: DateTime<Utc>,
    ) -> String {
        self.signed(tenant, appointment.as_str(), action, expires)
    }

    /// The one-click unsubscribe link of a client (`List-Unsubscribe`, RFC 8058).
    pub fn unsubscribe_link(
        &self,
        tenant: &TenantId,
        client: &ClientId,
        expires: DateTime<Utc>,
    ) -> String {
        self.signed(tenant, client.as_str(), LinkAction::Unsubscribe, expires)
    }

    fn signed(
        &self,
        tenant: &TenantId,
        subject: &str,
        action: LinkAction,
        expires: DateTime<Utc>,
    ) -> String {
        let exp = expires.timestamp();
        let sig = self.signature(tenant, subject, action, exp);
        format!(
            "{}/{tenant}/{subject}/{}?exp={exp}&sig={sig}",
            self.base_url,
            action.as_str()
        )
    }

    pub fn verify(
        &self,
        tenant: &TenantId,
        appointment: &AppointmentId,
        action: LinkAction,
        expires: i64,
        signature: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LinkError> {
        let mut mac =
            HmacSha256::new_from_slice(&self.secret).map_err(|_| LinkError::BadSignature)?;
        mac.update(format!("{tenant}\n{appointment}\n{}\n{expires}", action.as_str()).as_bytes());
        let given = hex::decode(signature).map_err(|_| LinkError::BadSignature)?;
        mac.verify_slice(&given)
            .map_err(|_| LinkError::BadSignature)?;
        if now.timestamp() > expires {
            return Err(LinkError::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_link_verifies_until_it_expires_and_only_for_its_action() {
        let signer = LinkSigner::new("https://r.example/l/", b"secret".to_vec());
        let (t, a) = (
            TenantId::parse("t").unwrap(),
            AppointmentId::parse("a").unwrap(),
        );
        let exp = Utc.with_ymd_and_hms(2026, 5, 1, 10, 0, 0).unwrap();
        let link = signer.link(&t, &a, LinkAction::Cancel, exp);
        assert!(link.starts_with("https://r.example/l/t/a/cancel?exp="));
        let sig = link.rsplit("sig=").next().unwrap();
        let before = exp - chrono::Duration::hours(1);
        assert_eq!(
            signer.verify(&t, &a, LinkAction::Cancel, exp.timestamp(), sig, before),
            Ok(())
        );
        assert_eq!(
            signer.verify(&t, &a, LinkAction::Reschedule, exp.timestamp(), sig, before),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            signer.verify(&t, &a, LinkAction::Cancel, exp.timestamp() + 1, sig, before),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            signer.verify(
                &t,
                &a,
                LinkAction::Cancel,
                exp.timestamp(),
                sig,
                exp + chrono::Duration::seconds(1)
            ),
            Err(LinkError::Expired)
        );
    }
}
