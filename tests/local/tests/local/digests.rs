//! Daily digests through the real HTTP API on the local stack: two staff members in different
//! zones each get their own day at their own local time, a cancelled appointment is left out,
//! an empty day is recorded and not sent, and a schedule firing twice sends once.

use chrono::{TimeZone, Utc};
use futures_util::StreamExt;
use rappel_core::message::{DigestTrigger, Recipient};
use rappel_core::model::{StaffId, TenantId};
use rappel_ports::schedules::SendRequest;
use rappel_send::handle_send;
use rappel_testkit::fixtures::friday_before;
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

const SAM: &str = "sam@salon-lea.fr";
const KIM: &str = "kim@salon-lea.fr";

fn digest_settings(at: &str, staff: bool) -> Value {
    json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}],
        "notifications": {
            "digest": {"staff": staff, "managers": false, "when": "same_day", "at": at, "email": true}
        }
    })
}

/// The salon with Sam (Paris, French) and Kim (New York, English), digests at 07:00.
async fn salon_with_two_staff(app: &TestApp) {
    app.seed_business().await;
    let kim = app
        .put(
            "/v1/staff/kim",
            json!({"name": "Kim", "email": KIM, "locale": "en", "time_zone": "America/New_York"}),
        )
        .await;
    assert_eq!(kim.status, 200, "{}", kim.body);
    let saved = app
        .put("/v1/settings", digest_settings("07:00", true))
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
}

async fn book_with(app: &TestApp, client: &str, staff: &str, start: &str, end: &str) -> String {
    let booked = app
        .post(
            "/v1/appointments",
            json!({"client_id": client, "staff_id": staff, "type_id": "cut", "start": start, "end": end}),
        )
        .await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    booked.body["id"].as_str().unwrap().to_owned()
}

fn digests(messages: &[Value]) -> Vec<&Value> {
    messages
        .iter()
        .filter(|m| {
            m["subject"].as_str().is_some_and(|s| {
                s.starts_with("Vos rendez-vous du") || s.starts_with("Your appointments on")
            })
        })
        .collect()
}

