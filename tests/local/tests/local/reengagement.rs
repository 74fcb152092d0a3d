//! Re-engagement through the real HTTP API on the local stack: a client visits, days pass,
//! step 1 goes out as a marketing message; the client books again and step 2 never goes out —
//! and the history says why when its withdrawn schedule fires anyway.

use chrono::{TimeZone, Utc};
use rappel_core::message::{Channel, MessageKey, MessageKind, Recipient, Subject};
use rappel_core::model::{ClientId, TenantId};
use rappel_ports::schedules::{ScheduleEntry, Schedules};
use rappel_testkit::fixtures::{LEA_MAIL, LEA_PHONE, friday_before};
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

/// The salon with two re-engagement steps: 30 days (e-mail and SMS) and 60 days (e-mail).
async fn salon_with_reengagement(app: &TestApp) {
    app.seed_business().await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}],
        "notifications": {
            "reengagement": {
                "steps": [
                    {"days_after_last_visit": 30, "email": true, "sms": true},
                    {"days_after_last_visit": 60, "email": true}
                ],
                "booking_url": "https://salon-lea.fr/reserver"
            }
        }
    });
    let saved = app.put("/v1/settings", settings).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
}

async fn lea_with_marketing_consent(app: &TestApp) -> String {
    app.create_client(json!({
        "name": "Léa Martin",
        "email": LEA_MAIL,
        "phone": LEA_PHONE,
        "preferences": {"marketing": true}
    }))
    .await
}

async fn planned_steps(app: &TestApp, client: &str) -> Vec<Value> {
    let view = app
        .get(&format!("/v1/clients/{client}/notifications"))
        .await;
    assert_eq!(view.status, 200, "{}", view.body);
    view.body["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn reengagement_messages(messages: &[Value]) -> Vec<&Value> {
    messages
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.contains("cela fait longtemps"))
                || m["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("ne vous avons pas vu"))
        })
        .collect()
}

