//! The webhook poster on Lambda: the functions' one HTTPS stack (`rappel_aws::https`: hyper,
//! HTTP/1.1, rustls with the ring provider, the certificate roots compiled in) — HTTPS
//! only, 5 seconds at most per request, redirects not followed (a 3xx is a refusal: an
//! endpoint says where it is when it is registered).

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rappel_aws::https::{self, Schemes};
use rappel_ports::webhooks::{PostFailure, WebhookPoster};
use std::time::Duration;

/// How long an endpoint has to answer.
pub const POST_TIMEOUT: Duration = Duration::from_secs(5);

pub struct HttpsPoster {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

#[derive(Debug, thiserror::Error)]
#[error("the webhook HTTP client cannot be built: {0}")]
pub struct PosterError(String);

impl HttpsPoster {
    pub fn new() -> Result<Self, PosterError> {
        Self::build(Schemes::HttpsOnly)
    }

    /// Also plain `http://` (the emulator tests' loopback receiver; never deployed).
    pub fn allowing_http() -> Result<Self, PosterError> {
        Self::build(Schemes::HttpsOrHttp)
    }

    fn build(schemes: Schemes) -> Result<Self, PosterError> {
        let connector =
            https::connector(schemes, None).map_err(|error| PosterError(error.to_string()))?;
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Self { client })
    }
}

#[async_trait]
impl WebhookPoster for HttpsPoster {
    async fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: String,
    ) -> Result<(), PostFailure> {
        let mut request = http::Request::post(url)
            .header(http::header::USER_AGENT, "Rappel-Webhooks/1")
            .header(http::header::CONTENT_LENGTH, body.len());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|_| PostFailure("invalid request".into()))?;
        match tokio::time::timeout(POST_TIMEOUT, self.client.request(request)).await {
            Err(_) => Err(PostFailure("timeout".into())),
            Ok(Ok(answer)) if answer.status().is_success() => Ok(()),
            Ok(Ok(answer)) => Err(PostFailure(format!("http {}", answer.status().as_u16()))),
            Ok(Err(error)) if error.is_connect() => Err(PostFailure("connection failed".into())),
            Ok(Err(_)) => Err(PostFailure("transport error".into())),
        }
    }
}
