//! The link-signing keys, read from Secrets Manager once at cold start (never an environment
//! value or a template parameter): the key itself, or `{"current": "…", "previous": "…"}`
//! during a rotation (links signed with the previous key keep working until it is dropped).

use crate::env::{ConfigError, LINK_SECRET_ID};
use crate::sdk_error::describe;
use aws_sdk_secretsmanager::Client;
use rappel_core::render::LinkSigner;

pub async fn link_signer(
    client: &Client,
    secret_id: &str,
    base_url: String,
) -> Result<LinkSigner, ConfigError> {
    let fail = |reason: String| ConfigError::Secret {
        name: LINK_SECRET_ID,
        reason,
    };
    let output = client
        .get_secret_value()
        .secret_id(secret_id)
        .send()
        .await
        .map_err(|e| fail(describe(&e)))?;
    let secret = match (output.secret_string(), output.secret_binary()) {
        (Some(text), _) => text.as_bytes().to_vec(),
        (None, Some(binary)) => binary.as_ref().to_vec(),
        (None, None) => return Err(fail("the secret has no value".into())),
    };
    LinkSigner::from_secret(base_url, &secret).map_err(|e| fail(e.to_string()))
}

/// The link keys of one container: read from Secrets Manager at most once, shared by every
/// invocation. [`LinkKeys::prefetch`] starts the read at cold start without waiting for it,
/// so it runs while the runtime fetches the first event instead of before; the first request
/// that needs the keys waits for what is left of it. A failed read is not kept: the next
/// request that needs the keys tries again (a request fails, not the whole container).
#[derive(Clone)]
pub struct LinkKeys {
    inner: std::sync::Arc<LinkKeysInner>,
}

struct LinkKeysInner {
    client: Client,
    secret_id: String,
    base_url: String,
    keys: tokio::sync::OnceCell<LinkSigner>,
}

impl LinkKeys {
    pub fn new(client: Client, secret_id: &str, base_url: &str) -> Self {
        Self {
            inner: std::sync::Arc::new(LinkKeysInner {
                client,
                secret_id: secret_id.to_owned(),
                base_url: base_url.to_owned(),
                keys: tokio::sync::OnceCell::new(),
            }),
        }
    }

    /// Starts reading the keys in the background (needs a Tokio runtime).
    pub fn prefetch(&self) {
        let keys = self.clone();
        tokio::spawn(async move {
            if let Err(error) = keys.get().await {
                tracing::warn!(%error, "link keys not read yet; the first request will retry");
            }
        });
    }

    /// The keys, read now if no earlier call read them.
    pub async fn get(&self) -> Result<&LinkSigner, ConfigError> {
        let inner = &self.inner;
        inner
            .keys
            .get_or_try_init(|| {
                link_signer(&inner.client, &inner.secret_id, inner.base_url.clone())
            })
            .await
    }
}
