//! # rappel-testkit — what the tests share (dev-only, never in a production crate)
//!
//! - [`spawn_app`] starts an isolated local stack (in memory, clock frozen at a known instant)
//!   on a free loopback port and returns a client ([`TestApp`]) for its real HTTP API;
//! - [`api_calls`]: the API calls a scene is made of ([`CallsApi`]: seed a salon, create Léa,
//!   book), the same against the local stack and the Lambda functions on the emulator;
//! - [`fixtures`]: the instants, people and ids the scenes use;
//! - [`byte_scan`]: the files of a data directory that hold a needle (erasure, retention);
//! - [`fault_proxy`]: an HTTP proxy that fails calls the way AWS services and networks do;
//! - [`draws`]: a seeded random source, so a failing draw can be replayed;
//! - [`webhook_receiver`]: the independent Standard Webhooks verifier tests post to;
//! - [`chaos`], [`write_log`] and [`disturbed`]: the soak's failing decorators of the stores,
//!   providers and ledger, its log of accepted writes, and the local stack's
//!   [`rappel_local::Disturbance`] made of them.

pub mod api_calls;
pub mod byte_scan;
pub mod chaos;
pub mod disturbed;
pub mod draws;
pub mod erasure_scene;
pub mod fault_proxy;
pub mod fixtures;
pub mod log_capture;
pub mod webhook_receiver;
pub mod write_log;

pub use api_calls::{CallsApi, Response};

use chrono::{DateTime, Utc};
use rappel_local::{LocalConfig, LocalStack, local_router};
use serde_json::{Value, json};
use std::sync::Arc;

#[derive(Clone)]
pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub stack: Arc<LocalStack>,
    pub tenant: String,
}

/// A fresh stack whose clock starts at `now`, serving on 127.0.0.1.
pub async fn spawn_app(now: DateTime<Utc>) -> TestApp {
    spawn_app_with(LocalConfig::for_tests(now)).await
}

/// A fresh stack of `config` (its links pointing at it), serving on 127.0.0.1.
pub async fn spawn_app_with(config: LocalConfig) -> TestApp {
    test_log();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("bound address"));
    // Links in messages point at this stack, so a test (or a browser) can follow them.
    let config = LocalConfig {
        link_base_url: format!("{base}/links"),
        ..config
    };
    let stack = LocalStack::new(config).expect("in-memory stack starts");
    let router = local_router(stack.clone());
    tokio::spawn(async move { axum_serve(listener, router).await });
    TestApp {
        base,
        http: reqwest::Client::new(),
        stack,
        tenant: "salon-lea".into(),
    }
}

async fn axum_serve(listener: tokio::net::TcpListener, router: axum::Router) {
    let _ = axum::serve(listener, router).await;
}

impl CallsApi for TestApp {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Response {
        self.call_as(&self.tenant.clone(), method, path, body).await
    }
}

impl TestApp {
    pub async fn call_as(
        &self,
        tenant: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Response {
        let request = self
            .request(method, path, body)
            .header("x-tenant-id", tenant);
        self.send(request).await
    }

    /// One request as an integrator: its API key, acting for `business`.
    pub async fn call_with_key(
        &self,
        key: &str,
        business: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Response {
        let request = self
            .request(method, path, body)
            .bearer_auth(key)
            .header("x-rappel-business", business);
        self.send(request).await
    }

    /// `method path` with `body` as JSON, not yet authenticated.
    fn request(&self, method: &str, path: &str, body: Option<Value>) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("valid method");
        let request = self.http.request(method, format!("{}{}", self.base, path));
        match body {
            Some(body) => request.json(&body),
            None => request,
        }
    }

    /// A new key of `integrator`, granted `businesses` (the local stack's operator route).
    pub async fn issue_key(&self, integrator: &str, businesses: &[&str]) -> String {
        let issued = self
            .post(
                "/_local/api-keys",
                json!({"integrator": integrator, "label": "test", "businesses": businesses}),
            )
            .await;
        assert_eq!(issued.status, 201, "{}", issued.body);
        issued.body["key"].as_str().expect("the key").to_owned()
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        let response = request.send().await.expect("the stack answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Response { status, body }
    }

    /// A French salon with an owner, one type ("Coupe") and one staff member (Sam).
    pub async fn seed_business(&self) {
        let settings = json!({
            "business_name": "Salon Léa",
            "time_zone": "Europe/Paris",
            "default_locale": "fr",
            "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}]
        });
        assert_eq!(self.put("/v1/settings", settings).await.status, 200);
        self.seed_catalog().await;
    }

    /// The usual scene: the salon seeded, Léa created and booked online for Friday 27 March
    /// 2026 at 10:00 in Paris (45 minutes). Returns (client id, appointment id).
    pub async fn lea_booked_friday_10am(&self) -> (String, String) {
        self.seed_business().await;
        let lea = self.create_lea().await;
        let booked = self
            .book(
                &lea,
                "2026-03-27T10:00:00+01:00",
                "2026-03-27T10:45:00+01:00",
            )
            .await;
        let id = booked["id"].as_str().expect("an id").to_owned();
        (lea, id)
    }

    pub async fn create_client(&self, body: Value) -> String {
        let created = self.post("/v1/clients", body).await;
        assert_eq!(created.status, 201, "{}", created.body);
        created.body["id"].as_str().expect("an id").to_owned()
    }

    /// Léa: French, Paris, e-mail and phone on file.
    pub async fn create_lea(&self) -> String {
        self.create_client(
            json!({"name": "Léa Martin", "email": "lea@example.fr", "phone": "+33612345678"}),
        )
        .await
    }

    pub async fn outbox(&self) -> Vec<Value> {
        self.get("/_local/outbox").await.body["messages"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Outbox messages sent to one address or number.
    pub async fn sent_to(&self, to: &str) -> Vec<Value> {
        self.outbox()
            .await
            .into_iter()
            .filter(|m| m["to"] == to)
            .collect()
    }

    /// Outbox messages of one kind (their `rappel-kind` tag) sent to one address or number.
    pub async fn sent_of_kind(&self, kind: &str, to: &str) -> Vec<Value> {
        self.sent_to(to)
            .await
            .into_iter()
            .filter(|m| {
                m["tags"]
                    .as_array()
                    .is_some_and(|tags| tags.contains(&json!(["rappel-kind", kind])))
            })
            .collect()
    }

    pub async fn advance_to(&self, instant: &str) {
        let moved = self.post("/_local/clock", json!({"to": instant})).await;
        assert_eq!(moved.status, 200, "{}", moved.body);
    }

    pub async fn communications(&self, client: &str) -> Vec<Value> {
        self.get(&format!("/v1/clients/{client}/communications"))
            .await
            .body["communications"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// The test-log switch: quiet by default; `RAPPEL_TEST_LOG=info` (any `EnvFilter`, e.g.
/// `rappel_app=debug`) shows what the stack logs, in each test's captured output (printed for
/// a failing test, or for all with `-- --nocapture`). Installed once per test binary.
pub fn test_log() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(filter) = std::env::var("RAPPEL_TEST_LOG") else {
            return;
        };
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    });
}

/// A lock that survives a panic in another holder: the data is plain values, still usable.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
