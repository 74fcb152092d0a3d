//! A small soak in the test run (the sizes CI runs and the full run are in docs/GUARANTEES.md), and
//! the oracle shown able to fail: a message taken out of the outbox is lost, one sent twice is
//! a duplicate, one sent after its appointment was cancelled is stale.

use rappel_local_tests::soak::{SoakConfig, SoakReport, run};
use rappel_ports::delivery::OutboxEntry;
use rappel_ports::history::CommunicationStatus;
use rappel_ports::records::Record;

async fn small_soak(seed: u64) -> SoakReport {
    let dir = tempfile::tempdir().unwrap();
    run(SoakConfig {
        appointments: 150,
        tenants: 4,
        fault_rate: 0.1,
        seed,
        restart_rate: 0.02,
        attempts: rappel_testkit::chaos::ATTEMPTS,
        data_dir: dir.path().join("data"),
    })
    .await
}

fn key_of(entry: &OutboxEntry) -> &str {
    entry.key()
}

#[tokio::test]
async fn a_small_soak_loses_doubles_and_stales_nothing_through_faults_and_restarts() {
    let report = small_soak(3).await;
    println!("{}", report.table());
    let j = &report.judgement;
    assert!(j.required > 300, "{}", report.table());
    assert!(report.restarts > 0, "{}", report.table());
    assert!(report.failed_share() >= 0.09, "{}", report.table());
    assert!(
        report.surfaced.values().sum::<u64>() > 0,
        "{}",
        report.table()
    );
    assert!(report.is_clean(), "{}\n{j:#?}", report.table());
}

#[tokio::test]
async fn the_oracle_finds_a_lost_a_duplicate_and_a_stale_message() {
    let report = small_soak(4).await;
    assert!(report.is_clean(), "{}", report.table());
    let evidence = &report.evidence;
    assert!(!evidence.outbox.is_empty());

    // A reminder that went out, taken out of the outbox (and of the history): lost.
    let mut altered = evidence.clone();
    let reminder = altered
        .outbox
        .iter()
        .position(|e| key_of(e).contains("-rem1-") || key_of(e).contains("-rem2-"))
        .expect("a reminder was sent");
    let removed = altered.outbox.remove(reminder);
    let judged = altered.judge();
    assert_eq!(judged.lost.len(), 1, "{:?}", removed.key());

    // The same message twice in the outbox: a duplicate.
    let mut altered = evidence.clone();
    altered.outbox.push(altered.outbox[0].clone());
    assert_eq!(altered.judge().duplicates.len(), 1);

    // A confirmation sent after its appointment was cancelled: stale.
    let cancelled = evidence.writes.iter().find_map(|(t, r)| match r {
        Record::Appointment(a) if a.status == rappel_core::model::AppointmentStatus::Cancelled => {
            Some((*t, a.id.clone()))
        }
        _ => None,
    });
    let (cancelled_at, id) = cancelled.expect("an appointment was cancelled");
    let mut altered = evidence.clone();
    let confirmation = altered
        .outbox
        .iter()
        .position(|e| {
            key_of(e).contains("-conf")
                && evidence.history.iter().any(|h| {
                    h.status == CommunicationStatus::Sent
                        && h.message_key.contains(id.as_str())
                        && h.message_key.contains("/confirmation/")
                        && h.provider_message_id.as_deref() == Some(e.id())
                })
        })
        .expect("its confirmation was sent");
    match &mut altered.outbox[confirmation] {
        OutboxEntry::Email { at, .. } | OutboxEntry::Sms { at, .. } => {
            *at = cancelled_at + chrono::Duration::seconds(1)
        }
    }
    assert_eq!(altered.judge().stale.len(), 1);
}
