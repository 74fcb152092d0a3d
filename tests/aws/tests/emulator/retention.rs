//! Each business's retention on the AWS path (moto): the API and send functions stamp what they
//! write with the instant its business no longer keeps it, as the tables' TTL attribute —
//! the appointment from its end, a stranger's message from when it came, a paid invoice from
//! its payment, each history entry from its record and the ledger's copy of it likewise —
//! while an open invoice, a client and the settings carry none. (moto does not run TTL's
//! deletions; the change handler's reading of one is tested on AWS's documented stream record
//! in `shared/aws/src/stream.rs`, and its doing nothing about it on the local stack.)

use aws_sdk_dynamodb::types::{AttributeValue, TimeToLiveStatus};
use chrono::{DateTime, Duration, TimeZone, Utc};
use rappel_aws_tests::aws::spawn_aws_app;
use rappel_ports::clock::Clock;
use rappel_testkit::CallsApi;
use serde_json::json;
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

fn text<'a>(item: &'a Item, name: &str) -> &'a str {
    match item.get(name) {
        Some(AttributeValue::S(s)) => s,
        _ => "",
    }
}

/// The item's TTL attribute, as the instant it names.
fn expires_at(item: &Item) -> Option<DateTime<Utc>> {
    match item.get("expires_at") {
        Some(AttributeValue::N(n)) => n
            .parse()
            .ok()
            .and_then(|s| Utc.timestamp_opt(s, 0).single()),
        _ => None,
    }
}

fn record<'a>(records: &'a [Item], sk: &str) -> &'a Item {
    records
        .iter()
        .find(|i| text(i, "sk") == sk)
        .unwrap_or_else(|| panic!("an item {sk}"))
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn what_each_write_stores_carries_its_business_retention_as_the_tables_ttl() {
    let start = Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap();
    let app = spawn_aws_app(start, true).await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}],
        "notifications": {
            "reminders": [{"offset": "1d", "email": true}],
            "auto_replies": {"contact_form": {"enabled": true}}
        },
        "retention": {"ended_appointments_days": 150, "inbound_messages_days": 40,
                      "history_days": 90, "closed_documents_days": 35}
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    app.seed_catalog().await;
    app.pump_stream().await;
    let lea = app.create_lea(&app.phone.clone()).await;
    let appointment = app.book_friday_10am(&lea).await;
    let form = app
        .post(
            "/v1/inbound",
            json!({"kind": "contact_form", "name": "Inès Fauconnier", "email": "ines@example.org"}),
        )
        .await;
    assert_eq!(form.status, 202, "{}", form.body);
    let received = DateTime::parse_from_rfc3339(form.body["received_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    for number in ["f1", "f2"] {
        let issued = app
            .put(
                &format!("/v1/invoices/{number}"),
                json!({"client_id": lea, "number": number.to_uppercase(), "amount": 4500,
                       "currency": "EUR", "issued_at": "2026-03-20T10:00:00+01:00",
                       "due_date": "2027-12-20"}),
            )
            .await;
        assert_eq!(issued.status, 200, "{}", issued.body);
    }
    assert_eq!(
        app.post("/v1/invoices/f1/paid", json!({})).await.status,
        200
    );
    app.pump_stream().await;
    // The day before: her reminder goes out (and its history, and the ledger's copy).
    app.advance_to("2026-03-26T12:00:00Z").await;
    assert!(!app.emails_to("lea@example.fr").await.is_empty());

    let records = app.scan_items(&app.resources.records_table).await;
    let ended = Utc.with_ymd_and_hms(2026, 3, 27, 9, 45, 0).unwrap();
    assert_eq!(
        expires_at(record(&records, &format!("appointment#{appointment}"))),
        Some(ended + Duration::days(150))
    );
    let inbound: Vec<&Item> = records
        .iter()
        .filter(|i| text(i, "sk").starts_with("inbound#"))
        .collect();
    assert_eq!(inbound.len(), 1);
    assert_eq!(expires_at(inbound[0]), Some(received + Duration::days(40)));
    assert_eq!(
        expires_at(record(&records, "invoice#f1")),
        Some(start + Duration::days(35)),
        "a paid invoice: from its payment"
    );
    for kept in ["invoice#f2", "settings#settings", &format!("client#{lea}")] {
        assert_eq!(expires_at(record(&records, kept)), None, "{kept} is kept");
    }

    let deliveries = app.scan_items(&app.resources.deliveries_table).await;
    let window = |item: &Item| {
        expires_at(item).is_some_and(|at| {
            at >= start + Duration::days(90) && at <= app.clock.now() + Duration::days(90)
        })
    };
    let history: Vec<&Item> = deliveries
        .iter()
        .filter(|i| text(i, "pk").starts_with("H#"))
        .collect();
    assert!(
        history.len() >= 3,
        "the confirmation, the reminder, the answer to Inès"
    );
    assert!(
        history.iter().all(|i| window(i)),
        "90 days from each record"
    );
    let copies: Vec<&Item> = deliveries
        .iter()
        .filter(|i| text(i, "pk").starts_with("L#") && i.contains_key("record"))
        .collect();
    assert!(!copies.is_empty());
    assert!(
        copies.iter().all(|i| window(i)),
        "the ledger's copy of an entry goes with it, not 400 days later"
    );

    let ttl = aws_sdk_dynamodb::Client::new(&app.sdk)
        .describe_time_to_live()
        .table_name(&app.resources.records_table)
        .send()
        .await
        .expect("the records table's TTL");
    let ttl = ttl.time_to_live_description().expect("a TTL description");
    assert_eq!(ttl.attribute_name(), Some("expires_at"));
    assert_eq!(ttl.time_to_live_status(), Some(&TimeToLiveStatus::Enabled));
}

