//! The SDK's HTTP client: the SDK crates are built without `default-https-client`, whose
//! client (aws-smithy-http-client) always links HTTP/2 and reads the system's certificate
//! directory at cold start. This one is [`crate::https`]'s stack behind the SDK's
//! `HttpClient` trait, with the SDK's connect and read timeouts and its error kinds (what its
//! retry strategy reads: a refused or broken connection is retried, a timeout too).

use crate::https::{self, HttpsError, Schemes};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::error::Error;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long an idle connection is kept for the next call (the SDK's own default).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The client the SDK configuration is given ([`crate::sdk`]).
pub fn sdk_http_client() -> SharedHttpClient {
    SharedHttpClient::new(Http1Client::default())
}

/// Makes one connector per connect timeout the SDK asks for (one, in practice) and keeps it:
/// its pool of connections is what the calls of a warm function reuse.
#[derive(Debug, Default)]
struct Http1Client {
    connectors: Mutex<Vec<(Option<Duration>, SharedHttpConnector)>>,
}

impl HttpClient for Http1Client {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let connect_timeout = settings.connect_timeout();
        let mut connectors = self
            .connectors
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, connector)) = connectors.iter().find(|(t, _)| *t == connect_timeout) {
            return connector.clone();
        }
        let connector = match Http1Connector::new(connect_timeout, settings.read_timeout()) {
            Ok(connector) => SharedHttpConnector::new(connector),
            // Every call then fails with the reason; nothing is sent in clear instead.
            Err(error) => SharedHttpConnector::new(Unbuildable(Arc::new(error))),
        };
        connectors.push((connect_timeout, connector.clone()));
        connector
    }
}

#[derive(Debug)]
struct Http1Connector {
    client: Client<HttpsConnector<TcpConnector>, SdkBody>,
    read_timeout: Option<Duration>,
}

impl Http1Connector {
    fn new(
        connect_timeout: Option<Duration>,
        read_timeout: Option<Duration>,
    ) -> Result<Self, HttpsError> {
        let connector = https::connector(Schemes::HttpsOrHttp, connect_timeout)?;
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .build(connector);
        Ok(Self {
            client,
            read_timeout,
        })
    }
}

impl HttpConnector for Http1Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(error) => {
                return HttpConnectorFuture::ready(Err(ConnectorError::user(error.into())));
            }
        };
        let answer = self.client.request(request);
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move {
            let answer = match read_timeout {
                Some(limit) => match tokio::time::timeout(limit, answer).await {
                    Ok(answer) => answer,
                    Err(elapsed) => return Err(ConnectorError::timeout(elapsed.into())),
                },
                None => answer.await,
            };
            match answer {
                Ok(response) => HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                    .map_err(|error| ConnectorError::other(error.into(), None)),
                Err(error) => Err(connector_error(error)),
            }
        })
    }
}

/// The SDK's reading of a transport failure (as its own client classifies hyper's errors): a
/// connection that could not be made or broke is I/O (retried), a timeout is a timeout, a
/// message cut short is transient, anything else is left to the SDK unclassified.
fn connector_error(error: hyper_util::client::legacy::Error) -> ConnectorError {
    if error.is_connect() || source::<std::io::Error>(&error).is_some() {
        return ConnectorError::io(error.into());
    }
    match source::<hyper::Error>(&error) {
        Some(hyper) if hyper.is_timeout() => ConnectorError::timeout(error.into()),
        Some(hyper) if hyper.is_user() => ConnectorError::user(error.into()),
        Some(hyper) if hyper.is_closed() || hyper.is_canceled() => ConnectorError::io(error.into()),
        Some(hyper) if hyper.is_incomplete_message() => {
            ConnectorError::other(error.into(), Some(ErrorKind::TransientError))
        }
        _ => ConnectorError::other(error.into(), None),
    }
}

/// The first error of type `E` in `error`'s chain.
fn source<'a, E: Error + 'static>(error: &'a (dyn Error + 'static)) -> Option<&'a E> {
    std::iter::successors(Some(error), |&error| error.source()).find_map(|e| e.downcast_ref())
}

/// A connector whose TLS configuration could not be made: every call fails with why.
#[derive(Debug)]
struct Unbuildable(Arc<HttpsError>);

impl HttpConnector for Unbuildable {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let reason = self.0.to_string();
        HttpConnectorFuture::ready(Err(ConnectorError::other(reason.into(), None)))
    }
}
