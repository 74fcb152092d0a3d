//! A client's erasure on the AWS path (moto), proven by a byte scan: after a full life (a
//! contact form before she was a client, appointments booked, moved and cancelled, messages
//! sent, a reply by SMS to the two-way number, her address bounced, an invoice, a waitlist
//! entry), `DELETE /v1/clients/{id}` — the API function, the change handler on the stream,
//! the erase function on its queue — leaves none of her name, address, number or words in
//! either DynamoDB table (scanned whole), the schedules or the queues; her address stays
//! refused.

use aws_lambda_events::event::sns::SnsEvent;
use chrono::{TimeZone, Utc};
use lambda_runtime::{Context, LambdaEvent};
use rappel_aws::wiring;
use rappel_aws_tests::aws::{AwsApp, spawn_aws_app, two_way_text};
use rappel_testkit::CallsApi;
use rappel_testkit::erasure_scene::{MAIL, NAME, WORDS, file_her_invoice_and_waitlist_entry};
use serde_json::{Value, json};

const NOTIFICATIONS: &str = include_str!("../../../../infra/events/sns-mail-events.json");
const BOUNCE: &str = include_str!("../../../../infra/events/ses-bounce.json");
const TWO_WAY: &str = "+33757990000";

/// Every item of `table`, as text (Debug keeps non-ASCII letters as they are).
async fn scan_table(app: &AwsApp, table: &str) -> Vec<String> {
    let items = app.scan_items(table).await;
    items.iter().map(|item| format!("{item:?}")).collect()
}

/// The bodies of the messages waiting on `queue_url`, left there.
async fn peek_queue(app: &AwsApp, queue_url: &str) -> Vec<String> {
    let sqs = aws_sdk_sqs::Client::new(&app.sdk);
    let received = sqs
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(10)
        .visibility_timeout(0)
        .send()
        .await
        .expect("the queue can be read");
    received
        .messages()
        .iter()
        .filter_map(|m| m.body().map(str::to_owned))
        .collect()
}

/// Everything the deployment holds, store by store, as text.
async fn every_store(app: &AwsApp) -> Vec<(String, String)> {
    let r = &app.resources;
    let mut stores = Vec::new();
    for (name, table) in [
        ("records", &r.records_table),
        ("deliveries", &r.deliveries_table),
    ] {
        for item in scan_table(app, table).await {
            stores.push((name.to_owned(), item));
        }
    }
    for schedule in app.schedules().await {
        stores.push(("schedule".into(), schedule.input.to_string()));
    }
    for (name, url) in [
        ("send queue", &r.send_queue_url),
        ("bulk queue", &r.bulk_send_queue_url),
        ("re-plan queue", &r.replan_queue_url),
        ("erasure queue", &r.erasure_queue_url),
        ("webhook retries", &r.webhook_retry_queue_url),
    ] {
        for body in peek_queue(app, url).await {
            stores.push((name.to_owned(), body));
        }
    }
    stores
}

fn found<'a>(stores: &'a [(String, String)], needle: &str) -> Vec<&'a str> {
    let needle = needle.to_lowercase();
    stores
        .iter()
        .filter(|(_, text)| text.to_lowercase().contains(&needle))
        .map(|(store, _)| store.as_str())
        .collect()
}

/// SES's permanent bounce of her address, with the tags of her messages.
fn bounce_of(tenant: &str, client: &str) -> SnsEvent {
    let mut record: Value = serde_json::from_str(BOUNCE).unwrap();
    record["bounce"]["bouncedRecipients"][0]["emailAddress"] = json!(MAIL);
    record["mail"]["destination"] = json!([MAIL]);
    record["mail"]["tags"]["rappel-tenant"] = json!([tenant]);
    record["mail"]["tags"]["rappel-recipient"] = json!([format!("client.{client}")]);
    let mut event: SnsEvent = serde_json::from_str(NOTIFICATIONS).unwrap();
    event.records.truncate(1);
    event.records[0].sns.message = record.to_string();
    event
}

