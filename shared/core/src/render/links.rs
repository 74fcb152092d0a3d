//! Signed links in client messages (cancel, reschedule, one-click unsubscribe): HMAC-SHA256
//! over tenant, subject id, action and expiry, so a link cannot be forged, nor reused for
//! another appointment, client, business or action, and stops working when it expires.
//!
//! **Expiry.** An appointment's links expire [`LINK_MARGIN_AFTER_END`] after its end: long
//! enough for a client who opens an old e-mail to be told clearly that the appointment has
//! begun or is over (a page, not an "expired link"), short enough that a leaked link dies.
//! Unsubscribe links last [`UNSUBSCRIBE_LINK_LIFETIME`] (RFC 8058 asks that they keep working).
//!
//! **Key rotation.** The secret holds the current key and, for a while, the previous one:
//! links are signed with the current key and accepted under either, so rotating the key does
//! not break the links in e-mails already sent. Signatures are compared in constant time
//! (`hmac`'s `verify_slice`).
//!
//! **Reschedule tokens.** A reschedule link sends the client on to the business's own booking
//! page with a token its booking tool can check: HMAC-SHA256 under a key derived per business
//! ([`LinkSigner::business_keys`]), so one business can never mint or check another's tokens.

use crate::model::{AppointmentId, ClientId, FreedSlot, TenantId};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How long after an appointment's end its links keep answering.
pub const LINK_MARGIN_AFTER_END: Duration = Duration::days(7);
/// How long an unsubscribe link keeps working.
pub const UNSUBSCRIBE_LINK_LIFETIME: Duration = Duration::days(365);
/// Shortest key accepted (bytes).
pub const MIN_KEY_BYTES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkAction {
    Cancel,
    Reschedule,
    /// The client confirms they will come (a reminder that asks for a confirmation).
    Confirm,
    /// One-click unsubscribe from marketing messages (bound to a client, not an appointment).
    Unsubscribe,
}

impl LinkAction {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkAction::Cancel => "cancel",
            LinkAction::Reschedule => "reschedule",
            LinkAction::Confirm => "confirm",
            LinkAction::Unsubscribe => "unsubscribe",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Cancel,
            Self::Reschedule,
            Self::Confirm,
            Self::Unsubscribe,
        ]
        .into_iter()
        .find(|a| a.as_str() == raw)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link signature is not valid")]
    BadSignature,
    #[error("the link has expired")]
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidLinkKeys {
    #[error("a link key must be at least {MIN_KEY_BYTES} bytes")]
    TooShort,
    #[error("the link secret is JSON but not {{\"current\": \"…\", \"previous\": \"…\"}}")]
    BadJson,
}

/// Makes and checks links. The keys come from configuration (Secrets Manager on AWS).
#[derive(Clone)]
pub struct LinkSigner {
    base_url: String,
    current: Vec<u8>,
    previous: Option<Vec<u8>>,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkSigner")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RotatingSecret {
    current: String,
    #[serde(default)]
    previous: Option<String>,
}

