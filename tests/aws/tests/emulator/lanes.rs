//! The send queue's lanes and fair shares on SQS: each message waits in its lane's queue
//! (urgent: reminders and change notices; bulk: digests and the like), with its business as
//! its message group — what makes a standard queue an SQS fair queue.

use chrono::{TimeZone, Utc};
use rappel_aws_tests::aws::{AwsApp, spawn_aws_app};
use rappel_core::message::Lane;
use rappel_testkit::CallsApi;
use serde_json::{Value, json};

async fn pump_ok(app: &AwsApp) {
    let (_, response) = app.pump_stream().await;
    assert_eq!(
        response["batchItemFailures"],
        json!([]),
        "the batch succeeds"
    );
}

fn group_of(message: &aws_sdk_sqs::types::Message) -> Option<String> {
    message
        .attributes()
        .and_then(|a| a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::MessageGroupId))
        .cloned()
}

fn kind_of(message: &aws_sdk_sqs::types::Message) -> String {
    let body: Value = serde_json::from_str(message.body().unwrap_or_default()).expect("JSON");
    body["key"]["kind"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_booking_notice_and_its_reminders_wait_in_the_urgent_lane_and_a_digest_in_the_bulk_lane()
{
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {"digest": {"staff": true, "at": "07:00", "email": true}}
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    pump_ok(&app).await;
    let lea = app.create_lea(&app.phone).await;
    app.book(
        &lea,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;
    let reaction = app.react_without_sending().await;
    assert_eq!(reaction["batchItemFailures"], json!([]), "{reaction}");

    let urgent = app.receive_lane(Lane::Urgent).await;
    assert!(
        !urgent.is_empty(),
        "the booking's confirmation waits to be sent"
    );
    for message in &urgent {
        assert!(["confirmation", "new_booking_alert"].contains(&kind_of(message).as_str()));
        assert_eq!(group_of(message).as_deref(), Some(app.tenant.as_str()));
    }
    assert!(app.receive_lane(Lane::Bulk).await.is_empty());

    let reminders = app.schedules().await;
    assert!(!reminders.is_empty());
    for schedule in &reminders {
        assert_eq!(
            schedule.target.arn, app.resources.send_queue_arn,
            "{}",
            schedule.name
        );
        assert_eq!(
            schedule.target.message_group.as_deref(),
            Some(app.tenant.as_str())
        );
    }
    let digests = app.recurring_schedules().await;
    assert_eq!(digests.len(), 1, "Sam's");
    assert_eq!(digests[0].target.arn, app.resources.bulk_send_queue_arn);
    assert_eq!(
        digests[0].target.message_group.as_deref(),
        Some(app.tenant.as_str())
    );

    // The digest's firing is taken from the bulk lane and sent.
    let failed = app
        .fire_recurring(
            &digests[0],
            Utc.with_ymd_and_hms(2026, 3, 27, 6, 0, 0).unwrap(),
        )
        .await;
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(app.emails_to("sam@salon-lea.fr").await.len(), 1);
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn an_import_that_notifies_queues_its_notices_in_the_bulk_lane_not_before_reminders() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    pump_ok(&app).await;
    let body = json!({
        "notify": true,
        "clients": [{"id": "crm-lea", "name": "Léa Martin", "email": "lea@example.fr", "phone": app.phone}],
        "appointments": [
            {"id": "rdv-1", "client_id": "crm-lea", "staff_id": "sam", "type_id": "cut",
             "start": "2026-03-27T10:00:00+01:00", "end": "2026-03-27T10:45:00+01:00"}
        ]
    });
    let imported = app.post("/v1/imports", body).await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    let reaction = app.react_without_sending().await;
    assert_eq!(reaction["batchItemFailures"], json!([]), "{reaction}");

    let bulk = app.receive_lane(Lane::Bulk).await;
    assert!(
        !bulk.is_empty(),
        "the import's notices wait in the bulk lane"
    );
    let kinds: Vec<String> = bulk.iter().map(kind_of).collect();
    assert!(kinds.contains(&"confirmation".to_owned()), "{kinds:?}");
    for message in &bulk {
        assert!(["confirmation", "new_booking_alert"].contains(&kind_of(message).as_str()));
        assert_eq!(group_of(message).as_deref(), Some(app.tenant.as_str()));
    }
    assert!(app.receive_lane(Lane::Urgent).await.is_empty());
    // The reminders it planned still fire to the urgent lane.
    let reminders: Vec<_> = app
        .schedules()
        .await
        .into_iter()
        .filter(|s| s.input["key"]["kind"] == "reminder")
        .collect();
    assert!(!reminders.is_empty());
    assert!(
        reminders
            .iter()
            .all(|s| s.target.arn == app.resources.send_queue_arn)
    );
}
