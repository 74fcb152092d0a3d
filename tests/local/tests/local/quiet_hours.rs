//! Quiet hours and regional English, through the local stack's HTTP API, as a business and its
//! clients would notice them.

use chrono::{TimeZone, Utc};
use rappel_testkit::fixtures::LEA_PHONE;
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

async fn salon_with_quiet_nights() -> TestApp {
    let app = spawn_app(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()).await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {
            "reminders": [{"offset": "12h", "sms": true}],
            "quiet_hours": {"from": "21:00", "until": "08:00"}
        }
    });
    let r = app.put("/v1/settings", settings).await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.seed_catalog().await;
    app
}

#[tokio::test]
async fn an_sms_reminder_due_at_eleven_at_night_goes_out_at_eight_in_the_morning() {
    let app = salon_with_quiet_nights().await;
    let lea = app.create_lea().await;
    // 11:00 in Paris (UTC+2): twelve hours before is 23:00 the evening before.
    let booked = app
        .book(
            &lea,
            "2026-06-12T11:00:00+02:00",
            "2026-06-12T11:45:00+02:00",
        )
        .await;
    let id = booked["id"].as_str().unwrap();

    // The planned view shows the moved time and why.
    let plan = app
        .get(&format!("/v1/appointments/{id}/notifications"))
        .await
        .body;
    let reminders: Vec<&Value> = plan["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "reminder")
        .collect();
    assert_eq!(reminders.len(), 1, "{plan}");
    assert_eq!(reminders[0]["due"], "2026-06-12T06:00:00Z");
    assert_eq!(reminders[0]["moved"]["from"], "2026-06-11T21:00:00Z");
    assert_eq!(reminders[0]["moved"]["because"], "quiet_hours");

    // Nothing at 23:30 local; the reminder at 08:00 local.
    app.advance_to("2026-06-11T21:30:00Z").await;
    assert!(app.sent_of_kind("reminder", LEA_PHONE).await.is_empty());
    app.advance_to("2026-06-12T06:30:00Z").await;
    let sent = app.sent_of_kind("reminder", LEA_PHONE).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["at"], "2026-06-12T06:00:00Z");
}

#[tokio::test]
async fn a_confirmation_of_a_booking_made_at_night_waits_for_the_morning_by_sms_only() {
    let app = salon_with_quiet_nights().await;
    let lea = app.create_lea().await;
    app.advance_to("2026-06-01T21:15:00Z").await; // 23:15 in Paris
    app.book(
        &lea,
        "2026-06-05T14:00:00+02:00",
        "2026-06-05T14:45:00+02:00",
    )
    .await;
    // E-mail is not covered by default: it went at once. The SMS waits.
    assert_eq!(
        app.sent_of_kind("confirmation", "lea@example.fr")
            .await
            .len(),
        1
    );
    assert!(app.sent_of_kind("confirmation", LEA_PHONE).await.is_empty());
    app.advance_to("2026-06-02T07:00:00Z").await;
    let sms = app.sent_of_kind("confirmation", LEA_PHONE).await;
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0]["at"], "2026-06-02T06:00:00Z");
}

#[tokio::test]
async fn an_american_client_reads_three_thirty_pm_and_a_british_one_fifteen_thirty() {
    let app = salon_with_quiet_nights().await;
    let john = app
        .create_client(json!({"name": "John", "email": "john@example.com", "locale": "en-US", "time_zone": "America/New_York"}))
        .await;
    let jane = app
        .create_client(json!({"name": "Jane", "email": "jane@example.co.uk", "locale": "en-GB", "time_zone": "Europe/London"}))
        .await;
    // 21:30 in Paris = 15:30 in New York = 20:30 in London.
    for client in [&john, &jane] {
        app.book(
            client,
            "2026-06-10T21:30:00+02:00",
            "2026-06-10T22:15:00+02:00",
        )
        .await;
    }
    assert_eq!(
        app.sent_to("john@example.com").await[0]["subject"],
        "Appointment confirmed on Wednesday, June 10, 2026 at 3:30 PM"
    );
    assert_eq!(
        app.sent_to("jane@example.co.uk").await[0]["subject"],
        "Appointment confirmed on Wednesday 10 June 2026 at 20:30"
    );
}