impl LinkSigner {
    /// One key, no previous one.
    pub fn new(base_url: impl Into<String>, secret: impl Into<Vec<u8>>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            current: secret.into(),
            previous: None,
        }
    }

    /// From the stored secret: either the key itself, or `{"current": "…", "previous": "…"}`
    /// during a rotation. Each key at least [`MIN_KEY_BYTES`] bytes.
    pub fn from_secret(
        base_url: impl Into<String>,
        secret: &[u8],
    ) -> Result<Self, InvalidLinkKeys> {
        let trimmed = secret.trim_ascii_start();
        let (current, previous) = if trimmed.first() == Some(&b'{') {
            let parsed: RotatingSecret =
                serde_json::from_slice(secret).map_err(|_| InvalidLinkKeys::BadJson)?;
            (
                parsed.current.into_bytes(),
                parsed.previous.map(String::into_bytes),
            )
        } else {
            (secret.to_vec(), None)
        };
        if current.len() < MIN_KEY_BYTES
            || previous.as_ref().is_some_and(|p| p.len() < MIN_KEY_BYTES)
        {
            return Err(InvalidLinkKeys::TooShort);
        }
        Ok(Self {
            previous,
            ..Self::new(base_url, current)
        })
    }

    fn mac(key: &[u8], message: &str) -> Option<HmacSha256> {
        let mut mac = HmacSha256::new_from_slice(key).ok()?;
        mac.update(message.as_bytes());
        Some(mac)
    }

    fn payload(tenant: &TenantId, subject: &str, action: LinkAction, expires: i64) -> String {
        format!("{tenant}\n{subject}\n{}\n{expires}", action.as_str())
    }

    fn signature(
        &self,
        tenant: &TenantId,
        subject: &str,
        action: LinkAction,
        expires: i64,
    ) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        Self::mac(
            &self.current,
            &Self::payload(tenant, subject, action, expires),
        )
        .map(|mac| hex::encode(mac.finalize().into_bytes()))
        .unwrap_or_default()
    }

    /// A cancel or reschedule link of an appointment, valid until `expires`.
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

    /// Checks a link's signature under the current key, then the previous one, in constant
    /// time; then its expiry. The signature is checked first, so an expired forgery is still
    /// "not valid" and says nothing about what exists.
    pub fn verify(
        &self,
        tenant: &TenantId,
        subject: &str,
        action: LinkAction,
        expires: i64,
        signature: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LinkError> {
        // Only the form it was signed in: a link is accepted as sent, not as anything that
        // decodes to the same bytes (upper-case hex).
        if !signature
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(LinkError::BadSignature);
        }
        let given = hex::decode(signature).map_err(|_| LinkError::BadSignature)?;
        let payload = Self::payload(tenant, subject, action, expires);
        let valid = std::iter::once(&self.current)
            .chain(self.previous.as_ref())
            .filter_map(|key| Self::mac(key, &payload))
            .any(|mac| mac.verify_slice(&given).is_ok());
        if !valid {
            return Err(LinkError::BadSignature);
        }
        if now.timestamp() > expires {
            return Err(LinkError::Expired);
        }
        Ok(())
    }

    /// A business's reschedule-token keys (current, then previous during a rotation): what its
    /// booking tool checks tokens with. Derived from the link keys, so each business has its
    /// own and none can check another's.
    pub fn business_keys(&self, tenant: &TenantId) -> Vec<String> {
        std::iter::once(&self.current)
            .chain(self.previous.as_ref())
            .filter_map(|key| Self::mac(key, &format!("reschedule-token-key\n{tenant}")))
            .map(|mac| hex::encode(mac.finalize().into_bytes()))
            .collect()
    }

    /// The token handed to the business's booking page with a reschedule:
    /// `<appointment id>.<expiry, unix seconds>.<hex HMAC-SHA256>` where the HMAC is computed
    /// with the business key (the hex string's bytes) over `<tenant>\n<appointment id>\n<expiry>`.
    pub fn reschedule_token(
        &self,
        tenant: &TenantId,
        appointment: &AppointmentId,
        expires: DateTime<Utc>,
    ) -> String {
        let exp = expires.timestamp();
        let key = self.business_keys(tenant).remove(0);
        let sig = Self::mac(key.as_bytes(), &format!("{tenant}\n{appointment}\n{exp}"))
            .map(|mac| hex::encode(mac.finalize().into_bytes()))
            .unwrap_or_default();
        format!("{appointment}.{exp}.{sig}")
    }

    /// The token an offer of a freed slot hands to the business's booking page, so that its
    /// booking tool can trust which slot is offered to which client:
    /// `<client>.<staff>.<type>.<start>.<end>.<expiry>.<hex HMAC-SHA256>` (instants in unix
    /// seconds), the HMAC computed with the business key over
    /// `<tenant>\nslot\n<client>\n<staff>\n<type>\n<start>\n<end>\n<expiry>`.
    pub fn slot_offer_token(
        &self,
        tenant: &TenantId,
        client: &ClientId,
        slot: &FreedSlot,
        expires: DateTime<Utc>,
    ) -> String {
        let body = format!(
            "{client}.{}.{}.{}.{}.{}",
            slot.staff,
            slot.type_id,
            slot.start.timestamp(),
            slot.end.timestamp(),
            expires.timestamp()
        );
        let key = self.business_keys(tenant).remove(0);
        let signed = format!("{tenant}\nslot\n{}", body.replace('.', "\n"));
        let sig = Self::mac(key.as_bytes(), &signed)
            .map(|mac| hex::encode(mac.finalize().into_bytes()))
            .unwrap_or_default();
        format!("{body}.{sig}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const OLD: &[u8] = b"fedcba9876543210fedcba9876543210";

    fn parts(link: &str) -> (i64, String) {
        let query = link.split_once('?').unwrap().1;
        let exp = query.split('&').next().unwrap().trim_start_matches("exp=");
        let sig = link.rsplit("sig=").next().unwrap();
        (exp.parse().unwrap(), sig.to_owned())
    }

    #[test]
    fn a_link_verifies_until_it_expires_and_only_for_its_action() {
        let signer = LinkSigner::new("https://r.example/l/", KEY.to_vec());
        let (t, a) = (
            TenantId::parse("t").unwrap(),
            AppointmentId::parse("a").unwrap(),
        );
        let exp = Utc.with_ymd_and_hms(2026, 5, 1, 10, 0, 0).unwrap();
        let link = signer.link(&t, &a, LinkAction::Cancel, exp);
        assert!(link.starts_with("https://r.example/l/t/a/cancel?exp="));
        let (_, sig) = parts(&link);
        let before = exp - Duration::hours(1);
        let verify = |action, exp, sig: &str, now| signer.verify(&t, "a", action, exp, sig, now);
        assert_eq!(
            verify(LinkAction::Cancel, exp.timestamp(), &sig, before),
            Ok(())
        );
        assert_eq!(
            verify(LinkAction::Reschedule, exp.timestamp(), &sig, before),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            verify(LinkAction::Cancel, exp.timestamp() + 1, &sig, before),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            verify(
                LinkAction::Cancel,
                exp.timestamp(),
                &sig,
                exp + Duration::seconds(1)
            ),
            Err(LinkError::Expired)
        );
        assert_eq!(
            signer.verify(
                &TenantId::parse("other").unwrap(),
                "a",
                LinkAction::Cancel,
                exp.timestamp(),
                &sig,
                before
            ),
            Err(LinkError::BadSignature),
            "bound to its business"
        );
        assert_eq!(
            verify(
                LinkAction::Cancel,
                exp.timestamp(),
                &sig.to_uppercase(),
                before
            ),
            Err(LinkError::BadSignature),
            "only as it was sent, not as anything that decodes to the same bytes"
        );
    }

    #[test]
    fn links_signed_with_the_previous_key_still_work_during_a_rotation() {
        let t = TenantId::parse("t").unwrap();
        let a = AppointmentId::parse("a").unwrap();
        let exp = Utc.with_ymd_and_hms(2026, 5, 1, 10, 0, 0).unwrap();
        let now = exp - Duration::days(1);
        let old = LinkSigner::new("https://r.example/l", OLD.to_vec());
        let (_, old_sig) = parts(&old.link(&t, &a, LinkAction::Cancel, exp));
        let rotated = LinkSigner::from_secret(
            "https://r.example/l",
            format!(
                r#"{{"current": "{}", "previous": "{}"}}"#,
                String::from_utf8_lossy(KEY),
                String::from_utf8_lossy(OLD)
            )
            .as_bytes(),
        )
        .unwrap();
        assert_eq!(
            rotated.verify(&t, "a", LinkAction::Cancel, exp.timestamp(), &old_sig, now),
            Ok(())
        );
        let (_, new_sig) = parts(&rotated.link(&t, &a, LinkAction::Cancel, exp));
        assert_ne!(new_sig, old_sig, "new links use the current key");
        let done = LinkSigner::from_secret("https://r.example/l", KEY).unwrap();
        assert_eq!(
            done.verify(&t, "a", LinkAction::Cancel, exp.timestamp(), &old_sig, now),
            Err(LinkError::BadSignature),
            "once the previous key is dropped, its links stop"
        );
        assert_eq!(rotated.business_keys(&t).len(), 2);
        assert_eq!(rotated.business_keys(&t)[1], old.business_keys(&t)[0]);
    }

    #[test]
    fn short_keys_and_malformed_rotation_secrets_are_refused() {
        assert_eq!(
            LinkSigner::from_secret("b", b"short").unwrap_err(),
            InvalidLinkKeys::TooShort
        );
        assert_eq!(
            LinkSigner::from_secret("b", br#"{"curent": "x"}"#).unwrap_err(),
            InvalidLinkKeys::BadJson
        );
    }

    #[test]
    fn a_reschedule_token_checks_with_the_business_key_and_no_other() {
        let signer = LinkSigner::new("https://r.example/l", KEY.to_vec());
        let t = TenantId::parse("salon").unwrap();
        let a = AppointmentId::parse("ap_1").unwrap();
        let exp = Utc.with_ymd_and_hms(2026, 5, 1, 10, 0, 0).unwrap();
        let token = signer.reschedule_token(&t, &a, exp);
        let mut fields = token.split('.');
        let (id, exp_s, sig) = (
            fields.next().unwrap(),
            fields.next().unwrap(),
            fields.next().unwrap(),
        );
        assert_eq!((id, exp_s), ("ap_1", exp.timestamp().to_string().as_str()));
        // The recipe a booking tool follows (docs/API.md).
        let key = signer.business_keys(&t).remove(0);
        let mut mac = HmacSha256::new_from_slice(key.as_bytes()).unwrap();
        mac.update(format!("salon\nap_1\n{exp_s}").as_bytes());
        assert_eq!(hex::encode(mac.finalize().into_bytes()), sig);
        assert_ne!(
            signer.business_keys(&TenantId::parse("other").unwrap()),
            signer.business_keys(&t)
        );
    }
}
