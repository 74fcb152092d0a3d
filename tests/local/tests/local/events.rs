//! The business's delivery events (`GET /v1/events`): every transition of its messages, in
//! order, a page at a time from a cursor — the same whenever asked — and none of another's.

use rappel_testkit::fixtures::friday_before;
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};
use std::collections::HashSet;

/// Every event of the business, read `limit` at a time; also the pages it took.
async fn all_events(app: &TestApp, limit: usize) -> (Vec<Value>, usize) {
    let (mut events, mut pages, mut after) = (Vec::new(), 0, None::<String>);
    loop {
        let path = match &after {
            Some(cursor) => format!("/v1/events?limit={limit}&after={}", urlencode(cursor)),
            None => format!("/v1/events?limit={limit}"),
        };
        let page = app.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        pages += 1;
        events.extend(page.body["events"].as_array().cloned().unwrap_or_default());
        match page.body["next_cursor"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => return (events, pages),
        }
    }
}

fn urlencode(raw: &str) -> String {
    raw.replace(':', "%3A").replace('#', "%23")
}

fn of_type<'a>(events: &'a [Value], event_type: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == event_type).collect()
}

#[tokio::test]
async fn a_booking_moved_then_cancelled_tells_each_transition_once_in_order() {
    let app = spawn_app(friday_before()).await;
    let (lea, appointment) = app.lea_booked_friday_10am().await;
    let moved = app
        .patch(
            &format!("/v1/appointments/{appointment}"),
            json!({"start": "2026-03-27T11:00:00+01:00", "end": "2026-03-27T11:45:00+01:00"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let cancelled = app
        .post(&format!("/v1/appointments/{appointment}/cancel"), json!({}))
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    app.advance_to("2026-03-20T09:00:10Z").await;

    let (events, pages) = all_events(&app, 3).await;
    assert!(!events.is_empty());
    assert!(pages > 2, "{pages} pages");
    let ids: HashSet<&str> = events.iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids.len(), events.len(), "each event once");
    for event in &events {
        assert_eq!(event["business"], "salon-lea");
        assert_eq!(event["version"], 1);
        let text = event.to_string();
        assert!(
            !text.contains("lea@example.fr") && !text.contains("+336"),
            "{text}"
        );
    }
    let planned = of_type(&events, "message.planned");
    assert!(
        planned.iter().any(|e| e["message"]["kind"] == "reminder"),
        "{events:#?}"
    );
    let sent = of_type(&events, "message.sent");
    assert!(
        sent.iter()
            .any(|e| e["message"]["kind"] == "confirmation" && e["client_id"] == lea.as_str())
    );
    let replanned = of_type(&events, "message.replanned");
    assert!(!replanned.is_empty(), "the move re-plans the reminders");
    assert!(
        replanned
            .iter()
            .all(|e| e["message"]["previous_due"].is_string())
    );
    let withdrawn = of_type(&events, "message.withdrawn");
    assert!(!withdrawn.is_empty(), "the cancellation withdraws them");
    // In order: positions never go back.
    let times: Vec<&str> = events
        .iter()
        .filter_map(|e| e["occurred_at"].as_str())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");

    // Replayed from the middle: the same events after that point.
    let (whole, _) = all_events(&app, 500).await;
    assert_eq!(whole, events);
    let half = events.len() / 2;
    let first_half = app.get(&format!("/v1/events?limit={half}")).await;
    let position = first_half.body["last_position"]
        .as_str()
        .expect("a position")
        .to_owned();
    let replay = app
        .get(&format!(
            "/v1/events?limit=500&after={}",
            urlencode(&position)
        ))
        .await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    let replayed = replay.body["events"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(replayed.as_slice(), &events[half..]);

    let other = app.call_as("salon-b", "GET", "/v1/events", None).await;
    assert_eq!(other.body["events"], json!([]));
}

#[tokio::test]
async fn an_event_is_listed_once_it_has_settled_and_a_bad_cursor_is_refused() {
    let app = spawn_app(friday_before()).await;
    app.lea_booked_friday_10am().await;
    let now = app.get("/v1/events").await;
    assert_eq!(now.body["events"], json!([]), "not yet: {}", now.body);
    assert!(
        !app.get("/_local/events").await.body["events"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );
    app.advance_to("2026-03-20T09:00:03Z").await;
    let settled = app.get("/v1/events").await;
    assert!(!settled.body["events"].as_array().is_none_or(Vec::is_empty));
    for bad in [
        "/v1/events?after=yesterday",
        "/v1/events?limit=0",
        "/v1/events?limit=501",
    ] {
        assert_eq!(app.get(bad).await.status, 422, "{bad}");
    }
}
