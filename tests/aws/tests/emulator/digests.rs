//! Digests on the AWS path (moto): one recurring EventBridge Scheduler schedule per staff
//! member — `cron()` in the staff member's own zone — replaced when the time setting changes,
//! deleted when digests are switched off; a firing goes through the send queue and SES.

use chrono::{TimeZone, Utc};
use rappel_aws_tests::aws::{AwsApp, recording_mark, save_recording_since, spawn_aws_app};
use rappel_testkit::CallsApi;
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
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
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
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
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

/// A manager's day longer than one query page (450 appointments, 200 a page) on DynamoDB: the
/// digest reads it page by page, counts every appointment and per staff member, and lists the
/// first 50.
#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_managers_digest_reads_a_long_day_page_by_page_and_counts_all_of_it() {
    use chrono::Duration;
    use rappel_aws::dynamodb::DynamoRecords;
    use rappel_core::model::*;
    use rappel_ports::records::{Expected, Record, RecordWriter};
    use std::sync::Arc;

    const OLGA: &str = "olga.long-day@salon-lea.fr";
    let now = Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap();
    let app = spawn_aws_app(now, true).await;
    let saved = app
        .put(
            "/v1/settings",
            json!({
                "business_name": "Salon Léa",
                "time_zone": "Europe/Paris",
                "default_locale": "fr",
                "managers": [{"id": "owner", "name": "Olga", "email": OLGA}],
                "notifications": {"digest": {
                    "managers": true, "at": "06:00", "email": true,
                    "agenda_url": "https://agenda.salon-lea.fr/jour/{date}"
                }}
            }),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    app.seed_catalog().await;
    let kim = app
        .put(
            "/v1/staff/kim",
            json!({"name": "Kim", "email": "kim@salon-lea.fr"}),
        )
        .await;
    assert_eq!(kim.status, 200, "{}", kim.body);
    pump_ok(&app).await;

    // Written straight into the table, as the API would have: Léa with Sam and Kim in turn,
    // every minute from 07:00 in Paris (CET) on Monday 23 March.
    let tenant = TenantId::parse("salon-lea").unwrap();
    let paris = TimeZone::parse("Europe/Paris").unwrap();
    let records = Arc::new(DynamoRecords::new(
        aws_sdk_dynamodb::Client::new(&app.sdk),
        app.resources.records_table.clone(),
    ));
    let lea = Client {
        tenant: tenant.clone(),
        id: ClientId::parse("lea").unwrap(),
        name: DisplayName::parse("Léa Martin").unwrap(),
        email: None,
        phone: None,
        locale: Locale::parse("fr").unwrap(),
        time_zone: paris,
        preferences: ContactPreferences::default(),
        version: 1,
    };
    records
        .put(Record::Client(lea), Expected::Absent)
        .await
        .unwrap();
    let opening = Utc.with_ymd_and_hms(2026, 3, 23, 6, 0, 0).unwrap();
    let appointments: Vec<Record> = (0..450)
        .map(|n| {
            let start = opening + Duration::minutes(n);
            let booked = Appointment::book(
                NewBooking {
                    tenant: tenant.clone(),
                    id: AppointmentId::parse(&format!("ap{n:03}")).unwrap(),
                    client_id: ClientId::parse("lea").unwrap(),
                    staff_id: StaffId::parse(if n % 2 == 0 { "sam" } else { "kim" }).unwrap(),
                    type_id: AppointmentTypeId::parse("cut").unwrap(),
                    start,
                    end: start + Duration::minutes(30),
                    time_zone: paris,
                    status: AppointmentStatus::Confirmed,
                    origin: Origin::Online,
                    notify_client: true,
                    horizon: rappel_core::settings::BookingHorizon::default(),
                    earlier_slot_offers: None,
                },
                now,
            )
            .unwrap();
            Record::Appointment(booked)
        })
        .collect();
    for chunk in appointments.chunks(32) {
        let puts = chunk.iter().cloned().map(|record| {
            let records = records.clone();
            async move { records.put(record, Expected::Absent).await }
        });
        for written in futures_util::future::join_all(puts).await {
            written.unwrap();
        }
    }
    // Their stream records are left aside: the digest reads the table.
    while !app.read_stream().await.records.is_empty() {}

    let schedules = app.recurring_schedules().await;
    assert_eq!(schedules.len(), 1, "the manager's");
    // Monday, 06:00 in Paris: 05:00 UTC.
    let failed = app
        .fire_recurring(
            &schedules[0],
            Utc.with_ymd_and_hms(2026, 3, 23, 5, 0, 0).unwrap(),
        )
        .await;
    assert!(failed.is_empty(), "{failed:?}");
    let digests: Vec<_> = app
        .emails_to(OLGA)
        .await
        .into_iter()
        .filter(|m| m.subject == "Les rendez-vous du lundi 23 mars 2026")
        .collect();
    assert_eq!(digests.len(), 1, "the manager's digest is sent");
    let text = &digests[0].text;
    assert!(text.contains("Salon Léa a 450 rendez-vous"), "{text}");
    assert!(text.contains("- Kim : 225\n- Sam : 225"), "{text}");
    assert!(
        text.contains("07:00–07:30  Léa Martin · Coupe · Sam"),
        "{text}"
    );
    assert!(
        text.contains("07:49–08:19  Léa Martin · Coupe · Kim"),
        "{text}"
    );
    assert!(!text.contains("07:50–"), "the first 50 rows only: {text}");
    assert!(text.contains("et 400 autre(s) rendez-vous"), "{text}");
    assert!(
        text.contains("https://agenda.salon-lea.fr/jour/2026-03-23"),
        "{text}"
    );
}
