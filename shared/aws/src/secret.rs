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
