//! # rappel-inbound-sms
//!
//! The subscriber of the two-way number's SNS topic: AWS End User Messaging SMS publishes
//! each text a client sends to the deployment's two-way number there. Each one is taken by
//! the same use case as the local stack's `/_local/sms-reply`
//! ([`rappel_app::commands::sms_reply`]). An unreadable notification is logged and skipped (a
//! retry cannot make it readable); a store that fails makes the invocation fail, so Lambda
//! retries it (SNS invokes asynchronously; a reply already taken is claimed, never taken
//! twice), then sends it to the function's failure queue.

use aws_lambda_events::event::sns::SnsEvent;
use lambda_runtime::{Diagnostic, LambdaEvent};
use rappel_app::commands::sms_reply::{ReplyError, ReplyServices, take_sms_reply};
use rappel_core::replies::parse_two_way_sms;

/// CloudWatch metric: texts taken, by `Outcome` (stopped, started, help, confirmed,
/// cancelled, to_business, clarified, nothing_to_answer, unknown, duplicate, unreadable).
pub const REPLIES_METRIC: &str = "SmsReplies";

#[derive(Debug, thiserror::Error)]
#[error("a text could not be taken: {0}")]
pub struct InboundSmsError(#[from] ReplyError);

impl From<InboundSmsError> for Diagnostic {
    fn from(error: InboundSmsError) -> Self {
        Diagnostic {
            error_type: "Rappel.SmsReplyNotTaken".into(),
            error_message: error.to_string(),
        }
    }
}

pub async fn function_handler(
    event: LambdaEvent<SnsEvent>,
    services: &ReplyServices,
) -> Result<Vec<&'static str>, InboundSmsError> {
    let mut outcomes = Vec::new();
    for record in &event.payload.records {
        let outcome = match parse_two_way_sms(&record.sns.message) {
            Ok(sms) => take_sms_reply(services, &sms).await?.as_str(),
            Err(_) => {
                // No detail: the payload quotes the client's number and text.
                tracing::error!(message_id = %record.sns.message_id, "unreadable inbound SMS skipped");
                "unreadable"
            }
        };
        metrics::counter!(REPLIES_METRIC, "Outcome" => outcome).increment(1);
        outcomes.push(outcome);
    }
    Ok(outcomes)
}
