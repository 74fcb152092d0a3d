//! Creates, on an emulator, the resources the SAM template declares — tables, queues, event bus, schedule group,
//! verified sender identity, configuration set, link-signing secret — under names of one's
//! choosing, and gives the matching environment. The emulator tests use it so each test has its
//! own resources; `src/bin/provision.rs` for a demo by hand. Test-only: no production crate
//! carries it.

use aws_config::SdkConfig;
use rappel_aws::dynamodb::schema::{create_deliveries_table, create_records_table};
use rappel_aws::env::*;
use rappel_aws::sdk_error::describe;

#[derive(Debug, thiserror::Error)]
#[error("could not provision {what}: {reason}")]
pub struct ProvisionError {
    pub what: &'static str,
    pub reason: String,
}

fn fail(what: &'static str) -> impl Fn(String) -> ProvisionError {
    move |reason| ProvisionError { what, reason }
}

/// The names of one deployment's resources.
#[derive(Debug, Clone)]
pub struct Resources {
    pub records_table: String,
    pub deliveries_table: String,
    pub schedule_group: String,
    pub sender_email: String,
    pub configuration_set: String,
    pub link_secret_id: String,
    pub link_base_url: String,
    pub send_queue_name: String,
    pub send_queue_arn: String,
    /// Filled in by [`Resources::create`] (the emulator's URL of the queue).
    pub send_queue_url: String,
    /// The bulk lane's send queue.
    pub bulk_send_queue_name: String,
    pub bulk_send_queue_arn: String,
    /// Filled in by [`Resources::create`].
    pub bulk_send_queue_url: String,
    pub replan_queue_name: String,
    pub erasure_queue_name: String,
    pub erasure_queue_url: String,
    /// Filled in by [`Resources::create`].
    pub replan_queue_url: String,
    /// The webhook retry queue.
    pub webhook_retry_queue_name: String,
    pub webhook_retry_queue_arn: String,
    /// Filled in by [`Resources::create`].
    pub webhook_retry_queue_url: String,
    /// The deployment's event bus.
    pub event_bus_name: String,
    pub scheduler_role_arn: String,
    pub scheduler_dlq_arn: String,
    pub sms_sender_id: String,
    /// A marketing SMS's opt-out wording (empty: the language's "reply STOP").
    pub sms_opt_out: String,
    /// The two-way number SMS leave from; empty: none (SMS leave under the sender ID).
    pub sms_two_way_number: String,
    pub tenant_claim: String,
}

impl Resources {
    /// Every name derived from `prefix` (letters, digits and '-'), so deployments never meet.
    pub fn named(prefix: &str) -> Self {
        let account = "arn:aws:{service}:us-east-1:123456789012";
        let arn = |service: &str, rest: String| {
            format!("{}:{rest}", account.replace("{service}", service))
        };
        Self {
            records_table: format!("{prefix}-records"),
            deliveries_table: format!("{prefix}-deliveries"),
            schedule_group: format!("{prefix}-messages"),
            sender_email: format!("no-reply@{prefix}.rappel.example"),
            configuration_set: format!("{prefix}-mail"),
            link_secret_id: format!("{prefix}/link-signing-key"),
            link_base_url: format!("https://{prefix}.rappel.example/links"),
            send_queue_name: format!("{prefix}-send"),
            send_queue_arn: arn("sqs", format!("{prefix}-send")),
            send_queue_url: String::new(),
            bulk_send_queue_name: format!("{prefix}-send-bulk"),
            bulk_send_queue_arn: arn("sqs", format!("{prefix}-send-bulk")),
            bulk_send_queue_url: String::new(),
            replan_queue_name: format!("{prefix}-replan"),
            erasure_queue_name: format!("{prefix}-erasure"),
            erasure_queue_url: String::new(),
            replan_queue_url: String::new(),
            webhook_retry_queue_name: format!("{prefix}-webhook-retries"),
            webhook_retry_queue_arn: arn("sqs", format!("{prefix}-webhook-retries")),
            webhook_retry_queue_url: String::new(),
            event_bus_name: format!("{prefix}-events"),
            scheduler_role_arn: format!("arn:aws:iam::123456789012:role/{prefix}-scheduler"),
            scheduler_dlq_arn: arn("sqs", format!("{prefix}-schedule-dead-letters")),
            sms_sender_id: "Rappel".into(),
            sms_opt_out: "STOP au 36111".into(),
            sms_two_way_number: String::new(),
            tenant_claim: "tenant_id".into(),
        }
    }

