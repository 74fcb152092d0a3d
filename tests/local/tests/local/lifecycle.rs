//! The appointment life cycle through the real HTTP API on the local stack: what clients, staff
//! and owners receive, and when.

use chrono::{TimeZone, Utc};
use rappel_testkit::CallsApi;
use rappel_testkit::fixtures::{LEA_MAIL, LEA_PHONE, friday_before};
use rappel_testkit::spawn_app;
use serde_json::json;

fn subjects(messages: &[serde_json::Value]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|m| m["subject"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn an_online_booking_confirms_at_once_and_reminds_at_the_right_instants() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    let booked = app
        .book(
            &lea,
            "2026-03-27T10:00:00+01:00",
            "2026-03-27T10:45:00+01:00",
        )
        .await;
    assert_eq!(booked["version"], 1);
    assert_eq!(booked["start"], "2026-03-27T10:00:00+01:00");

    let to_lea = app.sent_to(LEA_MAIL).await;
    assert_eq!(
        subjects(&to_lea),
        vec!["Rendez-vous confirmé le vendredi 27 mars 2026 à 10:00"]
    );
    let invite = to_lea[0]["calendar"].as_str().unwrap();
    assert!(invite.contains("METHOD:REQUEST") && invite.contains("SEQUENCE:1"));
    assert_eq!(app.sent_to(LEA_PHONE).await.len(), 1, "SMS confirmation");
    assert_eq!(
        app.sent_to("sam@salon-lea.fr").await.len(),
        1,
        "staff alert"
    );
    assert_eq!(
        app.sent_to("olga@salon-lea.fr").await.len(),
        1,
        "owner alert"
    );

    let plan = app
        .get(&format!(
            "/v1/appointments/{}/notifications",
            booked["id"].as_str().unwrap()
        ))
        .await
        .body;
    let dues: Vec<(&str, &str, &str)> = plan["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["channel"].as_str().unwrap(),
                n["due"].as_str().unwrap(),
                n["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        dues,
        vec![
            ("email", "2026-03-26T09:00:00Z", "scheduled"),
            ("sms", "2026-03-26T09:00:00Z", "scheduled"),
            ("sms", "2026-03-27T07:00:00Z", "scheduled"),
        ]
    );

    app.advance_to("2026-03-26T08:59:00Z").await;
    assert_eq!(
        app.sent_to(LEA_MAIL).await.len(),
        1,
        "nothing before its time"
    );
    app.advance_to("2026-03-26T09:00:00Z").await;
    let to_lea = app.sent_to(LEA_MAIL).await;
    assert_eq!(to_lea.len(), 2);
    assert_eq!(
        to_lea[1]["subject"],
        "Rappel : rendez-vous le vendredi 27 mars 2026 à 10:00"
    );
    assert_eq!(to_lea[1]["at"], "2026-03-26T09:00:00Z");
    app.advance_to("2026-03-27T12:00:00Z").await;
    assert_eq!(
        app.sent_to(LEA_PHONE).await.len(),
        3,
        "confirmation + two SMS reminders"
    );
}

#[tokio::test]
async fn a_move_withdraws_the_old_reminders_and_the_new_ones_carry_the_new_time() {
    let app = spawn_app(friday_before()).await;
    let (_, id) = app.lea_booked_friday_10am().await;

    let moved = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": "2026-03-28T11:00:00+01:00", "actor": "client"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(
        moved.body["end"], "2026-03-28T11:45:00+01:00",
        "the duration is kept"
    );
    assert_eq!(moved.body["version"], 2);

    let to_lea = app.sent_to(LEA_MAIL).await;
    assert_eq!(
        to_lea[1]["subject"],
        "Rendez-vous modifié : le samedi 28 mars 2026 à 11:00"
    );
    assert!(
        to_lea[1]["calendar"]
            .as_str()
            .unwrap()
            .contains("SEQUENCE:2")
    );
    assert!(app.sent_to("sam@salon-lea.fr").await.iter().any(|m| {
        m["subject"]
            .as_str()
            .unwrap()
            .starts_with("Rendez-vous modifié : Léa Martin")
    }));

    let schedules = app.get("/_local/schedules").await.body["schedules"]
        .as_array()
        .unwrap()
        .clone();
    let dues: Vec<&str> = schedules
        .iter()
        .map(|s| s["due"].as_str().unwrap())
        .collect();
    assert_eq!(
        dues,
        vec![
            "2026-03-27T10:00:00Z",
            "2026-03-27T10:00:00Z",
            "2026-03-28T08:00:00Z"
        ],
        "old reminders withdrawn"
    );

    app.advance_to("2026-03-28T12:00:00Z").await;
    let reminders: Vec<String> = subjects(&app.sent_to(LEA_MAIL).await)
        .into_iter()
        .filter(|s| s.starts_with("Rappel"))
        .collect();
    assert_eq!(
        reminders,
        vec!["Rappel : rendez-vous le samedi 28 mars 2026 à 11:00"]
    );
    let sms: Vec<String> = app
        .sent_to(LEA_PHONE)
        .await
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        sms[0].contains("vendredi 27 mars 2026 à 10:00"),
        "the confirmation went before the move"
    );
    assert!(
        sms[1..]
            .iter()
            .all(|t| t.contains("samedi 28 mars 2026 à 11:00")),
        "after the move, only the new time: {sms:?}"
    );
}

