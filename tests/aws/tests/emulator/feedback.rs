//! E-mail feedback on the AWS path (moto): e-mails go out through SES with the tags that trace
//! them back; SES's bounce document, handed to the feedback function as SNS delivers it, marks
//! the address in DynamoDB; the next e-mail to it is recorded suppressed, the SMS still goes.

use aws_lambda_events::event::sns::SnsEvent;
use chrono::{TimeZone, Utc};
use lambda_runtime::{Context, LambdaEvent};
use rappel_aws::wiring;
use rappel_aws_tests::aws::spawn_aws_app;
use rappel_testkit::CallsApi;
use rappel_testkit::fixtures::LEA_MAIL;
use serde_json::{Value, json};

const BOUNCE: &str = include_str!("../../../../infra/events/ses-bounce.json");
const NOTIFICATIONS: &str = include_str!("../../../../infra/events/sns-mail-events.json");

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_bounce_reported_by_ses_stops_email_to_that_address_on_aws() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone.clone()).await;
    let id = app.book_friday_10am(&lea).await;
    assert_eq!(app.emails_to(LEA_MAIL).await.len(), 1, "the confirmation");
    let tags = app.email_tags();
    assert!(!tags.is_empty());
    assert!(
        tags.iter().any(
            |t| t.contains(&("rappel-recipient".to_owned(), format!("client.{lea}")))
                && t.contains(&("rappel-tenant".to_owned(), app.tenant.clone()))
                && t.contains(&("rappel-kind".to_owned(), "confirmation".to_owned()))
        ),
        "{tags:?}"
    );

    // SES's bounce record for that message, as the configuration set publishes it (tags
    // included), in the SNS notification Lambda receives.
    let mut record: Value = serde_json::from_str(BOUNCE).unwrap();
    record["mail"]["tags"]["rappel-tenant"] = json!([app.tenant]);
    record["mail"]["tags"]["rappel-recipient"] = json!([format!("client.{lea}")]);
    let mut event: SnsEvent = serde_json::from_str(NOTIFICATIONS).unwrap();
    event.records.truncate(1);
    event.records[0].sns.message = record.to_string();
    let services = wiring::feedback_services(&app.sdk, &app.resources.env())
        .expect("the feedback function composes");
    let outcomes =
        rappel_feedback::function_handler(LambdaEvent::new(event, Context::default()), &services)
            .await
            .expect("recorded in DynamoDB");
    assert_eq!(outcomes, vec!["marked"]);

    let moved = app
        .patch(
            &format!("/v1/appointments/{id}"),
            json!({"start": "2026-03-27T11:00:00+01:00", "actor": "client"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    app.pump_stream().await;
    assert_eq!(
        app.emails_to(LEA_MAIL).await.len(),
        1,
        "no e-mail to the dead address"
    );
    assert_eq!(app.sms_to(&app.phone).await.len(), 2, "the SMS still goes");
    let history = app.communications(&lea).await;
    assert!(
        history
            .iter()
            .any(|c| c["status"] == "suppressed" && c["reason"] == "email_bounced"),
        "{history:#?}"
    );
    assert!(history.iter().any(|c| c["status"] == "bounced"));
}

const DELIVERY: &str = include_str!("../../../../infra/events/ses-delivery.json");

/// SES's record of `kind` about the e-mail whose tags are `tags` (as moto recorded them
/// with the message), in the SNS notification Lambda receives.
fn notification(document: &str, tags: &[(String, String)]) -> SnsEvent {
    let mut record: Value = serde_json::from_str(document).unwrap();
    for (name, value) in tags {
        record["mail"]["tags"][name] = json!([value]);
    }
    let mut event: SnsEvent = serde_json::from_str(NOTIFICATIONS).unwrap();
    event.records.truncate(1);
    event.records[0].sns.message = record.to_string();
    event
}

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_delivery_then_a_bounce_reported_by_ses_are_recorded_against_their_reminder_on_aws() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    let lea = app.create_lea(&app.phone.clone()).await;
    let id = app.book_friday_10am(&lea).await;
    app.advance_to("2026-03-26T10:00:00Z").await;
    // The tags SES received with the reminder (its key among them).
    let tags = app
        .email_tags()
        .into_iter()
        .find(|t| t.contains(&("rappel-kind".to_owned(), "reminder".to_owned())))
        .expect("the reminder went out through SES");
    assert!(
        tags.iter().any(|(name, _)| name == "rappel-key"),
        "{tags:?}"
    );
    let services = wiring::feedback_services(&app.sdk, &app.resources.env())
        .expect("the feedback function composes");
    let handle = |document: &'static str| {
        let event = notification(document, &tags);
        let services = services.clone();
        async move {
            rappel_feedback::function_handler(
                LambdaEvent::new(event, Context::default()),
                &services,
            )
            .await
            .expect("recorded in DynamoDB")
        }
    };
    assert_eq!(handle(DELIVERY).await, vec!["recorded"]);
    let status = |body: Value| {
        body["notifications"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|n| n["kind"] == "reminder" && n["channel"] == "email")
            .map(|n| n["status"].clone())
    };
    let path = format!("/v1/appointments/{id}/notifications");
    assert_eq!(status(app.get(&path).await.body), Some(json!("delivered")));

    assert_eq!(handle(BOUNCE).await, vec!["marked"]);
    assert_eq!(status(app.get(&path).await.body), Some(json!("bounced")));
    let history = app.communications(&lea).await;
    let key_of = |wanted: &str| {
        history
            .iter()
            .find(|c| c["kind"] == "reminder" && c["channel"] == "email" && c["status"] == wanted)
            .map(|c| c["message_key"].clone())
    };
    assert!(key_of("sent").is_some(), "{history:#?}");
    assert_eq!(key_of("delivered"), key_of("sent"));
    assert_eq!(key_of("bounced"), key_of("sent"));
}