    /// The environment every function of this deployment would get.
    pub fn env(&self) -> Env {
        Env::from_pairs([
            (RECORDS_TABLE, self.records_table.as_str()),
            (DELIVERIES_TABLE, &self.deliveries_table),
            (SCHEDULE_GROUP, &self.schedule_group),
            (SEND_QUEUE_ARN, &self.send_queue_arn),
            (SEND_QUEUE_URL, &self.send_queue_url),
            (BULK_SEND_QUEUE_ARN, &self.bulk_send_queue_arn),
            (BULK_SEND_QUEUE_URL, &self.bulk_send_queue_url),
            (REPLAN_QUEUE_URL, &self.replan_queue_url),
            (ERASURE_QUEUE_URL, &self.erasure_queue_url),
            (WEBHOOK_RETRY_QUEUE_URL, &self.webhook_retry_queue_url),
            (WEBHOOK_RETRY_QUEUE_ARN, &self.webhook_retry_queue_arn),
            (EVENT_BUS_NAME, &self.event_bus_name),
            (SEND_RATE_PER_SECOND, "1000"),
            (SEND_CONCURRENCY, "2"),
            (BULK_SEND_RATE_PER_SECOND, "1000"),
            (BULK_SEND_CONCURRENCY, "1"),
            (SCHEDULER_ROLE_ARN, &self.scheduler_role_arn),
            (SCHEDULER_DLQ_ARN, &self.scheduler_dlq_arn),
            (SENDER_EMAIL, &self.sender_email),
            (SES_CONFIGURATION_SET, &self.configuration_set),
            (SMS_SENDER_ID, &self.sms_sender_id),
            (SMS_OPT_OUT, &self.sms_opt_out),
            (SMS_TWO_WAY_NUMBER, &self.sms_two_way_number),
            (LINK_SECRET_ID, &self.link_secret_id),
            (LINK_BASE_URL, &self.link_base_url),
            (TENANT_CLAIM, &self.tenant_claim),
            (
                PSEUDONYM_KEY,
                "emulated-deployment-pseudonym-key-of-32-bytes",
            ),
        ])
    }

    /// Creates everything; the sender identity is `verified` or left unverified (SES then
    /// rejects every send — how a rejection is exercised).
    pub async fn create(
        &mut self,
        sdk: &SdkConfig,
        link_key: &[u8],
        verified: bool,
    ) -> Result<(), ProvisionError> {
        let sqs = aws_sdk_sqs::Client::new(sdk);
        let queue = sqs
            .create_queue()
            .queue_name(&self.send_queue_name)
            .attributes(
                aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
                "360",
            )
            .send()
            .await
            .map_err(|e| fail("send queue")(describe(&e)))?;
        self.send_queue_url = queue.queue_url().unwrap_or_default().to_owned();
        let bulk = sqs
            .create_queue()
            .queue_name(&self.bulk_send_queue_name)
            .attributes(
                aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
                "360",
            )
            .send()
            .await
            .map_err(|e| fail("bulk send queue")(describe(&e)))?;
        self.bulk_send_queue_url = bulk.queue_url().unwrap_or_default().to_owned();
        let replan = sqs
            .create_queue()
            .queue_name(&self.replan_queue_name)
            .attributes(
                aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
                "720",
            )
            .send()
            .await
            .map_err(|e| fail("re-plan queue")(describe(&e)))?;
        self.replan_queue_url = replan.queue_url().unwrap_or_default().to_owned();
        let erasure = sqs
            .create_queue()
            .queue_name(&self.erasure_queue_name)
            .attributes(
                aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
                "360",
            )
            .send()
            .await
            .map_err(|e| fail("erasure queue")(describe(&e)))?;
        self.erasure_queue_url = erasure.queue_url().unwrap_or_default().to_owned();
        let retries = sqs
            .create_queue()
            .queue_name(&self.webhook_retry_queue_name)
            .attributes(
                aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
                "720",
            )
            .send()
            .await
            .map_err(|e| fail("webhook retry queue")(describe(&e)))?;
        self.webhook_retry_queue_url = retries.queue_url().unwrap_or_default().to_owned();
        aws_sdk_eventbridge::Client::new(sdk)
            .create_event_bus()
            .name(&self.event_bus_name)
            .send()
            .await
            .map_err(|e| fail("event bus")(describe(&e)))?;
        let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
        create_records_table(&dynamodb, &self.records_table)
            .await
            .map_err(|e| fail("records table")(e.reason))?;
        create_deliveries_table(&dynamodb, &self.deliveries_table)
            .await
            .map_err(|e| fail("deliveries table")(e.reason))?;
        aws_sdk_scheduler::Client::new(sdk)
            .create_schedule_group()
            .name(&self.schedule_group)
            .send()
            .await
            .map_err(|e| fail("schedule group")(describe(&e)))?;
        let ses = aws_sdk_sesv2::Client::new(sdk);
        if verified {
            ses.create_email_identity()
                .email_identity(&self.sender_email)
                .send()
                .await
                .map_err(|e| fail("sender identity")(describe(&e)))?;
        }
        ses.create_configuration_set()
            .configuration_set_name(&self.configuration_set)
            .send()
            .await
            .map_err(|e| fail("configuration set")(describe(&e)))?;
        aws_sdk_secretsmanager::Client::new(sdk)
            .create_secret()
            .name(&self.link_secret_id)
            .secret_binary(aws_sdk_secretsmanager::primitives::Blob::new(link_key))
            .send()
            .await
            .map_err(|e| fail("link secret")(describe(&e)))?;
        Ok(())
    }
}
