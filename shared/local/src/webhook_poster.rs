//! The local stack's webhook poster: a plain HTTP POST (the local stack only posts to loopback
//! addresses), 5 seconds at most, a 2xx accepted.

use async_trait::async_trait;
use rappel_ports::webhooks::{PostFailure, WebhookPoster};
use std::time::Duration;

pub struct HttpPoster {
    client: reqwest::Client,
}

impl HttpPoster {
    pub fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_default(),
        }
    }
}

impl Default for HttpPoster {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl WebhookPoster for HttpPoster {
    async fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: String,
    ) -> Result<(), PostFailure> {
        let mut request = self.client.post(url).body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        match request.send().await {
            Ok(answer) if answer.status().is_success() => Ok(()),
            Ok(answer) => Err(PostFailure(format!("http {}", answer.status().as_u16()))),
            Err(error) if error.is_timeout() => Err(PostFailure("timeout".into())),
            Err(error) if error.is_connect() => Err(PostFailure("connection refused".into())),
            Err(_) => Err(PostFailure("transport error".into())),
        }
    }
}
