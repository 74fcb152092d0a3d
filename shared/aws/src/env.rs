//! The environment a function is configured by, read once at cold start. Every variable has a
//! name constant here, and each function's list says which it reads, so the SAM template can be
//! checked against the code.

use std::collections::HashMap;

/// DynamoDB table of the business records (streamed to the change handler).
pub const RECORDS_TABLE: &str = "RAPPEL_RECORDS_TABLE";
/// DynamoDB table of the delivery ledger, communication history and delivery events (its
/// stream, filtered to the events, feeds the publish function).
pub const DELIVERIES_TABLE: &str = "RAPPEL_DELIVERIES_TABLE";
/// The EventBridge bus every delivery event is published on (the deployment's own).
pub const EVENT_BUS_NAME: &str = "RAPPEL_EVENT_BUS_NAME";
/// URL of the webhook retry queue: an endpoint's next run, delayed (up to 15 minutes) or
/// brought by a one-shot schedule.
pub const WEBHOOK_RETRY_QUEUE_URL: &str = "RAPPEL_WEBHOOK_RETRY_QUEUE_URL";
/// ARN of the webhook retry queue, the target of the retries' schedules.
pub const WEBHOOK_RETRY_QUEUE_ARN: &str = "RAPPEL_WEBHOOK_RETRY_QUEUE_ARN";
/// The EventBridge Scheduler group every one-shot schedule is created in.
pub const SCHEDULE_GROUP: &str = "RAPPEL_SCHEDULE_GROUP";
/// ARN of the send queue, the schedules' target.
pub const SEND_QUEUE_ARN: &str = "RAPPEL_SEND_QUEUE_ARN";
/// URL of the send queue, where the change handler puts the messages due now.
pub const SEND_QUEUE_URL: &str = "RAPPEL_SEND_QUEUE_URL";
/// ARN of the bulk lane's send queue, the target of the schedules of messages that can wait
/// (digests, re-engagement, billing, offers), and how the send function tells its batches.
pub const BULK_SEND_QUEUE_ARN: &str = "RAPPEL_BULK_SEND_QUEUE_ARN";
/// URL of the bulk lane's send queue.
pub const BULK_SEND_QUEUE_URL: &str = "RAPPEL_BULK_SEND_QUEUE_URL";
/// URL of the re-plan queue, where a change affecting many subjects puts its re-plan steps
/// (and the re-plan function the steps that follow).
pub const REPLAN_QUEUE_URL: &str = "RAPPEL_REPLAN_QUEUE_URL";
/// URL of the erasure queue, where `DELETE /v1/clients/{id}` wakes a client's erasure job
/// (and the erase function its next step).
pub const ERASURE_QUEUE_URL: &str = "RAPPEL_ERASURE_QUEUE_URL";
/// Messages per second the send function may send, all its copies together (SES and SNS
/// account rates).
pub const SEND_RATE_PER_SECOND: &str = "RAPPEL_SEND_RATE_PER_SECOND";
/// How many copies of the send function the queue's event source mapping runs at most.
pub const SEND_CONCURRENCY: &str = "RAPPEL_SEND_CONCURRENCY";
/// The bulk lane's share of the providers' rates: messages per second per provider, all the
/// copies that consume the bulk queue together.
pub const BULK_SEND_RATE_PER_SECOND: &str = "RAPPEL_BULK_SEND_RATE_PER_SECOND";
/// How many copies of the send function the bulk queue's event source mapping runs at most.
pub const BULK_SEND_CONCURRENCY: &str = "RAPPEL_BULK_SEND_CONCURRENCY";
/// ARN of the role EventBridge Scheduler assumes to put a firing on the send queue.
pub const SCHEDULER_ROLE_ARN: &str = "RAPPEL_SCHEDULER_ROLE_ARN";
/// ARN of the SQS queue that receives the inputs of schedules that failed all their retries.
pub const SCHEDULER_DLQ_ARN: &str = "RAPPEL_SCHEDULER_DLQ_ARN";
/// The verified SES identity every e-mail is sent from.
pub const SENDER_EMAIL: &str = "RAPPEL_SENDER_EMAIL";
/// The SES configuration set (event publishing: bounces, complaints, deliveries).
pub const SES_CONFIGURATION_SET: &str = "RAPPEL_SES_CONFIGURATION_SET";
/// The SMS sender ID (alphanumeric, where the destination country allows it); empty for none.
pub const SMS_SENDER_ID: &str = "RAPPEL_SMS_SENDER_ID";
/// The two-way number SMS leave from (E.164, an AWS End User Messaging SMS number with
/// two-way messaging to the inbound topic); empty: none — SMS leave under the sender ID and
/// cannot be answered.
pub const SMS_TWO_WAY_NUMBER: &str = "RAPPEL_SMS_TWO_WAY_NUMBER";
/// The deployment's pseudonym key (at least 32 bytes, never rotated): what address marks and
/// SMS STOPs are kept under — an address's keyed hash — so they outlive a client's erasure
/// without the address. Set by the template from a generated secret.
pub const PSEUDONYM_KEY: &str = "RAPPEL_PSEUDONYM_KEY";
/// How a marketing SMS says it can be stopped ("STOP au 36111"); empty: "reply STOP".
pub const SMS_OPT_OUT: &str = "RAPPEL_SMS_OPT_OUT";
/// Secrets Manager ARN or name of the key that signs cancel / reschedule links.
pub const LINK_SECRET_ID: &str = "RAPPEL_LINK_SECRET_ID";
/// Base URL of the signed links in messages.
pub const LINK_BASE_URL: &str = "RAPPEL_LINK_BASE_URL";
/// The JWT claim that carries the tenant (set by the API's JWT authorizer).
pub const TENANT_CLAIM: &str = "RAPPEL_TENANT_CLAIM";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    #[error("environment variable {name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("the secret named by {name} could not be read: {reason}")]
    Secret { name: &'static str, reason: String },
}

/// A snapshot of the variables (the process environment, or given pairs in tests).
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

impl Env {
    pub fn from_process() -> Self {
        Self {
            vars: std::env::vars().collect(),
        }
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// Every variable, sorted by name.
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        let mut pairs: Vec<_> = self
            .vars
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.sort();
        pairs
    }

    /// A variable that must be set and not blank.
    pub fn required(&self, name: &'static str) -> Result<&str, ConfigError> {
        match self.vars.get(name).map(|v| v.trim()) {
            Some(value) if !value.is_empty() => Ok(value),
            _ => Err(ConfigError::Missing(name)),
        }
    }

    /// A variable that must be declared (so the template cannot forget it) but may be empty.
    pub fn declared(&self, name: &'static str) -> Result<Option<&str>, ConfigError> {
        match self.vars.get(name).map(|v| v.trim()) {
            Some("") => Ok(None),
            Some(value) => Ok(Some(value)),
            None => Err(ConfigError::Missing(name)),
        }
    }

    /// A variable with a default.
    pub fn or_default<'a>(&'a self, name: &'static str, default: &'a str) -> &'a str {
        match self.vars.get(name).map(|v| v.trim()) {
            Some(value) if !value.is_empty() => value,
            _ => default,
        }
    }
}