#[tokio::test]
async fn each_staff_member_gets_their_own_day_at_their_own_local_time() {
    let app = spawn_app(friday_before()).await;
    salon_with_two_staff(&app).await;
    let lea = app.create_lea().await;
    let noe = app
        .create_client(json!({"name": "Noé Petit", "email": "noe@example.fr"}))
        .await;
    // Monday 23 March: Léa with Sam at 10:00 Paris, Noé with Sam at 14:00 (then cancelled),
    // Léa with Kim at 09:00 New York.
    book_with(
        &app,
        &lea,
        "sam",
        "2026-03-23T10:00:00+01:00",
        "2026-03-23T10:45:00+01:00",
    )
    .await;
    let cancelled = book_with(
        &app,
        &noe,
        "sam",
        "2026-03-23T14:00:00+01:00",
        "2026-03-23T14:30:00+01:00",
    )
    .await;
    let cancel = app
        .post(&format!("/v1/appointments/{cancelled}/cancel"), json!({}))
        .await;
    assert_eq!(cancel.status, 200, "{}", cancel.body);
    book_with(
        &app,
        &lea,
        "kim",
        "2026-03-23T09:00:00-04:00",
        "2026-03-23T09:30:00-04:00",
    )
    .await;

    // The next digest, as the API shows it.
    let next = app.get("/v1/staff/sam/notifications").await;
    assert_eq!(next.status, 200, "{}", next.body);
    assert_eq!(next.body["schedule"]["at"], "07:00");
    assert_eq!(next.body["schedule"]["time_zone"], "Europe/Paris");
    assert_eq!(next.body["schedule"]["next_firing"], "2026-03-21T06:00:00Z");

    // 07:00 in Paris on Monday (06:00 UTC): Sam's day, without the cancelled appointment.
    app.advance_to("2026-03-23T06:30:00Z").await;
    let to_sam = app.sent_to(SAM).await;
    let sam_digests = digests(&to_sam);
    let monday: Vec<&&Value> = sam_digests
        .iter()
        .filter(|m| m["subject"] == "Vos rendez-vous du lundi 23 mars 2026")
        .collect();
    assert_eq!(monday.len(), 1, "{sam_digests:#?}");
    let text = monday[0]["text"].as_str().unwrap();
    assert!(text.contains("10:00–10:45  Léa Martin · Coupe"), "{text}");
    assert!(
        !text.contains("Noé"),
        "the cancelled one is left out: {text}"
    );
    assert!(text.contains("Vous avez 1 rendez-vous"), "{text}");
    let html = monday[0]["html"].as_str().unwrap();
    assert!(
        html.contains("<td style=\"padding:4px 12px 4px 0\">Léa Martin</td>"),
        "{html}"
    );
    assert!(
        digests(&app.sent_to(KIM).await)
            .iter()
            .all(|m| m["subject"] != "Your appointments on Monday 23 March 2026"),
        "Kim's morning has not come yet"
    );

    // 07:00 in New York (11:00 UTC, daylight time since 8 March): Kim's own day, in English.
    app.advance_to("2026-03-23T11:30:00Z").await;
    let to_kim = app.sent_to(KIM).await;
    let kim_monday: Vec<&Value> = digests(&to_kim)
        .into_iter()
        .filter(|m| m["subject"] == "Your appointments on Monday 23 March 2026")
        .collect();
    assert_eq!(kim_monday.len(), 1, "{to_kim:#?}");
    let text = kim_monday[0]["text"].as_str().unwrap();
    assert!(text.contains("09:00–09:30  Léa Martin"), "{text}");
    assert!(!text.contains("10:00"), "not Sam's appointments: {text}");
}

#[tokio::test]
async fn an_empty_day_is_recorded_not_sent_and_a_double_firing_sends_once() {
    let app = spawn_app(friday_before()).await;
    salon_with_two_staff(&app).await;
    let lea = app.create_lea().await;
    book_with(
        &app,
        &lea,
        "sam",
        "2026-03-23T10:00:00+01:00",
        "2026-03-23T10:45:00+01:00",
    )
    .await;

    // Saturday and Sunday are empty; Monday has Léa.
    app.advance_to("2026-03-23T06:30:00Z").await;
    let sent = digests(&app.sent_to(SAM).await).len();
    assert_eq!(sent, 1, "only Monday's");
    let view = app.get("/v1/staff/sam/notifications").await.body;
    let recent = view["recent"].as_array().cloned().unwrap_or_default();
    let empty: Vec<&Value> = recent
        .iter()
        .filter(|r| r["status"] == "suppressed" && r["reason"] == "nothing_to_report")
        .collect();
    assert_eq!(
        empty.len(),
        2,
        "Saturday's and Sunday's empty days: {recent:#?}"
    );
    assert_eq!(empty[0]["about"]["id"]["date"], "2026-03-21");

    // Monday's schedule fires again (a retry), and once more at another time of that day (its
    // time was changed): the digest of Monday is still sent once.
    let trigger = DigestTrigger {
        tenant: TenantId::parse("salon-lea").unwrap(),
        recipient: Recipient::Staff(StaffId::parse("sam").unwrap()),
    };
    for fired_at in [
        Utc.with_ymd_and_hms(2026, 3, 23, 6, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 3, 23, 9, 0, 0).unwrap(),
    ] {
        let request = SendRequest::Digest {
            trigger: trigger.clone(),
            fired_at,
        };
        handle_send(&app.stack.delivery, &request).await.unwrap();
    }
    assert_eq!(digests(&app.sent_to(SAM).await).len(), 1, "sent once");
}