#[tokio::test]
async fn a_cancellation_is_announced_and_nothing_more_is_sent() {
    let app = spawn_app(friday_before()).await;
    let (_, id) = app.lea_booked_friday_10am().await;
    let cancelled = app
        .post(
            &format!("/v1/appointments/{id}/cancel"),
            json!({"actor": "client"}),
        )
        .await;
    assert_eq!(cancelled.status, 200);
    assert_eq!(cancelled.body["status"], "cancelled");

    let to_lea = app.sent_to(LEA_MAIL).await;
    assert_eq!(to_lea.last().unwrap()["subject"], "Rendez-vous annulé");
    assert!(
        to_lea.last().unwrap()["calendar"]
            .as_str()
            .unwrap()
            .contains("METHOD:CANCEL")
    );
    assert!(
        app.get("/_local/schedules").await.body["schedules"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let before = app.outbox().await.len();
    app.advance_to("2026-04-30T00:00:00Z").await;
    assert_eq!(
        app.outbox().await.len(),
        before,
        "nothing after the cancellation"
    );
    let again = app
        .post(&format!("/v1/appointments/{id}/cancel"), json!({}))
        .await;
    assert_eq!(
        (again.status, again.body["error"]["code"].as_str()),
        (409, Some("invalid_transition"))
    );
}

#[tokio::test]
async fn cancelling_an_appointment_that_has_begun_tells_no_one() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    let id = app
        .book(
            &lea,
            "2026-03-20T12:00:00+01:00",
            "2026-03-20T13:00:00+01:00",
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.advance_to("2026-03-20T11:30:00Z").await;
    let before = app.outbox().await.len();
    assert_eq!(
        app.post(
            &format!("/v1/appointments/{id}/cancel"),
            json!({"notify": true})
        )
        .await
        .status,
        200
    );
    assert_eq!(app.outbox().await.len(), before);
}

#[tokio::test]
async fn a_console_edit_without_notify_tells_the_client_nothing() {
    let app = spawn_app(friday_before()).await;
    let (_, id) = app.lea_booked_friday_10am().await;
    let before = app.sent_to(LEA_MAIL).await.len();
    let moved = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": "2026-03-27T15:00:00+01:00", "notify": false}),
        )
        .await;
    assert_eq!(moved.status, 200);
    assert_eq!(app.sent_to(LEA_MAIL).await.len(), before);
    app.advance_to("2026-03-26T14:00:00Z").await;
    assert_eq!(
        app.sent_to(LEA_MAIL).await.last().unwrap()["subject"],
        "Rappel : rendez-vous le vendredi 27 mars 2026 à 15:00"
    );
}

#[tokio::test]
async fn a_staff_booking_sends_the_initial_notification_only_when_asked() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    let body = |notify| json!({"client_id": lea, "staff_id": "sam", "type_id": "cut", "start": "2026-03-27T10:00:00+01:00", "end": "2026-03-27T11:00:00+01:00", "origin": "staff", "notify": notify});
    assert_eq!(app.post("/v1/appointments", body(false)).await.status, 201);
    assert!(app.sent_to(LEA_MAIL).await.is_empty());
    assert_eq!(app.post("/v1/appointments", body(true)).await.status, 201);
    assert_eq!(app.sent_to(LEA_MAIL).await.len(), 1);
}