/// The instant a history entry or a ledger copy says it was recorded.
fn recorded_at(item: &Item, path: &[&str]) -> DateTime<Utc> {
    let mut value = item.get(path[0]);
    for name in &path[1..] {
        value = match value {
            Some(AttributeValue::M(map)) => map.get(*name),
            _ => None,
        };
    }
    match value {
        Some(AttributeValue::S(at)) => DateTime::parse_from_rfc3339(at)
            .expect("an RFC 3339 instant")
            .with_timezone(&Utc),
        other => panic!("no {path:?} in the item: {other:?}"),
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_shorter_period_is_stamped_again_on_what_is_kept_by_the_replan_function() {
    let start = Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap();
    let app = spawn_aws_app(start, true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone.clone()).await;
    let appointment = app.book_friday_10am(&lea).await;
    app.advance_to("2026-03-26T12:00:00Z").await;
    let sent = app.emails_to("lea@example.fr").await.len();
    assert!(sent >= 2, "the confirmation and the day-before reminder");
    let schedules = app.count_schedules().await;

    // The salon now keeps ended appointments 200 days and its history 60.
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "sender_mode": "staff_reply_to",
        "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}],
        "notifications": {
            "reminders": [{"offset": "1d", "email": true}, {"offset": "2h", "sms": true}],
            "follow_ups": [{"after_end": "1d", "email": true}]
        },
        "retention": {"ended_appointments_days": 200, "history_days": 60}
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    let (_, handled) = app.pump_stream().await;
    assert_eq!(handled["batchItemFailures"], json!([]));
    // The re-stamps' own stream records (both images the same) plan nothing.
    let (again, handled) = app.pump_stream().await;
    assert!(
        !again.records.is_empty(),
        "the re-stamped appointment's update"
    );
    assert_eq!(handled["batchItemFailures"], json!([]));
    assert_eq!(app.emails_to("lea@example.fr").await.len(), sent);
    assert_eq!(app.count_schedules().await, schedules);

    let records = app.scan_items(&app.resources.records_table).await;
    let ended = Utc.with_ymd_and_hms(2026, 3, 27, 9, 45, 0).unwrap();
    assert_eq!(
        expires_at(record(&records, &format!("appointment#{appointment}"))),
        Some(ended + Duration::days(200))
    );
    let deliveries = app.scan_items(&app.resources.deliveries_table).await;
    let history: Vec<&Item> = deliveries
        .iter()
        .filter(|i| text(i, "pk").starts_with(&format!("H#{}#", app.tenant)))
        .collect();
    assert!(!history.is_empty());
    for entry in &history {
        let kept = recorded_at(entry, &["data", "recorded_at"]) + Duration::days(60);
        assert_eq!(expires_at(entry), Some(kept), "{entry:?}");
        assert_eq!(recorded_at(entry, &["data", "kept_until"]), kept);
    }
    let copies: Vec<&Item> = deliveries
        .iter()
        .filter(|i| text(i, "pk").starts_with("L#") && i.contains_key("record"))
        .collect();
    assert!(!copies.is_empty());
    for copy in &copies {
        let kept = recorded_at(copy, &["record", "recorded_at"]) + Duration::days(60);
        assert_eq!(expires_at(copy), Some(kept), "{copy:?}");
        assert_eq!(recorded_at(copy, &["record", "kept_until"]), kept);
    }
}
