//! What the black-box benches share: a local stack serving its real router on a loopback port,
//! a client calling it as one business, and that business's salon.

use chrono::{DateTime, TimeZone, Utc};
use rappel_local::{LocalConfig, LocalStack, local_router};
use serde_json::{Value, json};
use std::sync::Arc;

/// Monday 2 March 2026, 08:00 UTC: where every bench's clock starts.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0)
        .single()
        .unwrap_or_default()
}

pub struct Bench {
    pub base: String,
    pub http: reqwest::Client,
    pub stack: Arc<LocalStack>,
}

impl Bench {
    /// A stack (in memory, or on `data_dir`) whose clock starts at [`start`], called by `http`.
    pub async fn spawn(data_dir: Option<std::path::PathBuf>, http: reqwest::Client) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let config = LocalConfig {
            data_dir,
            link_base_url: format!("{base}/links"),
            ..LocalConfig::for_tests(start())
        };
        let stack = LocalStack::new(config).expect("the stack starts");
        let router = local_router(stack.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { base, http, stack }
    }

    /// One request as the bench's business; its status and JSON body.
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("x-tenant-id", "salon-bench")
            .json(&body)
            .send()
            .await
            .expect("the stack answers");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// A Paris salon: a day-before e-mail and a 2-hour SMS reminder, a follow-up e-mail; one
    /// type (`cut`), `staff` staff members `s0`, `s1`…
    pub async fn seed_salon(&self, staff: usize) {
        let put = reqwest::Method::PUT;
        let settings = json!({
            "business_name": "Salon Bench", "time_zone": "Europe/Paris", "default_locale": "fr",
            "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon.example"}],
            "notifications": {
                "reminders": [{"offset": "1d", "email": true}, {"offset": "2h", "sms": true}],
                "follow_ups": [{"after_end": "1d", "email": true}]
            }
        });
        assert_eq!(
            self.call(put.clone(), "/v1/settings", settings).await.0,
            200
        );
        let cut = json!({"name": "Coupe"});
        let path = "/v1/appointment-types/cut";
        assert_eq!(self.call(put.clone(), path, cut).await.0, 200);
        for s in 0..staff {
            let member =
                json!({"name": format!("Staff {s}"), "email": format!("s{s}@salon.example")});
            let path = format!("/v1/staff/s{s}");
            assert_eq!(self.call(put.clone(), &path, member).await.0, 200);
        }
    }
}