#[tokio::test]
async fn manual_approval_acknowledges_the_request_then_confirms_on_acceptance() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    let requested = app
        .post("/v1/appointments", json!({"client_id": lea, "staff_id": "sam", "type_id": "cut", "start": "2026-03-27T10:00:00+01:00", "end": "2026-03-27T11:00:00+01:00", "status": "requested"}))
        .await;
    let id = requested.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        subjects(&app.sent_to(LEA_MAIL).await),
        vec!["Demande de rendez-vous reçue"]
    );
    assert!(
        subjects(&app.sent_to("olga@salon-lea.fr").await)[0]
            .starts_with("Demande à valider : Léa Martin")
    );
    assert!(
        app.get("/_local/schedules").await.body["schedules"]
            .as_array()
            .unwrap()
            .is_empty(),
        "no reminder for a mere request"
    );

    assert_eq!(
        app.post(&format!("/v1/appointments/{id}/accept"), json!({}))
            .await
            .status,
        200
    );
    assert_eq!(
        subjects(&app.sent_to(LEA_MAIL).await)[1],
        "Votre rendez-vous est confirmé"
    );
    assert_eq!(
        app.get("/_local/schedules").await.body["schedules"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let other = app
        .post("/v1/appointments", json!({"client_id": lea, "staff_id": "sam", "type_id": "cut", "start": "2026-03-28T10:00:00+01:00", "end": "2026-03-28T11:00:00+01:00", "status": "requested"}))
        .await;
    let other = other.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.post(&format!("/v1/appointments/{other}/refuse"), json!({}))
            .await
            .status,
        200
    );
    assert_eq!(
        subjects(&app.sent_to(LEA_MAIL).await).last().unwrap(),
        "Votre demande de rendez-vous n'a pas pu être acceptée"
    );
    assert!(
        subjects(&app.sent_to("olga@salon-lea.fr").await)
            .last()
            .unwrap()
            .starts_with("Demande refusée")
    );
}

#[tokio::test]
async fn a_client_who_refuses_sms_after_booking_gets_email_only() {
    let app = spawn_app(friday_before()).await;
    let (lea, _) = app.lea_booked_friday_10am().await;
    let sms_before = app.sent_to(LEA_PHONE).await.len();
    let patched = app
        .patch(
            &format!("/v1/clients/{lea}"),
            json!({"preferences": {"sms": false}}),
        )
        .await;
    assert_eq!(patched.status, 200);
    app.advance_to("2026-03-27T12:00:00Z").await;
    assert_eq!(
        app.sent_to(LEA_PHONE).await.len(),
        sms_before,
        "no SMS after the refusal"
    );
    assert_eq!(
        subjects(&app.sent_to(LEA_MAIL).await).len(),
        2,
        "confirmation + e-mail reminder"
    );
    let history = app.communications(&lea).await;
    let two_hour = history
        .iter()
        .find(|c| c["kind"] == "reminder" && c["due"] == "2026-03-27T07:00:00Z")
        .unwrap();
    assert_eq!(
        (two_hour["status"].as_str(), two_hour["reason"].as_str()),
        (Some("suppressed"), Some("sms_refused"))
    );
}

