//! Businesses isolated in effect: one business's burst does not make another's reminders late.
//! The full-size run (20,000) is `cargo run --release -p rappel-local-tests --bin fairness`.

use rappel_local_tests::fairness::{FairnessRun, run};

#[tokio::test]
async fn another_business_s_burst_leaves_b_s_reminders_on_time_at_a_provider_s_10_per_second() {
    // 2,000 reminders at 10/s: A's backlog lasts 200 s, past most of B's appointments' starts
    // if B's reminders waited behind it.
    let report = run(FairnessRun {
        burst: 2_000,
        quiet: 20,
        rate: 10.0,
    })
    .await;
    println!("{}", report.table());
    assert_eq!(report.burst_sent, 2_000, "A's reminders all go out");
    assert!(
        report.burst_drained_after >= chrono::Duration::seconds(190),
        "the provider's rate holds A's burst back: {:?}",
        report.burst_drained_after
    );
    assert!(!report.quiet_delays.is_empty());
    assert_eq!(report.quiet_missed, 0, "none of B's reminders is too late");
    assert!(
        report.quiet_delay(0.99) <= chrono::Duration::seconds(30),
        "B's reminders go out within 30 s of their due time:\n{}",
        report.table()
    );
}
