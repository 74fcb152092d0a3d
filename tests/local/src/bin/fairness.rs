//! The fairness run (see `rappel_local_tests::fairness`): prints its table and exits 1 when
//! business B's reminders are not all sent within 30 s of their due time (p99). Sizes from
//! the environment: `FAIRNESS_BURST` (20000), `FAIRNESS_QUIET` (60), `FAIRNESS_RATE` (10).

use rappel_local_tests::fairness::{FairnessRun, run};

fn var<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let started = std::time::Instant::now();
    let report = run(FairnessRun {
        burst: var("FAIRNESS_BURST", 20_000),
        quiet: var("FAIRNESS_QUIET", 60),
        rate: var("FAIRNESS_RATE", 10.0),
    })
    .await;
    println!("{}", report.table());
    let fair = report.quiet_missed == 0
        && report.burst_sent == report.run.burst
        && report.quiet_delay(0.99) <= chrono::Duration::seconds(30);
    println!(
        "fairness result: {} (B's p99 {:.1} s, none missed: {}; ran in {:.0} s)",
        if fair { "fair" } else { "UNFAIR" },
        report.quiet_delay(0.99).num_milliseconds() as f64 / 1000.0,
        report.quiet_missed == 0,
        started.elapsed().as_secs_f64()
    );
    if !fair {
        std::process::exit(1);
    }
}