#[tokio::test]
async fn a_follow_up_is_skipped_when_the_client_has_booked_again() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let settings = json!({
        "business_name": "Salon Léa",
        "notifications": {
            "reminders": [],
            "follow_ups": [
                {"after_end": "3h", "email": true},
                {"after_end": "2d", "email": true, "only_if_not_rebooked": true}
            ]
        }
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    let lea = app.create_lea().await;
    app.book(
        &lea,
        "2026-03-23T10:00:00+01:00",
        "2026-03-23T11:00:00+01:00",
    )
    .await;
    app.advance_to("2026-03-23T14:00:00Z").await;
    assert_eq!(
        subjects(&app.sent_to(LEA_MAIL).await).last().unwrap(),
        "Comment s'est passé votre rendez-vous ?"
    );
    app.book(
        &lea,
        "2026-04-10T10:00:00+02:00",
        "2026-04-10T11:00:00+02:00",
    )
    .await;
    app.advance_to("2026-03-26T00:00:00Z").await;
    let follow_ups: Vec<_> = app
        .communications(&lea)
        .await
        .into_iter()
        .filter(|c| c["kind"] == "follow_up")
        .collect();
    assert_eq!(follow_ups.len(), 2);
    assert_eq!(follow_ups[1]["status"], "suppressed");
    assert_eq!(follow_ups[1]["reason"], "client_rebooked");
}

#[tokio::test]
async fn messages_are_written_in_the_recipients_language_and_time_zone() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let john = app
        .create_client(json!({"name": "John Doe", "email": "john@example.com", "locale": "en-US", "time_zone": "America/New_York"}))
        .await;
    // 10:00 in Paris is 05:00 in New York (already on summer time since 8 March).
    app.book(
        &john,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    let to_john = app.sent_to("john@example.com").await;
    assert_eq!(
        to_john[0]["subject"],
        "Appointment confirmed on Friday, March 27, 2026 at 5:00 AM"
    );
    assert!(
        to_john[0]["text"]
            .as_str()
            .unwrap()
            .contains("(New York time)")
    );
    // The owner, in Paris and in French, reads Paris time.
    assert_eq!(
        app.sent_to("olga@salon-lea.fr").await[0]["subject"],
        "Nouveau rendez-vous : John Doe le vendredi 27 mars 2026 à 10:00"
    );
    // Tokyo is ahead of UTC: the same instant is already Friday evening there.
    let aiko = app.create_client(json!({"name": "Aiko", "email": "aiko@example.jp", "locale": "en", "time_zone": "Asia/Tokyo"})).await;
    app.book(
        &aiko,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    assert_eq!(
        app.sent_to("aiko@example.jp").await[0]["subject"],
        "Appointment confirmed on Friday 27 March 2026 at 18:00"
    );
    // A German speaker: no German templates, so the business's default (French) is used.
    let hans = app.create_client(json!({"name": "Hans", "email": "hans@example.de", "locale": "de-DE", "time_zone": "Europe/Berlin"})).await;
    assert_eq!(
        app.get(&format!("/v1/clients/{hans}")).await.body["locale"],
        "de-DE"
    );
    app.book(
        &hans,
        "2026-03-27T15:30:00+01:00",
        "2026-03-27T16:15:00+01:00",
    )
    .await;
    assert_eq!(
        app.sent_to("hans@example.de").await[0]["subject"],
        "Rendez-vous confirmé le vendredi 27 mars 2026 à 15:30"
    );
}

#[tokio::test]
async fn client_names_are_escaped_in_html_and_kept_verbatim_in_text() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let client = app
        .create_client(json!({"name": "Zoé <script>alert(1)</script>", "email": "zoe@example.fr"}))
        .await;
    app.book(
        &client,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    let mail = &app.sent_to("zoe@example.fr").await[0];
    assert!(!mail["html"].as_str().unwrap().contains("<script>"));
    assert!(mail["html"].as_str().unwrap().contains("&lt;script&gt;"));
    assert!(
        mail["text"]
            .as_str()
            .unwrap()
            .contains("Bonjour Zoé <script>alert(1)</script>,")
    );
}

#[tokio::test]
async fn a_settings_change_applies_at_once_to_booked_appointments() {
    let app = spawn_app(friday_before()).await;
    let (_, id) = app.lea_booked_friday_10am().await;
    let settings = json!({
        "business_name": "Salon Léa",
        "notifications": {"reminders": [{"offset": "3d", "email": true}, {"offset": "1h", "email": true}]}
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    let plan = app
        .get(&format!("/v1/appointments/{id}/notifications"))
        .await
        .body;
    let dues: Vec<&str> = plan["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["due"].as_str().unwrap())
        .collect();
    assert_eq!(dues, vec!["2026-03-24T09:00:00Z", "2026-03-27T08:00:00Z"]);
    let schedules: Vec<String> = app.get("/_local/schedules").await.body["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["due"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        schedules,
        vec!["2026-03-24T09:00:00Z", "2026-03-27T08:00:00Z"]
    );
}

#[tokio::test]
async fn a_custom_template_is_used_for_its_kind_and_language() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let saved = app
        .put("/v1/templates/confirmation/sms/fr", json!({"text": "{{ business_name }}: RDV {{ type_name }} le {{ date }} {{ time }}. A bientot {{ client_name }}!"}))
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let lea = app.create_lea().await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    let sms = &app.sent_to(LEA_PHONE).await[0];
    assert_eq!(
        sms["text"],
        "Salon Léa: RDV Coupe le vendredi 27 mars 2026 10:00. A bientot Léa Martin!"
    );
    assert_eq!(sms["encoding"], "Gsm7");
    assert_eq!(sms["segments"], 1);
}

/// A calendar bigger than a re-plan step: 600 appointments over the next 30 days. Adding an
/// SMS reminder re-plans every one of them — through the re-plan queue's list and plan steps,
/// not in the reaction to the change — and the settings say when it is done.
#[tokio::test]
async fn a_settings_change_re_plans_a_busy_calendar_in_steps_and_says_when_it_is_done() {
    use chrono::Duration;
    let app = spawn_app(friday_before()).await;
    let one_reminder = json!({
        "business_name": "Salon Léa",
        "notifications": {"reminders": [{"offset": "1d", "email": true}]}
    });
    assert_eq!(app.put("/v1/settings", one_reminder).await.status, 200);
    app.seed_catalog().await;
    let lea = app.create_lea().await;
    let first = Utc.with_ymd_and_hms(2026, 3, 23, 8, 0, 0).unwrap();
    for n in 0..600 {
        let start = first + Duration::days(n / 20) + Duration::minutes(30 * (n % 20));
        app.book(
            &lea,
            &start.to_rfc3339(),
            &(start + Duration::minutes(30)).to_rfc3339(),
        )
        .await;
    }
    let schedules = |body: serde_json::Value| body["schedules"].as_array().map_or(0, Vec::len);
    let before = schedules(app.get("/_local/schedules").await.body);
    assert_eq!(before, 600, "one e-mail reminder each");

    let with_sms = json!({
        "business_name": "Salon Léa",
        "notifications": {"reminders": [{"offset": "1d", "email": true}, {"offset": "2h", "sms": true}]}
    });
    let saved = app.put("/v1/settings", with_sms).await;
    assert_eq!(saved.status, 200, "{}", saved.body);

    assert_eq!(
        schedules(app.get("/_local/schedules").await.body),
        1200,
        "and now an SMS reminder each"
    );
    let settings = app.get("/v1/settings").await.body;
    let replan = &settings["replan"];
    assert_eq!(replan["state"], "done", "{replan}");
    assert_eq!(replan["cause"], "settings");
    assert_eq!(replan["settings_version"], settings["version"]);
    assert_eq!(
        (replan["done"].as_u64(), replan["total"].as_u64()),
        (Some(600), Some(600))
    );
}

#[tokio::test]
async fn a_clients_communications_are_read_a_page_at_a_time_with_a_cursor() {
    let app = spawn_app(friday_before()).await;
    let (lea, id) = app.lea_booked_friday_10am().await;
    let moved = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": "2026-03-27T11:00:00+01:00"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let cancelled = app
        .post(&format!("/v1/appointments/{id}/cancel"), json!({}))
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);

    let whole = app
        .get(&format!("/v1/clients/{lea}/communications?limit=500"))
        .await;
    let everything = whole.body["communications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        everything.len() >= 6,
        "confirmation, move and cancellation, twice: {everything:#?}"
    );
    assert!(whole.body["next_cursor"].is_null());
    let (paged, pages) = app.communications_by_pages(&lea, 2).await;
    assert_eq!(paged, everything);
    // A page may hold fewer: entries to Sam about Léa are in her history but not listed.
    assert!(pages >= everything.len().div_ceil(2), "{pages} pages");

    for bad in ["limit=0", "limit=501", "cursor=zz", "cursor=ff"] {
        let answer = app
            .get(&format!("/v1/clients/{lea}/communications?{bad}"))
            .await;
        assert_eq!(answer.status, 400, "{bad}: {}", answer.body);
    }
    // Another business's cursor names a position, never its entries: in my client's history
    // it only says where to start.
    let mine = app
        .get(&format!("/v1/clients/{lea}/communications?limit=1"))
        .await;
    let cursor = mine.body["next_cursor"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!cursor.is_empty());
    let other = app
        .call_as(
            "salon-zoe",
            "GET",
            &format!("/v1/clients/{lea}/communications?cursor={cursor}"),
            None,
        )
        .await;
    assert_eq!(other.status, 404, "{}", other.body);
}