async fn booked(app: &AwsApp, client: &str, start: &str, end: &str) -> String {
    let answer = app
        .post(
            "/v1/appointments",
            json!({"client_id": client, "staff_id": "sam", "type_id": "cut", "start": start, "end": end}),
        )
        .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    app.pump_stream().await;
    answer.body["id"].as_str().expect("an id").to_owned()
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_erased_client_leaves_none_of_her_data_in_the_tables_schedules_or_queues_on_aws() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    let (app, replies) = app.with_two_way_number(TWO_WAY).await;
    app.seed_salon().await;
    let phone = app.phone.clone();

    // Her life at the salon.
    let wrote = app
        .post(
            "/v1/inbound",
            json!({"kind": "contact_form", "name": NAME, "email": MAIL}),
        )
        .await;
    assert_eq!(wrote.status, 202, "{}", wrote.body);
    let created = app
        .post(
            "/v1/clients",
            json!({"name": NAME, "email": MAIL, "phone": phone}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let zoe = created.body["id"].as_str().expect("an id").to_owned();
    let paul = app
        .post(
            "/v1/clients",
            json!({"name": "Paul Renard", "email": "paul.renard@example.fr"}),
        )
        .await;
    assert_eq!(paul.status, 201, "{}", paul.body);
    app.pump_stream().await;
    let kept = booked(
        &app,
        &zoe,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    let moved = app
        .patch(
            &format!("/v1/appointments/{kept}"),
            json!({"start": "2026-03-27T11:00:00+01:00", "end": "2026-03-27T11:45:00+01:00", "actor": "client"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    app.pump_stream().await;
    let dropped = booked(
        &app,
        &zoe,
        "2026-04-03T10:00:00+02:00",
        "2026-04-03T10:45:00+02:00",
    )
    .await;
    let cancelled = app
        .post(
            &format!("/v1/appointments/{dropped}/cancel"),
            json!({"actor": "client"}),
        )
        .await;
    assert!(cancelled.status < 300, "{}", cancelled.body);
    app.pump_stream().await;
    booked(
        &app,
        &zoe,
        "2026-04-10T10:00:00+02:00",
        "2026-04-10T10:45:00+02:00",
    )
    .await;
    file_her_invoice_and_waitlist_entry(&app, &zoe).await;
    app.pump_stream().await;
    app.drain_send_queue().await;
    app.advance_to("2026-03-27T10:00:00+01:00").await;
    assert!(!app.sms_to(&phone).await.is_empty(), "her SMS went out");
    let outcomes = rappel_inbound_sms::function_handler(
        LambdaEvent::new(
            two_way_text(TWO_WAY, &phone, WORDS, "reply-1"),
            Context::default(),
        ),
        &replies,
    )
    .await
    .expect("her reply is taken");
    assert!(!outcomes.is_empty());
    app.pump_stream().await;
    app.drain_send_queue().await;
    let feedback = wiring::feedback_services(&app.sdk, &app.resources.env())
        .expect("the feedback function composes");
    let marked = rappel_feedback::function_handler(
        LambdaEvent::new(bounce_of(&app.tenant, &zoe), Context::default()),
        &feedback,
    )
    .await
    .expect("the bounce is recorded");
    assert_eq!(marked, vec!["marked"]);

    let before = every_store(&app).await;
    for needle in [NAME, MAIL, phone.as_str()] {
        assert!(
            !found(&before, needle).is_empty(),
            "{needle} is held before"
        );
    }

    // The erasure: the API, the change handler, the erase function.
    let begun = app.delete(&format!("/v1/clients/{zoe}")).await;
    assert_eq!(begun.status, 202, "{}", begun.body);
    let mut rounds = 0;
    loop {
        app.pump_stream().await;
        let woken = app.drain_erasure_queue().await;
        app.drain_send_queue().await;
        rounds += 1;
        if woken == 0 || rounds > 50 {
            break;
        }
    }
    let erasure = app.get(&format!("/v1/clients/{zoe}/erasure")).await;
    assert_eq!(erasure.status, 200, "{}", erasure.body);
    assert_eq!(erasure.body["state"], "done", "{}", erasure.body);
    assert_eq!(
        erasure.body["erased"]["appointments"], 3,
        "{}",
        erasure.body
    );
    assert_eq!(erasure.body["erased"]["invoices"], 1, "{}", erasure.body);
    assert_eq!(
        erasure.body["erased"]["waitlist_entries"], 1,
        "{}",
        erasure.body
    );
    assert!(
        erasure.body["erased"]["texts"].as_u64() > Some(0),
        "{}",
        erasure.body
    );
    assert!(
        erasure.body["erased"]["ledger_copies"].as_u64() > Some(0),
        "{}",
        erasure.body
    );

    let after = every_store(&app).await;
    assert!(
        after.len() > 10,
        "the scan reads the stores: {}",
        after.len()
    );
    for needle in [NAME, "Vasseur", MAIL, phone.as_str(), &phone[1..], WORDS] {
        let left = found(&after, needle);
        assert!(left.is_empty(), "{needle:?} is still in {left:?}");
    }
    assert!(
        !found(&after, "Paul Renard").is_empty(),
        "the other client stays"
    );
    assert!(
        app.schedules()
            .await
            .iter()
            .all(|s| !s.input.to_string().contains(&zoe)),
        "her schedules are gone"
    );
    assert_eq!(app.get(&format!("/v1/clients/{zoe}")).await.status, 404);

    // Her address stays refused, for a client filed again with it.
    let again = app
        .post("/v1/clients", json!({"name": "Z. V.", "email": MAIL}))
        .await;
    assert_eq!(again.status, 201, "{}", again.body);
    let again = again.body["id"].as_str().expect("an id").to_owned();
    app.pump_stream().await;
    booked(
        &app,
        &again,
        "2026-04-17T10:00:00+02:00",
        "2026-04-17T10:45:00+02:00",
    )
    .await;
    app.drain_send_queue().await;
    let history = app.communications(&again).await;
    assert!(
        history
            .iter()
            .any(|c| c["status"] == "suppressed" && c["reason"] == "email_bounced"),
        "{history:#?}"
    );
}
