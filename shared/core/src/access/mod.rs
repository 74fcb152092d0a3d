//! Who may call the API for which business, beyond a business's own JWT: integrators and their
//! API keys.

mod api_key;

pub use api_key::{
    ApiKey, ApiKeyId, BUSINESS_HEADER, IntegratorId, InvalidApiKey, InvalidIntegratorId,
    KEY_ID_BYTES, KEY_PREFIX, SECRET_BYTES, SecretDigest,
};
