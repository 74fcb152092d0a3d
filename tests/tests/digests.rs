//! Daily digests through the real HTTP API on the local stack: two staff members in different
//! zones each get their own day at their own local time, a cancelled appointment is left out,
//! an empty day is recorded and not sent, and a schedule firing twice sends once.

use chrono::{DateTime, TimeZone, Utc};
use rappel_core::message::{DigestTrigger, Recipient};
use rappel_core::model::{StaffId, TenantId};
use rappel_ports::schedules::SendRequest;
use rappel_send::handle_send;
use rappel_tests::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

const SAM: &str = "sam@salon-lea.fr";
const KIM: &str = "kim@salon-lea.fr";

fn friday_before() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()
}

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
