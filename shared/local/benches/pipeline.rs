//! The local pipeline, black-box over HTTP: how many appointments per second it books (API →
//! record store → change feed → change handler → schedules and confirmations sent) and how many
//! due messages per second it fires (clock moved → schedules → send queue → send handler →
//! outbox), with 1,000, 2,000 and 4,000 appointments stored — flat rates mean no step grows
//! with the store. In memory (what `--in-memory` runs) and with a data dir (README command 1's
//! default, every change written to disk before it is acknowledged).
//!
//!     cargo bench -p rappel-local --bench pipeline                  # release
//!     cargo bench -p rappel-local --bench pipeline --profile dev    # debug, as `cargo run`
//!     PIPELINE_SIZES=1000,2000 cargo bench -p rappel-local --bench pipeline -- --in-memory
//!
//! Prints a table (docs/PERFORMANCE.md keeps the figures). Client and stack share the process
//! and its 2 worker threads, as a black-box load generator on the same machine would share
//! its cores.

mod support;

use chrono::Duration;
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;
use support::{Bench, start};

/// Concurrent connections of the load generator.
const CONNECTIONS: usize = 8;
/// Appointments per client: the business's clients grow with its appointments (each client
/// with an e-mail address and a mobile number), so a client's own history stays the same size.
const APPOINTMENTS_PER_CLIENT: usize = 10;
/// The rate of the last bookings is reported apart: the store is then at its fullest.
const LAST: usize = 500;

struct Row {
    store: &'static str,
    stored: usize,
    booked_per_s: f64,
    last_booked_per_s: f64,
    fired: usize,
    fired_per_s: f64,
}

/// The pipeline's business: its salon (one staff member per connection), and `clients`
/// clients, each with an e-mail address and a mobile number.
async fn seed(bench: &Bench, clients: usize) -> Vec<String> {
    bench.seed_salon(CONNECTIONS).await;
    let mut ids = Vec::new();
    for c in 0..clients {
        let client = json!({"name": format!("Client {c}"), "email": format!("c{c}@example.fr"),
                                "phone": format!("+3361234{c:04}")});
        let (status, body) = bench
            .call(reqwest::Method::POST, "/v1/clients", client)
            .await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["id"].as_str().unwrap_or_default().to_owned());
    }
    ids
}

/// Books appointments `from..until` over [`CONNECTIONS`] connections: connection `k` books
/// for staff member `k`, one appointment an hour from two days ahead.
async fn book(bench: &Arc<Bench>, clients: &Arc<Vec<String>>, from: usize, until: usize) {
    let mut tasks = Vec::new();
    for k in 0..CONNECTIONS {
        let (bench, clients) = (bench.clone(), clients.clone());
        tasks.push(tokio::spawn(async move {
            for n in (from..until).filter(|n| n % CONNECTIONS == k) {
                let at = start() + Duration::days(2) + Duration::hours((n / CONNECTIONS) as i64);
                let body = json!({
                    "client_id": clients[n % clients.len()], "staff_id": format!("s{k}"),
                    "type_id": "cut", "start": at, "end": at + Duration::minutes(45)
                });
                let (status, body) = bench
                    .call(reqwest::Method::POST, "/v1/appointments", body)
                    .await;
                assert_eq!(status, 201, "{body}");
            }
        }));
    }
    for task in tasks {
        task.await.expect("a booking connection");
    }
}

async fn measure(store: &'static str, stored: usize) -> Row {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data_dir = (store == "data dir").then(|| dir.path().join("data"));
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .expect("an HTTP client");
    let bench = Arc::new(Bench::spawn(data_dir, http).await);
    let clients = Arc::new(seed(&bench, stored.div_ceil(APPOINTMENTS_PER_CLIENT)).await);
    let began = Instant::now();
    book(&bench, &clients, 0, stored - LAST).await;
    let last_began = Instant::now();
    book(&bench, &clients, stored - LAST, stored).await;
    let ended = Instant::now();
    let booked_per_s = stored as f64 / (ended - began).as_secs_f64();
    let last_booked_per_s = LAST as f64 / (ended - last_began).as_secs_f64();

    // Every reminder and follow-up of every booking comes due.
    let hours = (stored / CONNECTIONS) as i64 + 24 * 5;
    let before = bench.stack.outbox.messages().len();
    let fire_began = Instant::now();
    let (status, body) = bench
        .call(
            reqwest::Method::POST,
            "/_local/clock",
            json!({"advance": format!("{hours}h")}),
        )
        .await;
    let fire_took = fire_began.elapsed();
    assert_eq!(status, 200, "{body}");
    let fired = bench.stack.outbox.messages().len() - before;
    assert!(
        fired >= 3 * stored,
        "each booking fires its reminders and follow-up: {fired}"
    );
    Row {
        store,
        stored,
        booked_per_s,
        last_booked_per_s,
        fired,
        fired_per_s: fired as f64 / fire_took.as_secs_f64(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let stores: Vec<&'static str> = if args.iter().any(|a| a == "--in-memory") {
        vec!["in memory"]
    } else {
        vec!["in memory", "data dir"]
    };
    let sizes: Vec<usize> = std::env::var("PIPELINE_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 2_000, 4_000])
        .into_iter()
        .filter(|n| *n > LAST)
        .collect();
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
    println!("local pipeline over HTTP, {CONNECTIONS} connections, {profile} build");
    println!(
        "| store | appointments stored | booked/s (all) | booked/s (last {LAST}) | messages fired | fired/s |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for store in stores {
        for &stored in &sizes {
            let row = runtime.block_on(measure(store, stored));
            println!(
                "| {} | {} | {:.0} | {:.0} | {} | {:.0} |",
                row.store,
                row.stored,
                row.booked_per_s,
                row.last_booked_per_s,
                row.fired,
                row.fired_per_s
            );
        }
    }
}
