//! The feedback function with SES's own event documents (as AWS documents them, wrapped in the
//! SNS notifications Lambda receives): bounces and complaints mark the address, a delivery and
//! a transient bounce do not; a marked address gets no e-mail from the send function.

use aws_lambda_events::event::sns::SnsEvent;
use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{Context, LambdaEvent};
use rappel_app::feedback::FeedbackServices;
use rappel_aws_tests::handler_fakes::fakes;
use rappel_core::feedback::MarkReason;
use rappel_core::model::{ClientId, EmailAddress, TenantId};
use rappel_ports::delivery::OutboxEntry;
use rappel_send::LanePaces;

const NOTIFICATIONS: &str = include_str!("../../../../infra/events/sns-mail-events.json");
const SEND_BATCH: &str = include_str!("../../../../infra/events/sqs-send-batch.json");

#[tokio::test]
async fn ses_bounce_and_complaint_documents_mark_the_address_and_stop_its_emails() {
    let fakes = fakes().await;
    let services = FeedbackServices {
        marks: fakes.delivery.marks.clone(),
        history: fakes.delivery.history.clone(),
        ledger: fakes.delivery.ledger.clone(),
        pseudonyms: fakes.delivery.pseudonyms.clone(),
    };
    let event: SnsEvent = serde_json::from_str(NOTIFICATIONS).expect("an SNS event");
    let outcomes =
        rappel_feedback::function_handler(LambdaEvent::new(event, Context::default()), &services)
            .await
            .expect("recorded");
    assert_eq!(outcomes, vec!["marked", "marked", "ignored", "transient"]);

    let salon = TenantId::parse("salon-lea").unwrap();
    let lea = services
        .pseudonyms
        .email(&EmailAddress::parse("lea@example.fr").unwrap());
    let mark = services.marks.mark_of(&salon, &lea).await.unwrap();
    assert_eq!(mark.map(|m| m.reason), Some(MarkReason::Complained));
    let history = services
        .history
        .for_client(&salon, &ClientId::parse("cl_lea").unwrap())
        .await
        .unwrap();
    let statuses: Vec<String> = history.iter().map(|h| format!("{:?}", h.status)).collect();
    assert_eq!(statuses, vec!["Bounced", "Complained"]);

    // The queued reminder (e-mail and SMS): the e-mail is suppressed, the SMS goes.
    let batch: SqsEvent = serde_json::from_str(SEND_BATCH).unwrap();
    let response = rappel_send::function_handler(
        LambdaEvent::new(batch, Context::default()),
        &fakes.delivery,
        &LanePaces::unlimited(),
    )
    .await
    .unwrap_or_else(|never| match never {});
    assert!(response.batch_item_failures.is_empty());
    let sent = fakes.outbox.messages();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(matches!(sent[0], OutboxEntry::Sms { .. }));
}

#[tokio::test]
async fn an_unreadable_notification_is_skipped_not_retried() {
    let fakes = fakes().await;
    let services = FeedbackServices {
        marks: fakes.delivery.marks.clone(),
        history: fakes.delivery.history.clone(),
        ledger: fakes.delivery.ledger.clone(),
        pseudonyms: fakes.delivery.pseudonyms.clone(),
    };
    let mut event: SnsEvent = serde_json::from_str(NOTIFICATIONS).unwrap();
    event.records.truncate(1);
    event.records[0].sns.message = "{\"not\": \"ses\"}".into();
    let outcomes =
        rappel_feedback::function_handler(LambdaEvent::new(event, Context::default()), &services)
            .await
            .expect("no error: a retry cannot help");
    assert_eq!(outcomes, vec!["unreadable"]);
}
