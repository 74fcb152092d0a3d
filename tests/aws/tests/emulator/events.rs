//! The business's delivery events on DynamoDB: each history entry's event written with it (the
//! settle transaction, the history's put), the planning events of a reaction in one batch, read
//! back a page at a time from a cursor.

use chrono::{TimeZone, Utc};
use rappel_aws_tests::aws::spawn_aws_app;
use rappel_testkit::CallsApi;
use serde_json::Value;
use std::collections::HashSet;

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_booking_s_events_are_read_back_in_pages_from_a_cursor() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    app.book_friday_10am(&lea).await;
    app.advance_to("2026-03-20T09:00:10Z").await;

    let whole = app.get("/v1/events?limit=500").await;
    assert_eq!(whole.status, 200, "{}", whole.body);
    let events: Vec<Value> = whole.body["events"].as_array().cloned().unwrap_or_default();
    assert!(!events.is_empty());
    let types: HashSet<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert!(types.contains("message.planned"), "{types:?}");
    assert!(types.contains("message.sent"), "{types:?}");
    let ids: HashSet<&str> = events.iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids.len(), events.len(), "each event once");

    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(cursor) => format!(
                "/v1/events?limit=2&after={}",
                cursor.replace(':', "%3A").replace('#', "%23")
            ),
            None => "/v1/events?limit=2".to_owned(),
        };
        let page = app.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        paged.extend(page.body["events"].as_array().cloned().unwrap_or_default());
        match page.body["next_cursor"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(paged, events, "the same events page by page");
}
