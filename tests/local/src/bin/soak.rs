//! The soak (see `rappel_local_tests::soak`): prints its table and exits 1 on any lost, duplicate,
//! stale or unexpected message. Sizes and weather from the environment:
//! `SOAK_APPOINTMENTS` (10000), `SOAK_TENANTS` (50), `SOAK_FAULT_RATE` (0.1), `SOAK_SEED` (1),
//! `SOAK_RESTART_RATE` (0.002), `SOAK_ATTEMPTS` (4, as the SDK), `SOAK_DATA_DIR` (a folder
//! under target/).

use rappel_local_tests::soak::{SoakConfig, run};

fn var<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let config = SoakConfig {
        appointments: var("SOAK_APPOINTMENTS", 10_000),
        tenants: var("SOAK_TENANTS", 50),
        fault_rate: var("SOAK_FAULT_RATE", 0.1),
        seed: var("SOAK_SEED", 1),
        restart_rate: var("SOAK_RESTART_RATE", 0.002),
        attempts: var("SOAK_ATTEMPTS", rappel_testkit::chaos::ATTEMPTS),
        data_dir: std::env::var("SOAK_DATA_DIR")
            .map(Into::into)
            .unwrap_or_else(|_| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/soak-data")
            }),
    };
    let report = run(config).await;
    println!("{}", report.table());
    println!("soak result: {}", report.summary());
    // The story of the first findings: their appointment's writes, outbox entries and history.
    let j = &report.judgement;
    let traced: Vec<&String> = j
        .lost
        .iter()
        .take(2)
        .chain(j.stale.iter().take(2))
        .collect();
    for finding in traced {
        let Some(id) = finding
            .split("appointment:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
        else {
            continue;
        };
        println!("--- {finding}");
        trace(&report.evidence, id);
    }
    if !report.is_clean() {
        let j = &report.judgement;
        for (what, list) in [
            ("lost", &j.lost),
            ("duplicate", &j.duplicates),
            ("stale", &j.stale),
            ("unexpected", &j.unexpected),
        ] {
            for item in list.iter().take(10) {
                println!("{what}: {item}");
            }
        }
        std::process::exit(1);
    }
}

fn trace(e: &rappel_local_tests::soak::Evidence, id: &str) {
    for (t, record) in &e.writes {
        match record {
            rappel_ports::records::Record::Appointment(a) if a.id.as_str() == id => println!(
                "write {t}: v{} {:?} {} changed {} {:?}",
                a.version, a.status, a.start, a.details_changed_at, a.last_change
            ),
            _ => {}
        }
    }
    for entry in &e.outbox {
        let text = format!("{entry:?}");
        if text.contains(id) || text.contains(&id[3..11]) {
            println!("outbox: {}", &text[..text.len().min(200)]);
        }
    }
    for h in e.history.iter().filter(|h| h.message_key.contains(id)) {
        println!(
            "history {}: {:?} {:?} {}",
            h.recorded_at, h.status, h.reason, h.message_key
        );
    }
}
