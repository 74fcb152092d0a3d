//! Group commit on a data dir, as a user of the local stack meets it: many reminders coming
//! due together are each sent once, and share their syncs instead of making two each. Its own
//! test binary: it counts the syncs of the process's one domain.

use chrono::{TimeZone, Utc};
use rappel_local::LocalConfig;
use rappel_ports::group_commit::SyncDomain;
use rappel_testkit::{CallsApi, spawn_app_with};
use serde_json::json;

#[tokio::test]
async fn reminders_coming_due_together_are_each_sent_once_and_share_their_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(LocalConfig {
        data_dir: Some(dir.path().to_path_buf()),
        ..LocalConfig::for_tests(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap())
    })
    .await;
    app.seed_business().await;
    let bookings = 40;
    for n in 0..bookings {
        let client = app
            .create_client(
                json!({"name": format!("Client {n}"), "email": format!("c{n}@example.fr")}),
            )
            .await;
        let start =
            Utc.with_ymd_and_hms(2026, 3, 25, 8, 0, 0).unwrap() + chrono::Duration::minutes(15 * n);
        let end = start + chrono::Duration::minutes(15);
        app.book(&client, &start.to_rfc3339(), &end.to_rfc3339())
            .await;
    }
    let sent_before = app.outbox().await.len();
    let syncs_before = SyncDomain::global().rounds();

    // Every day-before reminder comes due on the 24th.
    app.advance_to("2026-03-24T23:00:00Z").await;

    let syncs = SyncDomain::global().rounds() - syncs_before;
    let reminders: Vec<_> = app.outbox().await.split_off(sent_before);
    println!("{} reminders sent with {syncs} syncs", reminders.len());
    assert!(!reminders.is_empty());
    let mut keys: Vec<_> = reminders.iter().map(|m| m["key"].clone()).collect();
    keys.sort_by_key(ToString::to_string);
    keys.dedup();
    assert_eq!(keys.len(), reminders.len(), "each reminder sent once");
    assert!(
        reminders.len() >= bookings as usize,
        "{} reminders for {bookings} bookings",
        reminders.len()
    );
    // Before, each firing synced twice at least (queued, then sent and done): 80+ syncs here.
    assert!(
        (syncs as usize) * 4 <= reminders.len(),
        "{syncs} syncs for {} reminders",
        reminders.len()
    );
    assert!(
        SyncDomain::global().is_synced(),
        "nothing left unsynced once it answered"
    );
}
