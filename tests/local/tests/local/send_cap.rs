//! A business's send cap: at most so many messages an hour. What passes the cap is held for a
//! slot in a later hour — never dropped — and `GET /v1/usage` shows the hour against the cap.

use rappel_testkit::fixtures::friday_before;
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The salon's settings with a cap of `per_hour` messages an hour.
async fn cap_of(app: &TestApp, per_hour: u32) {
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}],
        "send_cap": {"messages_per_hour": per_hour}
    });
    let answer = app.put("/v1/settings", settings).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// Three clients booked at once for next Friday: each gets a booking notice by e-mail and SMS.
async fn three_bookings(app: &TestApp) -> Vec<String> {
    let mut clients = Vec::new();
    for n in 1..=3 {
        let client = app
            .create_client(json!({
                "name": format!("Client {n}"),
                "email": format!("client{n}@example.fr"),
                "phone": format!("+3361234560{n}"),
            }))
            .await;
        app.book(
            &client,
            &format!("2026-03-27T1{n}:00:00+01:00"),
            &format!("2026-03-27T1{n}:30:00+01:00"),
        )
        .await;
        clients.push(client);
    }
    clients
}

fn booking_notices(outbox: &[Value]) -> Vec<&Value> {
    outbox
        .iter()
        .filter(|m| {
            m["tags"]
                .as_array()
                .is_some_and(|tags| tags.contains(&json!(["rappel-kind", "confirmation"])))
        })
        .collect()
}

/// How many of `messages` went out in each UTC hour.
fn per_hour(messages: &[&Value]) -> BTreeMap<String, usize> {
    let mut hours = BTreeMap::new();
    for message in messages {
        let at = message["at"].as_str().expect("a send time");
        *hours.entry(at[..13].to_owned()).or_default() += 1;
    }
    hours
}

#[tokio::test]
async fn messages_over_the_hourly_cap_wait_for_later_hours_and_none_is_lost() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    cap_of(&app, 2).await;
    let clients = three_bookings(&app).await;

    // The notices to the clients, and the staff member's and the manager's of each booking.
    let now = app.outbox().await;
    assert_eq!(now.len(), 2, "two messages in the first hour: {now:#?}");
    let usage = app.get("/v1/usage?month=2026-03").await;
    assert_eq!(usage.status, 200, "{}", usage.body);
    assert_eq!(usage.body["send_cap"]["messages_per_hour"], 2);
    assert_eq!(usage.body["send_cap"]["hour"], "2026-03-20T09");
    assert_eq!(
        usage.body["send_cap"]["sent_this_hour"], 2,
        "{}",
        usage.body
    );
    let held = usage.body["send_cap"]["held_this_hour"]
        .as_u64()
        .expect("a count");
    assert!(held >= 4, "{}", usage.body);

    app.advance_to("2026-03-21T09:00:00Z").await;
    let outbox = app.outbox().await;
    assert_eq!(outbox.len() as u64, 2 + held, "every message in the end");
    assert_eq!(booking_notices(&outbox).len(), 6, "{outbox:#?}");
    let all: Vec<&Value> = outbox.iter().collect();
    let hours = per_hour(&all);
    assert!(hours.len() > 2, "{hours:?}");
    assert!(
        hours.values().all(|&n| n <= 2),
        "never more than the cap an hour: {hours:?}"
    );
    for client in &clients {
        let history = app.communications(client).await;
        assert!(!history.is_empty());
        let sent = history
            .iter()
            .filter(|e| e["kind"] == "confirmation" && e["status"] == "sent")
            .count();
        assert_eq!(sent, 2, "e-mail and SMS, each once: {history:#?}");
    }
}

#[tokio::test]
async fn without_a_cap_every_message_goes_out_at_once_and_the_usage_shows_no_cap() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    three_bookings(&app).await;
    assert_eq!(booking_notices(&app.outbox().await).len(), 6);
    let usage = app.get("/v1/usage?month=2026-03").await;
    assert_eq!(usage.body["send_cap"], Value::Null, "{}", usage.body);
}

#[tokio::test]
async fn a_cap_of_zero_is_refused_with_its_reason() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "send_cap": {"messages_per_hour": 0}
    });
    let answer = app.put("/v1/settings", settings).await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert!(
        answer.body.to_string().contains("send_cap"),
        "{}",
        answer.body
    );
}
