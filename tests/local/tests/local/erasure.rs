//! A client's erasure on the local stack, proven by a byte scan of its data directory: after a
//! full life (a message sent before she was a client, appointments booked, moved and
//! cancelled, reminders sent, her address bounced, a reply by SMS, an invoice, a waitlist
//! entry), `DELETE /v1/clients/{id}` leaves not one byte of her name, address, number or words
//! in any file — while the other client's data is still there (the scan is not blind), her
//! address stays refused, and her number starts clean for a new client.

use rappel_core::model::{ClientId, TenantId};
use rappel_core::render::LinkSigner;
use rappel_local::LocalConfig;
use rappel_ports::history::CommunicationRecord;
use rappel_ports::schedules::{ScheduleEntry, SendRequest};
use rappel_ports::send_queue::SendQueue;
use rappel_testkit::erasure_scene::{MAIL, NAME, WORDS, file_her_invoice_and_waitlist_entry};
use rappel_testkit::fixtures::friday_before;
use rappel_testkit::{CallsApi, TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use std::path::Path;

const PHONE: &str = "+33611223344";

/// Everything that must be gone, in the forms a file could hold it.
fn needles() -> Vec<String> {
    vec![
        NAME.into(),
        "Vasseur".into(),
        "Zo=C3=A9".into(),
        MAIL.into(),
        "zoe.vasseur".into(),
        PHONE.into(),
        "611223344".into(),
        WORDS.into(),
    ]
}

/// Every file under `dir` that holds `needle`, with how many times.
fn scan(dir: &Path, needle: &str) -> Vec<(String, usize)> {
    rappel_testkit::byte_scan::files_holding(dir, needle, &[])
}

fn files_in(dir: &Path) -> usize {
    let mut count = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at)
            .expect("a readable data dir")
            .flatten()
        {
            if entry.path().is_dir() {
                pending.push(entry.path());
            } else {
                count += 1;
            }
        }
    }
    count
}

