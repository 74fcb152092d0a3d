//! The independent webhook receiver (`infra/webhook-receiver.py`): every request checked with
//! the Standard Webhooks reference library (`standardwebhooks`, from PyPI, pinned), what it
//! accepted, refused and could not verify readable — the same for the local stack's tests and
//! the emulator's.

use crate::fixtures::workspace_root;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The verifying receiver, stopped when dropped.
pub struct Receiver {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Receiver {
    pub fn start() -> Self {
        let python = workspace_root().join(".venv/bin/python");
        let mut child = Command::new(&python)
            .arg(workspace_root().join("infra/webhook-receiver.py"))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (infra/test.sh installs the Python test tools)",
                    python.display()
                )
            });
        let stdout = child.stdout.take().expect("its stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the receiver prints its port");
        let port: u16 = line
            .trim()
            .parse()
            .expect("a port (is standardwebhooks installed?)");
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self) -> String {
        format!("{}/hook", self.base)
    }

    pub async fn control(&self, path: &str, body: Value) {
        let answer = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("the receiver answers");
        assert!(answer.status().is_success());
    }

    pub async fn received(&self) -> Value {
        self.http
            .get(format!("{}/_received", self.base))
            .send()
            .await
            .expect("the receiver answers")
            .json()
            .await
            .expect("JSON")
    }
}

/// The ids a receiver accepted, in the order it accepted them.
pub fn accepted_ids(received: &Value) -> Vec<String> {
    received["accepted"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