#[tokio::test]
async fn the_recurring_schedules_follow_the_time_setting_and_go_when_digests_are_switched_off() {
    let app = spawn_app(friday_before()).await;
    salon_with_two_staff(&app).await;
    let names = |app: &TestApp| {
        app.stack
            .scheduler
            .list_recurring()
            .into_iter()
            .map(|r| {
                (
                    r.schedule.name.to_string(),
                    r.schedule.at.to_string(),
                    r.schedule.zone.name().to_owned(),
                )
            })
            .collect::<Vec<_>>()
    };
    let at_seven = names(&app);
    assert_eq!(at_seven.len(), 2, "Sam and Kim: {at_seven:?}");
    assert!(
        at_seven
            .iter()
            .any(|(_, at, zone)| at == "07:00" && zone == "America/New_York")
    );

    let saved = app
        .put("/v1/settings", digest_settings("18:30", true))
        .await;
    assert_eq!(saved.status, 200);
    let at_half_past_six = names(&app);
    assert_eq!(at_half_past_six.len(), 2);
    assert!(at_half_past_six.iter().all(|(_, at, _)| at == "18:30"));
    assert!(
        at_half_past_six
            .iter()
            .all(|(name, _, _)| at_seven.iter().all(|(old, _, _)| old != name)),
        "replaced, not added"
    );

    // A staff member added later gets theirs at once.
    let ana = app
        .put(
            "/v1/staff/ana",
            json!({"name": "Ana", "email": "ana@salon-lea.fr"}),
        )
        .await;
    assert_eq!(ana.status, 200);
    assert_eq!(names(&app).len(), 3);

    let off = app
        .put("/v1/settings", digest_settings("18:30", false))
        .await;
    assert_eq!(off.status, 200);
    assert!(names(&app).is_empty());
    let view = app.get("/v1/staff/sam/notifications").await;
    assert_eq!(view.status, 200);
    assert!(view.body["schedule"].is_null());
}