/// Zoé's whole life at the salon; returns her id.
async fn a_full_life(app: &TestApp) -> String {
    app.seed_business().await;
    // Before she was a client: the contact form.
    let wrote = app
        .post(
            "/v1/inbound",
            json!({"kind": "contact_form", "name": NAME, "email": MAIL}),
        )
        .await;
    assert_eq!(wrote.status, 202, "{}", wrote.body);
    let zoe = app
        .create_client(json!({"name": NAME, "email": MAIL, "phone": PHONE}))
        .await;
    // Another client, who stays.
    let paul = app
        .create_client(json!({"name": "Paul Renard", "email": "paul.renard@example.fr"}))
        .await;
    app.book(
        &paul,
        "2026-03-27T16:00:00+01:00",
        "2026-03-27T16:45:00+01:00",
    )
    .await;

    let kept = app
        .book(
            &zoe,
            "2026-03-27T10:00:00+01:00",
            "2026-03-27T10:45:00+01:00",
        )
        .await;
    let kept = kept["id"].as_str().expect("an id").to_owned();
    let moved = app
        .patch(
            &format!("/v1/appointments/{kept}"),
            json!({"start": "2026-03-27T11:00:00+01:00", "end": "2026-03-27T11:45:00+01:00", "actor": "client"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let cancelled = app
        .book(
            &zoe,
            "2026-04-03T10:00:00+02:00",
            "2026-04-03T10:45:00+02:00",
        )
        .await;
    let cancelled = cancelled["id"].as_str().expect("an id").to_owned();
    let gone = app
        .post(
            &format!("/v1/appointments/{cancelled}/cancel"),
            json!({"actor": "client"}),
        )
        .await;
    assert!(gone.status < 300, "{}", gone.body);
    // A later booking whose reminders are still ahead when she is erased.
    app.book(
        &zoe,
        "2026-04-10T10:00:00+02:00",
        "2026-04-10T10:45:00+02:00",
    )
    .await;
    file_her_invoice_and_waitlist_entry(app, &zoe).await;
    // The day before: the reminders go, and she answers one by SMS.
    app.advance_to("2026-03-26T12:00:00+01:00").await;
    let replied = app
        .post("/_local/sms-reply", json!({"from": PHONE, "body": WORDS}))
        .await;
    assert_eq!(replied.status, 200, "{}", replied.body);
    // Her address dies.
    let bounced = app
        .post(
            "/_local/bounce",
            json!({"address": MAIL, "kind": "permanent"}),
        )
        .await;
    assert_eq!(bounced.status, 200, "{}", bounced.body);
    zoe
}

/// Her history as the store holds it (the API answers 404 for a client gone).
async fn history_of(app: &TestApp, client: &str) -> Vec<CommunicationRecord> {
    let tenant = TenantId::parse("salon-lea").unwrap();
    let client = ClientId::parse(client).unwrap();
    app.stack
        .delivery
        .history
        .for_client(&tenant, &client)
        .await
        .unwrap()
}

async fn erase(app: &TestApp, client: &str) -> Value {
    let begun = app.delete(&format!("/v1/clients/{client}")).await;
    assert_eq!(begun.status, 202, "{}", begun.body);
    let erasure = app.get(&format!("/v1/clients/{client}/erasure")).await;
    assert_eq!(erasure.status, 200, "{}", erasure.body);
    erasure.body
}

#[tokio::test]
async fn an_erased_client_leaves_no_byte_of_her_name_address_number_or_words_in_any_file() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(LocalConfig {
        data_dir: Some(dir.path().to_path_buf()),
        ..LocalConfig::for_tests(friday_before())
    })
    .await;
    let zoe = a_full_life(&app).await;
    // She is everywhere before: the scan sees what it looks for.
    let before: Vec<_> = needles()
        .iter()
        .map(|n| (n.clone(), scan(dir.path(), n)))
        .filter(|(_, found)| !found.is_empty())
        .collect();
    assert!(
        before.len() >= 5,
        "her data is in the files before: {before:#?}"
    );
    assert!(!app.sent_to(MAIL).await.is_empty());
    assert!(!app.sent_to(PHONE).await.is_empty());

    let erasure = erase(&app, &zoe).await;
    assert_eq!(erasure["state"], "done", "{erasure}");
    let erased = &erasure["erased"];
    assert_eq!(erased["appointments"], 3, "{erasure}");
    assert_eq!(erased["invoices"], 1, "{erasure}");
    assert_eq!(erased["waitlist_entries"], 1, "{erasure}");
    assert!(
        erased["inbound_messages"].as_u64() >= Some(2),
        "the form and the SMS: {erasure}"
    );
    assert!(erased["history_entries"].as_u64() > Some(5), "{erasure}");
    assert!(erased["ledger_copies"].as_u64() > Some(3), "{erasure}");
    assert!(erased["texts"].as_u64() > Some(0), "{erasure}");

    assert!(files_in(dir.path()) > 5, "the scan reads the data dir");
    for needle in needles() {
        let found = scan(dir.path(), &needle);
        assert!(found.is_empty(), "{needle:?} is still in {found:#?}");
    }
    assert!(
        !scan(dir.path(), "Paul Renard").is_empty(),
        "the other client is untouched"
    );
    assert_eq!(app.get(&format!("/v1/clients/{zoe}")).await.status, 404);
    assert!(history_of(&app, &zoe).await.is_empty());
    let schedules = app.stack.scheduler.list();
    assert!(
        !schedules.is_empty(),
        "Paul's reminders are still scheduled"
    );
    assert!(
        schedules
            .iter()
            .all(|s| !s.name.to_string().contains(&zoe) && !format!("{:?}", s.key).contains(&zoe)),
        "none of hers (her invoice's reminder included): {schedules:#?}"
    );
    assert!(app.sent_to(MAIL).await.is_empty(), "the outbox forgot her");
    assert!(app.sent_to(PHONE).await.is_empty());
}

#[tokio::test]
async fn a_refused_address_stays_refused_and_her_number_starts_clean_for_a_new_client() {
    let app = spawn_app(friday_before()).await;
    let zoe = a_full_life(&app).await;
    erase(&app, &zoe).await;

    let again = app
        .create_client(json!({"name": "Z. V.", "email": MAIL, "phone": PHONE}))
        .await;
    app.book(
        &again,
        "2026-04-17T10:00:00+02:00",
        "2026-04-17T10:45:00+02:00",
    )
    .await;
    let history = app.communications(&again).await;
    assert!(!history.is_empty());
    assert!(
        history.iter().any(|c| c["channel"] == "email"
            && c["status"] == "suppressed"
            && c["reason"] == "email_bounced"),
        "the bounced address is still refused: {history:#?}"
    );
    assert!(
        history
            .iter()
            .any(|c| c["channel"] == "sms" && c["status"] == "sent"),
        "her number starts clean: {history:#?}"
    );
    // Nothing of the first client came back.
    assert_eq!(app.get(&format!("/v1/clients/{zoe}")).await.status, 404);
}

#[tokio::test]
async fn a_message_still_due_for_an_erased_client_is_recorded_about_no_one_and_never_sent() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let zoe = app
        .create_client(json!({"name": NAME, "email": MAIL, "phone": PHONE}))
        .await;
    app.book(
        &zoe,
        "2026-04-10T10:00:00+02:00",
        "2026-04-10T10:45:00+02:00",
    )
    .await;
    let reminders: Vec<ScheduleEntry> = app
        .stack
        .scheduler
        .list()
        .into_iter()
        .filter(|e| {
            e.key.kind.as_str() == "reminder" && e.key.recipient.to_string().starts_with("client:")
        })
        .collect();
    assert!(!reminders.is_empty(), "her reminders are scheduled");
    erase(&app, &zoe).await;
    assert!(
        app.stack
            .scheduler
            .list()
            .iter()
            .all(|e| !reminders.iter().any(|r| r.name == e.name)),
        "her reminders' schedules are withdrawn"
    );

    // One fires anyway (a firing already on its way when the schedule was deleted).
    let late = reminders[0].key.clone();
    app.stack.clock.set(late.due);
    app.stack
        .queue
        .enqueue(&[SendRequest::message(late.clone())])
        .await
        .unwrap();
    app.stack.settle().await;
    assert!(app.sent_to(MAIL).await.is_empty());
    assert!(app.sent_to(PHONE).await.is_empty());
    assert!(
        history_of(&app, &zoe).await.is_empty(),
        "no fresh history under her id"
    );
    let settled = app
        .stack
        .delivery
        .ledger
        .entry(&late.id())
        .await
        .unwrap()
        .expect("the ledger settles the key");
    assert!(settled.is_settled());
    assert!(settled.record.is_none(), "with no copy of anything");

    // Asked again: the same erasure, done.
    let again = app.delete(&format!("/v1/clients/{zoe}")).await;
    assert_eq!(again.status, 202, "{}", again.body);
    assert_eq!(again.body["state"], "done");
}

#[tokio::test]
async fn her_export_holds_her_whole_life_and_nothing_of_another_client() {
    let app = spawn_app(friday_before()).await;
    let zoe = a_full_life(&app).await;
    let stopped = app
        .post("/_local/sms-reply", json!({"from": PHONE, "body": "STOP"}))
        .await;
    assert_eq!(stopped.status, 200, "{}", stopped.body);

    let export = app.get(&format!("/v1/clients/{zoe}/export")).await;
    assert_eq!(export.status, 200, "{}", export.body);
    let body = &export.body;
    assert_eq!(body["client"]["name"], NAME);
    let count = |field: &str| body[field].as_array().map_or(0, Vec::len);
    assert_eq!(count("appointments"), 3, "{body:#}");
    assert_eq!(count("invoices"), 1);
    assert_eq!(count("waitlist_entries"), 1);
    let inbound = body["inbound_messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        inbound.iter().any(|m| m["kind"] == "contact_form"),
        "the form she sent before she was a client: {inbound:#?}"
    );
    assert!(
        inbound.iter().any(|m| m["text"] == WORDS),
        "what she texted: {inbound:#?}"
    );
    let communications = body["communications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(communications.len() > 5, "{communications:#?}");
    assert!(communications.iter().any(|c| c["status"] == "bounced"));
    assert_eq!(body["email_refusal"]["reason"], "bounced");
    assert!(
        body["sms_stopped_since"].is_string(),
        "her STOP, kept by her number's hash: {body:#}"
    );
    assert!(
        !body.to_string().contains("Paul Renard") && !body.to_string().contains("paul.renard"),
        "nothing of another client"
    );

    // Erased: nothing left to export.
    erase(&app, &zoe).await;
    assert_eq!(
        app.get(&format!("/v1/clients/{zoe}/export")).await.status,
        404
    );
}

#[tokio::test]
async fn her_unsubscribe_outlives_her_and_keeps_marketing_from_her_address() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {"reengagement": {
            "steps": [{"days_after_last_visit": 30, "email": true}],
            "booking_url": "https://salon-lea.fr/reserver"
        }}
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    let zoe = app
        .create_client(json!({"name": NAME, "email": MAIL, "preferences": {"marketing": true}}))
        .await;
    // Her one-click unsubscribe, as her mail provider posts it.
    let link = LinkSigner::new(
        format!("{}/links", app.base),
        b"local-test-link-key-of-32-bytes-at-least".to_vec(),
    )
    .unsubscribe_link(
        &TenantId::parse("salon-lea").unwrap(),
        &ClientId::parse(&zoe).unwrap(),
        chrono::Utc::now() + chrono::Duration::days(365),
    );
    let unsubscribed = reqwest::Client::new()
        .post(&link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("the stack answers");
    assert_eq!(unsubscribed.status().as_u16(), 200);
    erase(&app, &zoe).await;

    // The business files the address again, with consent ticked, and she visits.
    let again = app
        .create_client(json!({"name": "Z. V.", "email": MAIL, "preferences": {"marketing": true}}))
        .await;
    app.book(
        &again,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    app.advance_to("2026-04-28T12:00:00+02:00").await;
    let history = app.communications(&again).await;
    assert!(!history.is_empty());
    let step = history
        .iter()
        .find(|c| c["kind"] == "reengagement")
        .unwrap_or_else(|| panic!("the re-engagement step came due: {history:#?}"));
    assert_eq!(step["status"], "suppressed", "{history:#?}");
    assert_eq!(step["reason"], "no_marketing_consent");
    assert!(
        app.sent_of_kind("reengagement", MAIL).await.is_empty(),
        "no marketing to her address"
    );
    assert!(!app.sent_of_kind("confirmation", MAIL).await.is_empty());
}

#[tokio::test]
async fn an_export_past_five_thousand_items_is_refused_and_says_where_the_rest_is() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    // With a phone: her SMS reminders are planned, none decided (and filed) at planning.
    let client = json!({"id": "c-many", "name": "Mona Lisa", "email": "mona@example.fr",
                        "phone": "+33612345699"});
    let imported = app.post("/v1/imports", json!({"clients": [client]})).await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    // 5,000 appointments of hers, a thousand an import, then one more.
    let start = rappel_testkit::fixtures::utc(2026, 4, 1, 6, 0);
    let appointment = |n: i64| {
        let at = start + chrono::Duration::minutes(30 * n);
        json!({"id": format!("a{n}"), "client_id": "c-many", "staff_id": "sam", "type_id": "cut",
               "start": at.to_rfc3339(), "end": (at + chrono::Duration::minutes(30)).to_rfc3339()})
    };
    for batch in 0..5 {
        let appointments: Vec<Value> = (batch * 1000..(batch + 1) * 1000)
            .map(appointment)
            .collect();
        let imported = app
            .post("/v1/imports", json!({"appointments": appointments}))
            .await;
        assert_eq!(imported.status, 200, "{}", imported.body);
    }
    let at_the_limit = app.get("/v1/clients/c-many/export").await;
    assert_eq!(at_the_limit.status, 200);
    assert_eq!(
        at_the_limit.body["appointments"].as_array().map(Vec::len),
        Some(5_000)
    );

    let one_more = app
        .post("/v1/imports", json!({"appointments": [appointment(5_000)]}))
        .await;
    assert_eq!(one_more.status, 200, "{}", one_more.body);
    let refused = app.get("/v1/clients/c-many/export").await;
    assert_eq!(refused.status, 413, "{}", refused.body);
    assert_eq!(refused.body["error"]["code"], "export_too_large");
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("/communications")),
        "it says where the rest can be read: {}",
        refused.body
    );
}
