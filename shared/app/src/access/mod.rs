//! Integrators' API keys: the check made for a request ([`mod@authorize`]) and the operator's
//! commands that issue, revoke and scope keys ([`keys`]).

pub mod authorize;
pub mod keys;

pub use authorize::{AuthorizeError, Authorized, Denied, authorize};
pub use keys::{
    KeyAdminError, MAX_LABEL_CHARS, MAX_LIVE_KEYS, grant, issue_key, revoke_key, withdraw,
};