/// A day far too long to list: 2,000 appointments across 20 staff members on Monday 23 March.
/// Every staff member's digest and the manager's are sent; the manager's counts the whole day,
/// per staff member, lists its first rows and links the agenda for the rest — with the
/// built-in template, the business's own being too big for that day.
#[tokio::test]
async fn a_day_of_2000_appointments_sends_every_digest_and_the_managers_summarises_it() {
    use chrono::Duration;
    const STAFF: usize = 20;
    const APPOINTMENTS: usize = 2000;
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    for n in 1..STAFF {
        let member = app
            .put(
                &format!("/v1/staff/s{n:02}"),
                json!({"name": format!("Coiffeur {n:02}"), "email": format!("s{n:02}@salon-lea.fr")}),
            )
            .await;
        assert_eq!(member.status, 200, "{}", member.body);
    }
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}],
        "notifications": {
            "digest": {
                "staff": true, "managers": true, "when": "same_day", "at": "06:00", "email": true,
                "agenda_url": "https://agenda.salon-lea.fr/jour/{date}"
            }
        }
    });
    let saved = app.put("/v1/settings", settings).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    // The business's own manager digest: fine on the sample day it is checked with when
    // saved, 50 rows of padding (over 64 KiB) on this one.
    let own = app
        .put(
            "/v1/templates/manager_digest/email/fr",
            json!({
                "subject": "Journée du {{ date }}",
                "text": "{% for a in appointments %}{{ a.client_name }} {{ '.' * 2000 }}\n{% endfor %}"
            }),
        )
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
    let mut clients = Vec::new();
    for n in 0..100 {
        clients.push(
            app.create_client(json!({"name": format!("Client {n:03}"), "email": format!("client{n:03}@example.fr")}))
                .await,
        );
    }
    // 07:00 Paris (CET) onwards: each staff member's 100 appointments, 7 minutes apart, booked
    // from the console without a confirmation (the day's digests are what is tested), eight
    // requests at a time.
    let opening = Utc.with_ymd_and_hms(2026, 3, 23, 6, 0, 0).unwrap();
    let booked: Vec<u16> = futures_util::stream::iter(0..APPOINTMENTS)
        .map(|n| {
            let staff = match n % STAFF {
                0 => "sam".to_owned(),
                k => format!("s{k:02}"),
            };
            let start = opening + Duration::minutes(7 * (n / STAFF) as i64);
            let end = start + Duration::minutes(7);
            let body = json!({"client_id": clients[n % clients.len()], "staff_id": staff,
                "type_id": "cut", "start": start.to_rfc3339(), "end": end.to_rfc3339(),
                "origin": "staff", "notify": false});
            let app = &app;
            async move { app.post("/v1/appointments", body).await.status }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    assert_eq!(booked.len(), APPOINTMENTS);
    assert!(booked.iter().all(|status| *status == 201), "{booked:?}");

    // 06:00 in Paris on Monday (05:00 UTC).
    app.advance_to("2026-03-23T05:30:00Z").await;
    let monday = "Vos rendez-vous du lundi 23 mars 2026";
    let mut recipients = vec![SAM.to_owned()];
    recipients.extend((1..STAFF).map(|n| format!("s{n:02}@salon-lea.fr")));
    for to in &recipients {
        let sent = app.sent_to(to).await;
        let day: Vec<&Value> = digests(&sent)
            .into_iter()
            .filter(|m| m["subject"] == monday)
            .collect();
        assert_eq!(day.len(), 1, "{to}'s digest: {sent:#?}");
        let text = day[0]["text"].as_str().unwrap_or_default();
        assert!(text.contains("Vous avez 100 rendez-vous"), "{to}: {text}");
        assert!(text.contains("et 50 autre(s) rendez-vous"), "{to}: {text}");
    }
    let to_olga = app.sent_to("olga@salon-lea.fr").await;
    let olga: Vec<&Value> = to_olga
        .iter()
        .filter(|m| m["subject"] == "Les rendez-vous du lundi 23 mars 2026")
        .collect();
    assert_eq!(olga.len(), 1, "the manager's digest: {to_olga:#?}");
    let text = olga[0]["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("Salon Léa a 2000 rendez-vous le lundi 23 mars 2026"),
        "{text}"
    );
    assert!(text.contains("- Coiffeur 01 : 100"), "{text}");
    assert!(text.contains("- Sam : 100"), "{text}");
    assert!(text.contains("et 1950 autre(s) rendez-vous"), "{text}");
    assert!(
        text.contains("https://agenda.salon-lea.fr/jour/2026-03-23"),
        "{text}"
    );
    assert!(
        text.contains("07:00–07:07  Client 000 · Coupe · Sam"),
        "{text}"
    );
    let html = olga[0]["html"].as_str().unwrap_or_default();
    assert!(html.len() < 64 * 1024, "{} bytes", html.len());
    // HTML escapes every variable, '/' included (`&#x2f;`, which a browser reads back as '/').
    let html = html.replace("&#x2f;", "/");
    assert!(
        html.contains("<a href=\"https://agenda.salon-lea.fr/jour/2026-03-23\">"),
        "{html}"
    );
    // Sent with the built-in template, and the manager's history says why.
    let history = app.get("/v1/managers/owner/notifications").await.body;
    let recent = history["recent"].as_array().cloned().unwrap_or_default();
    assert!(!recent.is_empty(), "{history}");
    assert!(
        recent.iter().all(|e| e["status"] != "failed"),
        "{recent:#?}"
    );
    let monday: Vec<&Value> = recent
        .iter()
        .filter(|e| e["about"]["id"]["date"] == "2026-03-23")
        .collect();
    assert_eq!(monday.len(), 1, "{recent:#?}");
    assert_eq!(monday[0]["status"], "sent");
    let reason = monday[0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with("template_too_costly") && reason.contains("built-in template"),
        "{reason}"
    );
}
