//! The appointment life cycle on the AWS side: the API, change-handler and send functions with
//! the DynamoDB, Scheduler, SES and SNS adapters, against the emulator over HTTP. What clients
//! receive is read back from what SES and SNS accepted.

use rappel_aws_tests::aws::{LEA_MAIL, recording_mark, save_recording_since, spawn_aws_app};
use rappel_testkit::CallsApi;
use rappel_testkit::fixtures::friday_before;
use serde_json::json;

fn schedule_times(schedules: &[rappel_aws_tests::aws::PendingSchedule]) -> Vec<String> {
    schedules.iter().map(|s| s.expression.clone()).collect()
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn book_remind_move_and_cancel_through_the_lambda_functions_and_aws_adapters() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let phone = app.phone.as_str();
    let lea = app.create_lea(phone).await;

    // Booked online: confirmation with an invitation, staff and owner alerted, three schedules.
    // (Each stage's events are published as the publish function would, a moment later: its
    // calls are counted with the rest by infra/count-aws-calls.sh.)
    let id = app.book_friday_10am(&lea).await;
    app.pump_events().await;
    let to_lea = app.emails_to(LEA_MAIL).await;
    assert_eq!(to_lea.len(), 1);
    assert_eq!(
        to_lea[0].subject,
        "Rendez-vous confirmé le vendredi 27 mars 2026 à 10:00"
    );
    assert_eq!(to_lea[0].reply_to.as_deref(), Some("sam@salon-lea.fr"));
    let (content_type, ics) = to_lea[0].calendar.clone().expect("an invitation");
    assert!(content_type.contains("method=REQUEST"), "{content_type}");
    assert!(ics.contains("METHOD:REQUEST") && ics.contains("SEQUENCE:1"));
    assert!(ics.contains("DTSTART:20260327T090000Z"), "{ics}");
    assert_eq!(
        app.emails_to("sam@salon-lea.fr").await.len(),
        1,
        "staff alert"
    );
    assert_eq!(
        app.emails_to("olga@salon-lea.fr").await.len(),
        1,
        "owner alert"
    );
    assert_eq!(app.sms_to(phone).await.len(), 1, "SMS confirmation");

    let schedules = app.schedules().await;
    assert_eq!(
        schedule_times(&schedules),
        vec![
            "at(2026-03-26T09:00:00)", // Thursday 10:00 in Paris (CET)
            "at(2026-03-27T07:00:00)", // two hours before
            "at(2026-03-28T09:45:00)", // the day after it ended
        ]
    );
    assert!(!schedules.is_empty());
    assert!(schedules.iter().all(|s| s.time_zone == "UTC"));
    assert_eq!(schedules[0].input["v"], 2, "the input says its version");
    assert_eq!(schedules[0].input["key"]["subject"]["type"], "appointment");
    assert_eq!(schedules[0].input["key"]["subject"]["id"], id.as_str());
    assert_eq!(schedules[0].input["key"]["kind"], "reminder");
    assert!(
        schedules[0].input.get("subject").is_none(),
        "the key, never the content"
    );

    // Moved by the client across the DST change (29 March): new reminders on the new wall clock.
    let moved = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": "2026-03-30T10:00:00+02:00", "actor": "client"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    app.pump_stream().await;
    app.pump_events().await;
    let to_lea = app.emails_to(LEA_MAIL).await;
    assert_eq!(to_lea.len(), 2);
    assert!(
        to_lea[1].subject.contains("lundi 30 mars 2026 à 10:00"),
        "{}",
        to_lea[1].subject
    );
    let (_, ics) = to_lea[1].calendar.clone().expect("an updated invitation");
    assert!(
        ics.contains("SEQUENCE:2") && ics.contains("DTSTART:20260330T080000Z"),
        "{ics}"
    );
    assert_eq!(
        schedule_times(&app.schedules().await),
        vec![
            "at(2026-03-29T08:00:00)", // Sunday 10:00 in Paris, now CEST (UTC+2)
            "at(2026-03-30T06:00:00)",
            "at(2026-03-31T08:45:00)",
        ],
        "the old schedules are withdrawn"
    );

    // The day-before reminder goes out at its time, in French, with the Paris time.
    app.advance_to("2026-03-29T07:59:00Z").await;
    assert_eq!(
        app.emails_to(LEA_MAIL).await.len(),
        2,
        "nothing before its time"
    );
    app.advance_to("2026-03-29T08:00:00Z").await;
    app.pump_events().await;
    let to_lea = app.emails_to(LEA_MAIL).await;
    assert_eq!(to_lea.len(), 3);
    assert_eq!(
        to_lea[2].subject,
        "Rappel : rendez-vous le lundi 30 mars 2026 à 10:00"
    );
    assert!(to_lea[2].text.contains("10:00"), "{}", to_lea[2].text);

    // Cancelled: announced with a CANCEL invitation; nothing is left to fire.
    let cancelled = app
        .post(
            &format!("/v1/appointments/{id}/cancel"),
            json!({"actor": "client"}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    app.pump_stream().await;
    app.pump_events().await;
    let to_lea = app.emails_to(LEA_MAIL).await;
    assert_eq!(to_lea.len(), 4);
    let (content_type, ics) = to_lea[3]
        .calendar
        .clone()
        .expect("a cancellation invitation");
    assert!(content_type.contains("method=CANCEL") && ics.contains("METHOD:CANCEL"));
    assert!(
        app.schedules().await.is_empty(),
        "every pending schedule is withdrawn"
    );

    app.advance_to("2026-04-10T00:00:00Z").await;
    assert_eq!(
        app.emails_to(LEA_MAIL).await.len(),
        4,
        "nothing after the cancellation"
    );
    let sms = app.sms_to(phone).await;
    assert_eq!(
        sms.len(),
        3,
        "confirmation, move notice, cancellation notice: {sms:?}"
    );
    let history = app.communications(&lea).await;
    assert!(!history.is_empty(), "the history lists what was sent");
    assert!(history.iter().all(|c| c["status"] == "sent"), "{history:?}");
    for attributes in app.sms_attributes(phone) {
        assert_eq!(attributes["AWS.SNS.SMS.SMSType"], "Transactional");
        assert_eq!(attributes["AWS.SNS.SMS.SenderID"], "Rappel");
    }
    assert_eq!(app.sms_attributes(phone).len(), 3);
    let sets = app.email_configuration_sets();
    assert!(!sets.is_empty());
    assert!(
        sets.iter()
            .all(|s| s.as_deref() == Some(app.resources.configuration_set.as_str()))
    );
}

/// Not in the counted life cycle above (infra/count-aws-calls.sh counts that one's calls).
#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_clients_communications_are_read_from_dynamodb_one_page_per_query() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(app.phone.as_str()).await;
    let id = app.book_friday_10am(&lea).await;
    let cancelled = app
        .post(&format!("/v1/appointments/{id}/cancel"), json!({}))
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    app.pump_stream().await;
    let history = app.communications(&lea).await;
    assert!(
        history.len() >= 4,
        "confirmation and cancellation, twice: {history:#?}"
    );
    // Two entries a query at a time: the same list in the same order.
    let (paged, pages) = app.communications_by_pages(&lea, 2).await;
    assert_eq!(paged, history);
    assert!(pages >= history.len().div_ceil(2), "{pages} pages");
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_booking_posted_again_with_its_key_is_answered_from_dynamodb_and_booked_once() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(app.phone.as_str()).await;
    let booking = json!({"client_id": lea, "staff_id": "sam", "type_id": "cut",
                         "start": "2026-03-27T10:00:00+01:00", "end": "2026-03-27T10:45:00+01:00"});

    let first = app
        .post_with_key("/v1/appointments", booking.clone(), "rdv-1")
        .await;
    let again = app
        .post_with_key("/v1/appointments", booking.clone(), "rdv-1")
        .await;
    let mut moved = booking.clone();
    moved["start"] = json!("2026-03-27T11:00:00+01:00");
    moved["end"] = json!("2026-03-27T11:45:00+01:00");
    let reused = app.post_with_key("/v1/appointments", moved, "rdv-1").await;

    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!((again.status, &again.body), (201, &first.body));
    assert_eq!(reused.status, 422, "{}", reused.body);
    assert_eq!(reused.body["error"]["code"], "idempotency_key_reused");
    let day = app.get("/v1/staff/sam/appointments?date=2026-03-27").await;
    let booked = day.body["appointments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(booked.len(), 1, "one appointment: {booked:?}");
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn idempotency_keys_on_dynamodb_answer_wait_refuse_and_are_taken_over_after_their_lease() {
    use rappel_ports::idempotency::{CLAIM_LEASE, IdempotencyKeys, KeptAnswer, KeyClaim};
    let app = spawn_aws_app(friday_before(), true).await;
    let keys = rappel_aws::dynamodb::DynamoIdempotency::new(
        aws_sdk_dynamodb::Client::new(&app.sdk),
        app.resources.deliveries_table.clone(),
    );
    let salon = rappel_core::model::TenantId::parse("salon-lea").unwrap();
    let other = rappel_core::model::TenantId::parse("salon-max").unwrap();
    let now = friday_before();
    let later = now + CLAIM_LEASE + chrono::Duration::seconds(1);
    let answer = KeptAnswer {
        status: 201,
        body: "{}".into(),
    };

    let first = keys.claim(&salon, "k", "f", now).await.unwrap();
    let running = keys.claim(&salon, "k", "f", now).await.unwrap();
    let elsewhere = keys.claim(&other, "k", "f", now).await.unwrap();
    let reused = keys.claim(&salon, "k", "g", later).await.unwrap();
    let taken_over = keys.claim(&salon, "k", "f", later).await.unwrap();
    keys.keep(&salon, "k", "f", answer.clone(), later)
        .await
        .unwrap();
    let answered = keys.claim(&salon, "k", "f", later).await.unwrap();
    keys.claim(&salon, "freed", "f", now).await.unwrap();
    keys.release(&salon, "freed", "f").await.unwrap();
    let freed = keys.claim(&salon, "freed", "g", now).await.unwrap();

    assert_eq!(first, KeyClaim::Fresh);
    assert_eq!(running, KeyClaim::InProgress);
    assert_eq!(elsewhere, KeyClaim::Fresh, "a key is per business");
    assert_eq!(reused, KeyClaim::OtherRequest);
    assert_eq!(taken_over, KeyClaim::Fresh);
    assert_eq!(answered, KeyClaim::Answered(answer));
    assert_eq!(freed, KeyClaim::Fresh);
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_import_on_dynamodb_plans_the_reminders_and_sends_nothing() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let schedules_before = app.count_schedules().await;
    let body = json!({
        "clients": [{"id": "crm-lea", "name": "Léa Martin", "email": "lea@example.fr"}],
        "appointments": [
            {"id": "rdv-1", "client_id": "crm-lea", "staff_id": "sam", "type_id": "cut",
             "start": "2026-03-27T10:00:00+01:00", "end": "2026-03-27T10:45:00+01:00"},
            {"id": "rdv-2", "client_id": "crm-lea", "staff_id": "sam", "type_id": "cut",
             "start": "2026-03-30T10:00:00+02:00", "end": "2026-03-30T10:45:00+02:00"}
        ]
    });

    let imported = app.post("/v1/imports", body.clone()).await;
    app.pump_stream().await;
    app.drain_send_queue().await;
    let again = app.post("/v1/imports", body).await;
    app.pump_stream().await;
    app.drain_send_queue().await;

    assert_eq!(imported.status, 200, "{}", imported.body);
    assert_eq!(imported.body["counts"]["created"], 3, "{}", imported.body);
    assert_eq!(again.body["counts"]["unchanged"], 3, "{}", again.body);
    assert!(
        app.emails_to("lea@example.fr").await.is_empty(),
        "nothing sent"
    );
    assert!(
        app.count_schedules().await > schedules_before,
        "the reminders are scheduled"
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn the_lists_read_dynamodb_a_page_per_query_and_refuse_another_businesss_cursor() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(app.phone.as_str()).await;
    let friday = app.book_friday_10am(&lea).await;
    for id in ["crm-1", "crm-2"] {
        let put = app
            .put(&format!("/v1/clients/{id}"), json!({"name": "Tom Petit"}))
            .await;
        assert_eq!(put.status, 201, "{}", put.body);
    }

    let mut clients = Vec::new();
    let mut cursor: Option<String> = None;
    let mut first_cursor = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/clients?limit=1&cursor={c}"),
            None => "/v1/clients?limit=1".to_owned(),
        };
        let page = app.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        clients.extend(page.body["clients"].as_array().cloned().unwrap_or_default());
        cursor = page.body["next_cursor"].as_str().map(str::to_owned);
        first_cursor = first_cursor.or(cursor.clone());
        if cursor.is_none() {
            break;
        }
    }
    let window = "from=2026-03-27T00:00:00Z&to=2026-03-28T00:00:00Z";
    let leas = app
        .get(&format!("/v1/appointments?{window}&client_id={lea}"))
        .await;
    let stolen = app
        .call_with_claims(
            "GET",
            &format!(
                "/v1/clients?cursor={}",
                first_cursor.expect("a second page")
            ),
            None,
            json!({"tenant_id": "salon-max"}),
        )
        .await;

    let ids: Vec<&str> = clients.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.contains(&"crm-1") && ids.contains(&"crm-2") && ids.contains(&lea.as_str()));
    assert_eq!(leas.status, 200, "{}", leas.body);
    assert_eq!(leas.body["appointments"][0]["id"], friday);
    assert_eq!(
        (stolen.status, &stolen.body["error"]["code"]),
        (400, &json!("invalid_cursor"))
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_template_test_goes_through_the_send_queue_and_ses_once() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(app.phone.as_str()).await;
    let id = app.book_friday_10am(&lea).await;
    app.drain_send_queue().await;
    let owner = "owner-test@example.com";

    let shown = app
        .post(
            "/v1/templates/reminder/email/fr/preview",
            json!({"appointment_id": id, "send_to": owner}),
        )
        .await;
    let failed = app.drain_send_queue().await;

    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(failed.is_empty(), "{failed:?}");
    let tests = app.emails_to(owner).await;
    assert_eq!(tests.len(), 1, "one test through SES");
    let history = app.communications(&lea).await;
    assert!(
        history.iter().any(|c| c["status"] == "test_sent"),
        "{history:#?}"
    );
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn the_table_indexes_serve_the_staff_day_a_settings_change_and_the_rebooking_rule() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone).await;
    let friday = app.book_friday_10am(&lea).await;
    let saturday = app
        .post(
            "/v1/appointments",
            json!({"client_id": lea, "staff_id": "sam", "type_id": "cut",
                   "start": "2026-03-28T10:00:00+01:00", "end": "2026-03-28T10:30:00+01:00"}),
        )
        .await;
    assert_eq!(saturday.status, 201, "{}", saturday.body);
    app.pump_stream().await;

    // by_staff: Sam's Friday in Paris holds the Friday appointment only.
    let day = app.get("/v1/staff/sam/appointments?date=2026-03-27").await;
    assert_eq!(day.status, 200, "{}", day.body);
    let ids: Vec<_> = day.body["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, vec![friday.clone()]);
    assert_eq!(
        app.get("/v1/staff/sam/appointments?date=2026-03-29")
            .await
            .body["appointments"],
        json!([])
    );

    // by_end: a settings change re-plans every booked appointment at once.
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {
            "reminders": [{"offset": "3d", "email": true}],
            "follow_ups": [{"after_end": "1d", "email": true, "only_if_not_rebooked": true}]
        }
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    let (_, response) = app.pump_stream().await;
    assert_eq!(response["batchItemFailures"], json!([]));
    assert_eq!(
        schedule_times(&app.schedules().await),
        vec![
            "at(2026-03-24T09:00:00)",
            "at(2026-03-25T09:00:00)",
            "at(2026-03-28T09:45:00)",
            "at(2026-03-29T08:30:00)", // Sunday 10:30 CEST: the day after, on the wall clock
        ]
    );

    // by_client: Friday's follow-up is skipped, Léa has booked again since.
    app.advance_to("2026-03-28T09:45:00Z").await;
    let history = app.communications(&lea).await;
    let follow_up = history
        .iter()
        .find(|c| c["kind"] == "follow_up" && c["about"]["id"] == friday.as_str())
        .expect("Friday's follow-up is in the history");
    assert_eq!(
        (follow_up["status"].as_str(), follow_up["reason"].as_str()),
        (Some("suppressed"), Some("client_rebooked"))
    );
}

/// A client with an e-mail address and no phone books: of the three messages her appointment
/// plans (the day-before e-mail, the 2-hour SMS, the follow-up e-mail), only the two that can
/// go out get a schedule; the SMS, decided when planned (`no_phone`), is recorded as such at
/// once through the send queue. Measured for `infra/count-aws-calls.sh` (schedules per
/// appointment: one per planned message before, one per message that can go out now).
#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_booking_schedules_only_the_messages_that_can_go_out() {
    let app = spawn_aws_app(friday_before(), true).await;
    app.seed_salon().await;
    let created = app
        .post(
            "/v1/clients",
            json!({"name": "Léa Martin", "email": LEA_MAIL}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let lea = created.body["id"].as_str().unwrap().to_owned();
    app.pump_stream().await;

    let mark = recording_mark();
    let id = app.book_friday_10am(&lea).await;
    save_recording_since(mark, "booking-without-phone");

    let planned = app
        .get(&format!("/v1/appointments/{id}/notifications"))
        .await
        .body["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let timeline: Vec<_> = planned
        .iter()
        .filter(|m| m["kind"] == "reminder" || m["kind"] == "follow_up")
        .collect();
    assert_eq!(timeline.len(), 3, "{planned:#?}");
    let schedules = app.schedules().await;
    assert_eq!(schedules.len(), 2, "{schedules:#?}");
    assert!(
        schedules
            .iter()
            .all(|s| s.input["key"]["channel"] == "email"),
        "{schedules:#?}"
    );
    let suppressed: Vec<_> = app
        .communications(&lea)
        .await
        .into_iter()
        .filter(|c| c["reason"] == "no_phone" && c["kind"] == "reminder")
        .collect();
    assert_eq!(
        suppressed.len(),
        1,
        "the SMS reminder, recorded once: {suppressed:#?}"
    );
    assert_eq!(suppressed[0]["due"], "2026-03-27T07:00:00Z");
}
