//! Digests on the AWS path (moto): one recurring EventBridge Scheduler schedule per staff
//! member — `cron()` in the staff member's own zone — replaced when the time setting changes,
//! deleted when digests are switched off; a firing goes through the send queue and SES.

use chrono::{TimeZone, Utc};
use rappel_tests::CallsApi;
use rappel_tests::aws::{AwsApp, recording_mark, save_recording_since, spawn_aws_app};
use serde_json::{Value, json};

fn settings(at: &str, staff: bool) -> Value {
    json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {"digest": {"staff": staff, "at": at, "email": true}}
    })
}

/// Hands the stream's new records to the change handler; every record must succeed.
async fn pump_ok(app: &AwsApp) {
    let (_, response) = app.pump_stream().await;
    assert_eq!(
        response["batchItemFailures"],
        json!([]),
        "the batch succeeds"
    );
}

#[tokio::test]
async fn digest_schedules_are_daily_crons_in_each_zone_replaced_on_a_new_time_and_deleted_when_off()
{
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    let kim = app
        .put(
            "/v1/staff/kim",
            json!({"name": "Kim", "email": "kim@salon-lea.fr", "time_zone": "America/New_York", "locale": "en"}),
        )
        .await;
    assert_eq!(kim.status, 200);
    pump_ok(&app).await;
    assert!(app.recurring_schedules().await.is_empty(), "off by default");

    assert_eq!(
        app.put("/v1/settings", settings("07:30", true))
            .await
            .status,
        200
    );
    pump_ok(&app).await;
    let at_seven_thirty = app.recurring_schedules().await;
    let mut zones: Vec<(&str, &str)> = at_seven_thirty
        .iter()
        .map(|s| (s.expression.as_str(), s.time_zone.as_str()))
        .collect();
    zones.sort();
    assert_eq!(
        zones,
        vec![
            ("cron(30 7 * * ? *)", "America/New_York"),
            ("cron(30 7 * * ? *)", "Europe/Paris"),
        ]
    );
    for schedule in &at_seven_thirty {
        assert_eq!(schedule.input["v"], 2);
        assert_eq!(schedule.input["fired_at"], "<aws.scheduler.scheduled-time>");
        assert_eq!(schedule.input["digest"]["recipient"]["type"], "staff");
        assert_eq!(schedule.after_completion.as_deref(), Some("NONE"));
    }

    assert_eq!(
        app.put("/v1/settings", settings("18:00", true))
            .await
            .status,
        200
    );
    pump_ok(&app).await;
    let at_six = app.recurring_schedules().await;
    assert_eq!(at_six.len(), 2, "replaced, not added: {at_six:#?}");
    assert!(at_six.iter().all(|s| s.expression == "cron(0 18 * * ? *)"));
    assert!(
        at_six
            .iter()
            .all(|s| at_seven_thirty.iter().all(|old| old.name != s.name))
    );

    assert_eq!(
        app.put("/v1/settings", settings("18:00", false))
            .await
            .status,
        200
    );
    pump_ok(&app).await;
    assert!(app.recurring_schedules().await.is_empty());
}

#[tokio::test]
async fn a_digest_firing_goes_through_the_send_queue_and_ses_once() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    assert_eq!(
        app.put("/v1/settings", settings("07:00", true))
            .await
            .status,
        200
    );
    pump_ok(&app).await;
    let lea = app.create_lea("+33612345671").await;
    app.book_friday_10am(&lea).await;
    let schedules = app.recurring_schedules().await;
    assert_eq!(schedules.len(), 1, "Sam's");

    // Friday 27 March, 07:00 in Paris (CET): 06:00 UTC.
    let friday_seven = Utc.with_ymd_and_hms(2026, 3, 27, 6, 0, 0).unwrap();
    let mark = recording_mark();
    let failed = app.fire_recurring(&schedules[0], friday_seven).await;
    assert!(failed.is_empty(), "{failed:?}");
    save_recording_since(mark, "digest-firing");
    let failed = app.fire_recurring(&schedules[0], friday_seven).await;
    assert!(failed.is_empty(), "{failed:?}");
    let digests: Vec<_> = app
        .emails_to("sam@salon-lea.fr")
        .await
        .into_iter()
        .filter(|m| m.subject.starts_with("Vos rendez-vous du"))
        .collect();
    assert_eq!(digests.len(), 1, "a double firing sends once");
    assert_eq!(
        digests[0].subject,
        "Vos rendez-vous du vendredi 27 mars 2026"
    );
    assert!(
        digests[0].text.contains("10:00–10:45  Léa Martin"),
        "{}",
        digests[0].text
    );
}
