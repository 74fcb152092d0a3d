//! # rappel-feedback
//!
//! The subscriber of the SES configuration set's events topic. Each SNS notification carries
//! one SES event record; a permanent bounce or a complaint marks the tagged recipient's address
//! (later e-mails to it are recorded suppressed, not sent) and is recorded in the history; a
//! transient bounce is counted; the rest is ignored. An unreadable record is logged and
//! skipped (a retry cannot make it readable); a store that fails makes the invocation fail, so
//! Lambda retries it (SNS invokes asynchronously).

use aws_lambda_events::event::sns::SnsEvent;
use lambda_runtime::{Diagnostic, LambdaEvent};
use rappel_app::feedback::{FeedbackError, FeedbackServices, apply_mail_feedback};
use rappel_core::feedback::parse_ses_event;

/// CloudWatch metric: feedback events handled, by `Outcome` (marked, transient, ignored,
/// untraceable, unreadable).
pub const FEEDBACK_METRIC: &str = "MailFeedback";

#[derive(Debug, thiserror::Error)]
#[error("feedback could not be recorded: {0}")]
pub struct FeedbackHandlerError(#[from] FeedbackError);

impl From<FeedbackHandlerError> for Diagnostic {
    fn from(error: FeedbackHandlerError) -> Self {
        Diagnostic {
            error_type: "Rappel.FeedbackStoreUnavailable".into(),
            error_message: error.to_string(),
        }
    }
}

pub async fn function_handler(
    event: LambdaEvent<SnsEvent>,
    services: &FeedbackServices,
) -> Result<Vec<&'static str>, FeedbackHandlerError> {
    let mut outcomes = Vec::new();
    for record in &event.payload.records {
        let outcome = match parse_ses_event(&record.sns.message) {
            Ok(feedback) => apply_mail_feedback(services, &feedback).await?.name(),
            Err(_) => {
                // No detail: the document quotes addresses.
                tracing::error!(message_id = %record.sns.message_id, "unreadable mail event skipped");
                "unreadable"
            }
        };
        metrics::counter!(FEEDBACK_METRIC, "Outcome" => outcome).increment(1);
        tracing::info!(outcome, "mail event handled");
        outcomes.push(outcome);
    }
    Ok(outcomes)
}
