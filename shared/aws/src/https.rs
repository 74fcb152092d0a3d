//! The one HTTPS stack of the functions — the SDK's calls and the webhook posts: hyper's
//! HTTP/1.1 client (every AWS API Rappel calls speaks it; no HTTP/2 code is linked), rustls
//! with the ring provider (one TLS provider; aws-lc-rs weighed 1.9 MB in each binary), the
//! certificate roots compiled in (webpki-roots: nothing read
//! from the file system at cold start).

use hyper_rustls::{ConfigBuilderExt, HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use std::sync::Arc;
use std::time::Duration;

/// The TLS configuration could not be made (rustls refused the provider's protocol versions).
#[derive(Debug, thiserror::Error)]
#[error("the HTTPS client cannot be built: {0}")]
pub struct HttpsError(String);

/// Which schemes a connector accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schemes {
    /// `https://` only: what a webhook endpoint must be.
    HttpsOnly,
    /// `http://` too: an emulator's endpoint (AWS's are always HTTPS).
    HttpsOrHttp,
}

/// An HTTP/1.1 connector over TLS, connecting within `connect_timeout` when one is given.
pub fn connector(
    schemes: Schemes,
    connect_timeout: Option<Duration>,
) -> Result<HttpsConnector<HttpConnector>, HttpsError> {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|error| HttpsError(error.to_string()))?
    .with_webpki_roots()
    .with_no_client_auth();
    let mut tcp = HttpConnector::new();
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(connect_timeout);
    let builder = HttpsConnectorBuilder::new().with_tls_config(tls);
    let builder = match schemes {
        Schemes::HttpsOnly => builder.https_only(),
        Schemes::HttpsOrHttp => builder.https_or_http(),
    };
    Ok(builder.enable_http1().wrap_connector(tcp))
}
