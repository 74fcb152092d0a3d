//! An integrator's day one, black-box over HTTP: 100,000 future appointments (and their
//! 10,000 clients) imported through `POST /v1/imports` in batches of 1,000 items, the stack
//! planning each one's reminders as it goes. Reports the time, the rate, the schedules
//! planned and the messages sent — which must be none: an import tells nobody.
//!
//!     cargo bench -p rappel-local --bench import                       # release, in memory
//!     IMPORT_APPOINTMENTS=20000 cargo bench -p rappel-local --bench import -- --data-dir
//!
//! Prints a table (docs/PERFORMANCE.md keeps the figures). Client and stack share the process
//! and its 2 worker threads.

mod support;

use chrono::Duration;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;
use support::{Bench, start};

/// Concurrent import requests (an integrator's importer sends a few at once).
const CONNECTIONS: usize = 4;
/// Items per request: the most one import takes.
const BATCH: usize = 1_000;
/// Appointments per client.
const APPOINTMENTS_PER_CLIENT: usize = 10;
/// Staff members the appointments are spread over.
const STAFF: usize = 50;

/// The import batches: the clients first (1,000 a batch), then the appointments, each staff
/// member's one an hour from two days ahead.
fn batches(appointments: usize) -> Vec<Value> {
    let clients = appointments.div_ceil(APPOINTMENTS_PER_CLIENT);
    let mut out = Vec::new();
    let client_items: Vec<Value> = (0..clients)
        .map(|c| {
            json!({"id": format!("c{c}"), "name": format!("Client {c}"),
                   "email": format!("c{c}@example.fr"), "phone": format!("+336{c:08}")})
        })
        .collect();
    for chunk in client_items.chunks(BATCH) {
        out.push(json!({"clients": chunk}));
    }
    let appointment_items: Vec<Value> = (0..appointments)
        .map(|n| {
            let at = start() + Duration::days(2) + Duration::hours((n / STAFF) as i64);
            json!({"id": format!("a{n}"), "client_id": format!("c{}", n % clients),
                   "staff_id": format!("s{}", n % STAFF), "type_id": "cut",
                   "start": at.to_rfc3339(), "end": (at + Duration::minutes(45)).to_rfc3339()})
        })
        .collect();
    for chunk in appointment_items.chunks(BATCH) {
        out.push(json!({"appointments": chunk}));
    }
    out
}

struct Row {
    store: &'static str,
    appointments: usize,
    requests: usize,
    seconds: f64,
    refused: u64,
    schedules: usize,
    sent: usize,
}

async fn measure(store: &'static str, appointments: usize) -> Row {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data_dir = (store == "data dir").then(|| dir.path().to_path_buf());
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(600))
        .build()
        .expect("an HTTP client");
    let bench = Arc::new(Bench::spawn(data_dir, http).await);
    bench.seed_salon(STAFF).await;
    let before = bench.stack.outbox.messages().len();
    let all = batches(appointments);
    let requests = all.len();
    // Clients first (the appointments name them), then the appointments, a few at once.
    let (clients, appointments_batches): (Vec<Value>, Vec<Value>) =
        all.into_iter().partition(|b| b.get("clients").is_some());
    let started = Instant::now();
    let mut refused = 0;
    for phase in [clients, appointments_batches] {
        let queue = Arc::new(std::sync::Mutex::new(phase));
        let mut tasks = Vec::new();
        for _ in 0..CONNECTIONS {
            let (bench, queue) = (bench.clone(), queue.clone());
            tasks.push(tokio::spawn(async move {
                let mut refused = 0;
                loop {
                    let next = queue.lock().map(|mut q| q.pop()).ok().flatten();
                    let Some(body) = next else {
                        return refused;
                    };
                    let (status, answer) =
                        bench.call(reqwest::Method::POST, "/v1/imports", body).await;
                    assert_eq!(status, 200, "{answer}");
                    refused += answer["counts"]["refused"].as_u64().unwrap_or(0);
                }
            }));
        }
        for task in tasks {
            refused += task.await.expect("an importer");
        }
    }
    bench.stack.settle().await;
    let seconds = started.elapsed().as_secs_f64();
    Row {
        store,
        appointments,
        requests,
        seconds,
        refused,
        schedules: bench.stack.scheduler.list().len(),
        sent: bench.stack.outbox.messages().len() - before,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let store = if args.iter().any(|a| a == "--data-dir") {
        "data dir"
    } else {
        "in memory"
    };
    let appointments: usize = std::env::var("IMPORT_APPOINTMENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "import over HTTP, {CONNECTIONS} connections, {BATCH} items a request, {profile} build"
    );
    println!(
        "| store | appointments | requests | seconds | appointments/s | refused | schedules planned | messages sent |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let row = runtime.block_on(measure(store, appointments));
    println!(
        "| {} | {} | {} | {:.1} | {:.0} | {} | {} | {} |",
        row.store,
        row.appointments,
        row.requests,
        row.seconds,
        row.appointments as f64 / row.seconds,
        row.refused,
        row.schedules,
        row.sent
    );
    assert_eq!(row.refused, 0, "every item imported");
    assert_eq!(row.sent, 0, "an import sends nothing at once");
}