#[tokio::test]
async fn a_client_who_does_not_come_back_gets_step_one_and_booking_again_stops_step_two() {
    let app = spawn_app(friday_before()).await;
    salon_with_reengagement(&app).await;
    let lea = lea_with_marketing_consent(&app).await;
    assert!(
        planned_steps(&app, &lea).await.is_empty(),
        "a client who never booked gets nothing"
    );

    // Léa's visit: Friday 27 March, 10:00–10:45 in Paris, then marked completed.
    let visit = app
        .book(
            &lea,
            "2026-03-27T10:00:00+01:00",
            "2026-03-27T10:45:00+01:00",
        )
        .await;
    app.advance_to("2026-03-27T10:00:00Z").await;
    let done = app
        .post(
            &format!(
                "/v1/appointments/{}/complete",
                visit["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);

    // 30 and 60 days after 10:45 Paris time (CET), at 10:45 Paris time (CEST by then).
    let steps = planned_steps(&app, &lea).await;
    let planned: Vec<(&str, &str, u64, &str)> = steps
        .iter()
        .map(|n| {
            (
                n["channel"].as_str().unwrap(),
                n["due"].as_str().unwrap(),
                n["ordinal"].as_u64().unwrap(),
                n["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        planned,
        vec![
            ("email", "2026-04-26T08:45:00Z", 1, "scheduled"),
            ("sms", "2026-04-26T08:45:00Z", 1, "scheduled"),
            ("email", "2026-05-26T08:45:00Z", 2, "scheduled"),
        ]
    );

    // Thirty days later, step 1 goes out: a marketing e-mail with one-click unsubscribe, and a
    // promotional SMS.
    app.advance_to("2026-04-26T09:00:00Z").await;
    let mails = app.sent_to(LEA_MAIL).await;
    let step_one = reengagement_messages(&mails);
    assert_eq!(step_one.len(), 1, "{mails:#?}");
    let mime = step_one[0]["mime"].as_str().unwrap();
    assert!(mime.contains("List-Unsubscribe: <http"), "{mime}");
    assert!(
        mime.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{mime}"
    );
    let text = step_one[0]["text"].as_str().unwrap();
    assert!(text.contains("30 jours"), "{text}");
    assert!(text.contains("https://salon-lea.fr/reserver"), "{text}");
    let texts = app.sent_to(LEA_PHONE).await;
    let sms = reengagement_messages(&texts);
    assert_eq!(sms.len(), 1, "{texts:#?}");
    assert_eq!(sms[0]["sms_type"], "Promotional");
    // A marketing SMS ends with how to stop them, and French costs one GSM-7 alphabet.
    let sms_text = sms[0]["text"].as_str().unwrap_or_default();
    assert!(
        sms_text.ends_with("\nRépondez STOP pour ne plus recevoir ces SMS"),
        "{sms_text}"
    );
    assert_eq!(sms[0]["encoding"], "Gsm7", "{sms_text}");

    // Léa books again; step 2 (due 26 May) is withdrawn and re-planned after the new visit.
    let step_two = step_two_key(&lea);
    app.book(
        &lea,
        "2026-05-20T10:00:00+02:00",
        "2026-05-20T10:45:00+02:00",
    )
    .await;
    let replanned = planned_steps(&app, &lea).await;
    assert!(!replanned.is_empty());
    assert!(
        replanned
            .iter()
            .all(|n| n["due"].as_str().unwrap() > "2026-06-01"),
        "{replanned:#?}"
    );
    // Its schedule was withdrawn; suppose the withdrawal had failed and it fires anyway.
    app.stack
        .scheduler
        .create(ScheduleEntry::for_key(&step_two))
        .await
        .unwrap();
    app.advance_to("2026-05-26T09:00:00Z").await;
    let mails = app.sent_to(LEA_MAIL).await;
    assert_eq!(
        reengagement_messages(&mails).len(),
        1,
        "step 2 never goes out"
    );
    let history = app.communications(&lea).await;
    let refused: Vec<&Value> = history
        .iter()
        .filter(|c| c["kind"] == "reengagement" && c["status"] == "stale")
        .collect();
    assert_eq!(refused.len(), 1, "{history:#?}");
    assert_eq!(refused[0]["reason"], "client_booked_again");
    assert_eq!(refused[0]["about"]["type"], "client");
}

/// Step 2 as it was planned from the March visit.
fn step_two_key(lea: &str) -> MessageKey {
    let client = ClientId::parse(lea).unwrap();
    MessageKey {
        tenant: TenantId::parse("salon-lea").unwrap(),
        subject: Subject::Client(client.clone()),
        kind: MessageKind::Reengagement,
        ordinal: 2,
        recipient: Recipient::Client(client),
        channel: Channel::Email,
        due: Utc.with_ymd_and_hms(2026, 5, 26, 8, 45, 0).unwrap(),
    }
}

#[tokio::test]
async fn switching_re_engagement_on_plans_the_steps_of_past_visitors_at_once() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = lea_with_marketing_consent(&app).await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    assert!(planned_steps(&app, &lea).await.is_empty(), "off by default");
    app.advance_to("2026-04-01T09:00:00Z").await;
    salon_with_reengagement(&app).await;
    let steps = planned_steps(&app, &lea).await;
    assert_eq!(steps.len(), 3, "{steps:#?}");
    let names: Vec<String> = app
        .stack
        .scheduler
        .list()
        .iter()
        .map(|e| e.name.to_string())
        .collect();
    let step_names: Vec<&str> = steps
        .iter()
        .map(|n| n["schedule_name"].as_str().unwrap())
        .collect();
    assert!(!step_names.is_empty());
    assert!(
        step_names.iter().all(|n| names.iter().any(|s| s == n)),
        "every step has its schedule: {step_names:?} in {names:?}"
    );
    // Switched off again: the schedules go.
    let off = app
        .put(
            "/v1/settings",
            json!({"business_name": "Salon Léa", "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}]}),
        )
        .await;
    assert_eq!(off.status, 200);
    assert!(planned_steps(&app, &lea).await.is_empty());
    let left: Vec<String> = app
        .stack
        .scheduler
        .list()
        .iter()
        .map(|e| e.name.to_string())
        .collect();
    assert!(step_names.iter().all(|n| !left.iter().any(|s| s == n)));
}

#[tokio::test]
async fn bad_re_engagement_and_digest_settings_are_refused_with_the_field() {
    let app = spawn_app(friday_before()).await;
    let four = app
        .put(
            "/v1/settings",
            json!({"business_name": "Salon", "notifications": {"reengagement": {"steps": [
                {"days_after_last_visit": 10}, {"days_after_last_visit": 20},
                {"days_after_last_visit": 30}, {"days_after_last_visit": 40}]}}}),
        )
        .await;
    assert_eq!(four.status, 422, "{}", four.body);
    assert!(four.body.to_string().contains("at most 3"), "{}", four.body);
    let url = app
        .put(
            "/v1/settings",
            json!({"business_name": "Salon", "notifications": {"reengagement": {"booking_url": "javascript:alert(1)"}}}),
        )
        .await;
    assert_eq!(url.status, 422, "{}", url.body);
    assert!(url.body.to_string().contains("booking_url"), "{}", url.body);
    let at = app
        .put(
            "/v1/settings",
            json!({"business_name": "Salon", "notifications": {"digest": {"staff": true, "at": "7h30"}}}),
        )
        .await;
    assert_eq!(at.status, 422, "{}", at.body);
    assert!(at.body.to_string().contains("digest.at"), "{}", at.body);
}
