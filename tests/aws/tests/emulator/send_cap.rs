//! A business's send cap on AWS: the hour's counter is raised in the transaction that settles
//! each message, and a message over the cap is held — a one-shot schedule in the group brings
//! it back for its slot in a later hour, to its lane, in its business's message group.

use chrono::{TimeZone, Utc};
use rappel_aws_tests::aws::spawn_aws_app;
use rappel_testkit::CallsApi;
use serde_json::json;

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_message_over_the_hourly_cap_is_scheduled_for_the_next_hour_and_then_sent() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "send_cap": {"messages_per_hour": 1}
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    app.pump_stream().await;
    app.drain_replan_queue().await;
    let lea = app.create_lea(&app.phone).await;
    app.book_friday_10am(&lea).await;

    // The confirmation's e-mail and SMS: one goes out this hour, the other is held.
    let history = app.communications(&lea).await;
    let sent: Vec<_> = history
        .iter()
        .filter(|e| e["kind"] == "confirmation" && e["status"] == "sent")
        .collect();
    assert_eq!(sent.len(), 1, "{history:#?}");
    let held: Vec<_> = app
        .schedules()
        .await
        .into_iter()
        .filter(|s| s.name.contains(".h"))
        .collect();
    assert!(!held.is_empty(), "a held schedule");
    // One an hour: the first held at 10:00, the next at 11:00, ...
    let first_slot = Utc.with_ymd_and_hms(2026, 3, 20, 10, 0, 0).unwrap();
    assert_eq!(held[0].at, first_slot);
    for (n, schedule) in held.iter().enumerate() {
        assert_eq!(schedule.at, first_slot + chrono::Duration::hours(n as i64));
        assert_eq!(
            schedule.target.message_group.as_deref(),
            Some(app.tenant.as_str())
        );
    }
    assert!(
        held.iter()
            .any(|s| s.input["key"]["kind"] == "confirmation"),
        "{:?}",
        held.iter().map(|s| &s.input).collect::<Vec<_>>()
    );
    let usage = app.get("/v1/usage?month=2026-03").await;
    assert_eq!(
        usage.body["send_cap"]["sent_this_hour"], 1,
        "{}",
        usage.body
    );
    assert_eq!(
        usage.body["send_cap"]["held_this_hour"],
        held.len() as u64,
        "{}",
        usage.body
    );

    app.advance_to("2026-03-20T16:00:00Z").await;
    let history = app.communications(&lea).await;
    let sent = history
        .iter()
        .filter(|e| e["kind"] == "confirmation" && e["status"] == "sent")
        .count();
    assert_eq!(sent, 2, "the held one went out at its slot: {history:#?}");
}
