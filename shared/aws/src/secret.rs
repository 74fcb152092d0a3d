//! The link-signing key, read from Secrets Manager once at cold start (never an environment
//! value or a template parameter).

use crate::env::{ConfigError, LINK_SECRET_ID};
use crate::sdk_error::describe;
use aws_sdk_secretsmanager::Client;

pub async fn link_secret(client: &Client, secret_id: &str) -> Result<Vec<u8>, ConfigError> {
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
    if secret.len() < 32 {
        return Err(fail("the key must be at least 32 bytes".into()));
    }
    Ok(secret)
}
