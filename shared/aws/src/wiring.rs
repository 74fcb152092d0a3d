//! What each Lambda function is made of: the AWS adapters for the ports it uses, and the
//! environment variables it reads (the SAM template is checked against these lists).

use crate::dynamodb::{
    DynamoAddressMarks, DynamoCredentials, DynamoEventLog, DynamoHistory, DynamoIdempotency,
    DynamoLedger, DynamoProgress, DynamoRecords, DynamoSmsReplies, DynamoUsage, DynamoWebhooks,
};
use crate::env::*;
use crate::event_bus::EventBridgeBus;
use crate::scheduler::{EventBridgeSchedules, ScheduleTarget};
use crate::secret::LinkKeys;
use crate::ses::SesMailer;
use crate::ses_domains::SesSendingDomains;
use crate::sns::SnsSms;
use crate::sqs::{SqsQueue, SqsSendLanes};
use crate::webhook_retries::{MAX_QUEUE_DELAY_SECONDS, QueuedWebhookRetries, ScheduledRetries};
use aws_types::SdkConfig;
use rappel_app::commands::sms_reply::ReplyServices;
use rappel_app::erasure::ErasureServices;
use rappel_app::feedback::FeedbackServices;
use rappel_app::webhooks::WebhookDispatch;
use rappel_app::{ApiServices, DeliveryServices, ReactionServices, TwoWaySms};
use rappel_core::model::{EmailAddress, PhoneNumber};
use rappel_core::privacy::Pseudonyms;
use rappel_core::render::{LinkSigner, SenderIdentity};
use rappel_ports::clock::Clock;
use rappel_ports::webhooks::WebhookPoster;
use std::sync::Arc;

/// The HTTP API function's variables.
/// The sender's address and SMS opt-out wording: a template preview composes as the send
/// function does; its test goes out through the send queue.
pub const API_ENV: &[&str] = &[
    RECORDS_TABLE,
    DELIVERIES_TABLE,
    TENANT_CLAIM,
    SENDER_EMAIL,
    SMS_OPT_OUT,
    SMS_TWO_WAY_NUMBER,
    SEND_QUEUE_URL,
    BULK_SEND_QUEUE_URL,
    WEBHOOK_RETRY_QUEUE_URL,
    ERASURE_QUEUE_URL,
];
/// The public link routes (served by the API function): the link keys and base URL.
pub const LINKS_ENV: &[&str] = &[LINK_SECRET_ID, LINK_BASE_URL];
/// What the single delivery path reads (the send function): the send queue too, for the
/// settle request of a message whose `sent` the ledger could not record.
pub const SEND_ENV: &[&str] = &[
    RECORDS_TABLE,
    DELIVERIES_TABLE,
    SENDER_EMAIL,
    SES_CONFIGURATION_SET,
    SMS_OPT_OUT,
    SMS_SENDER_ID,
    SMS_TWO_WAY_NUMBER,
    LINK_SECRET_ID,
    LINK_BASE_URL,
    SEND_QUEUE_URL,
    BULK_SEND_QUEUE_URL,
];
/// What the inbound SMS function reads: the records a reply acts on, the deliveries table
/// (texts, stops, history, the reply's claim), the send queue (its answer) and the two-way
/// number it answers for.
pub const INBOUND_SMS_ENV: &[&str] = &[
    RECORDS_TABLE,
    DELIVERIES_TABLE,
    SEND_QUEUE_URL,
    BULK_SEND_QUEUE_URL,
    SMS_TWO_WAY_NUMBER,
];
/// What the feedback function reads: the deliveries table (address marks and history).
pub const FEEDBACK_ENV: &[&str] = &[DELIVERIES_TABLE];
/// What the erase function reads: the records and the deliveries table it deletes from, the
/// erasure queue (its next step) and the two-way number (the texts sent from it).
pub const ERASE_ENV: &[&str] = &[
    RECORDS_TABLE,
    DELIVERIES_TABLE,
    ERASURE_QUEUE_URL,
    SMS_TWO_WAY_NUMBER,
];
/// What the functions that keep or check a refusal read (marks, STOPs): the pseudonym key.
pub const PSEUDONYM_ENV: &[&str] = &[PSEUDONYM_KEY];
/// What the integrators' key authorizer reads: the deliveries table (keys and grants).
pub const AUTHORIZER_ENV: &[&str] = &[DELIVERIES_TABLE];
/// The send function's lanes: each lane's pace (rate shared by its copies), and the bulk
/// queue's ARN that tells a bulk batch.
pub const PACE_ENV: &[&str] = &[
    SEND_RATE_PER_SECOND,
    SEND_CONCURRENCY,
    BULK_SEND_RATE_PER_SECOND,
    BULK_SEND_CONCURRENCY,
    BULK_SEND_QUEUE_ARN,
];
/// Where a schedule fires: read by the change handler and the re-plan function (the messages
/// they plan) and by the send function (a message its business's send cap held back). The
/// bulk queue's ARN is the send function's already ([`PACE_ENV`]).
pub const SCHEDULE_TARGET_ENV: &[&str] = &[
    SCHEDULE_GROUP,
    SEND_QUEUE_ARN,
    SCHEDULER_ROLE_ARN,
    SCHEDULER_DLQ_ARN,
];
/// What the change handler reads: the records it plans from, the scheduler, the send queue,
/// and the re-plan queue and progress (the deliveries table) of the jobs it begins. The
/// re-plan function, which runs the jobs' steps, reads the same.
pub const CHANGE_ENV: &[&str] = &[
    RECORDS_TABLE,
    DELIVERIES_TABLE,
    SEND_QUEUE_URL,
    BULK_SEND_QUEUE_ARN,
    BULK_SEND_QUEUE_URL,
    REPLAN_QUEUE_URL,
];

/// What the publish function reads: the deliveries table (events, endpoints), the bus, and
/// where an endpoint's next run goes (the retry queue, and the schedules that feed it).
pub const PUBLISH_ENV: &[&str] = &[
    DELIVERIES_TABLE,
    EVENT_BUS_NAME,
    WEBHOOK_RETRY_QUEUE_URL,
    WEBHOOK_RETRY_QUEUE_ARN,
    SCHEDULE_GROUP,
    SCHEDULER_ROLE_ARN,
    SCHEDULER_DLQ_ARN,
];

/// Each function's binary (its crate under `functions/`) and the groups of variables it
/// reads: what the SAM template must set (checked by `tests/aws/tests/lambda/template_sync.rs`).
pub const FUNCTION_ENV: &[(&str, &[&[&str]])] = &[
    ("rappel-api", &[API_ENV, LINKS_ENV, PSEUDONYM_ENV]),
    ("rappel-change-handler", &[CHANGE_ENV, SCHEDULE_TARGET_ENV]),
    ("rappel-replan", &[CHANGE_ENV, SCHEDULE_TARGET_ENV]),
    (
        "rappel-send",
        &[SEND_ENV, PACE_ENV, SCHEDULE_TARGET_ENV, PSEUDONYM_ENV],
    ),
    ("rappel-feedback", &[FEEDBACK_ENV, PSEUDONYM_ENV]),
    ("rappel-authorizer", &[AUTHORIZER_ENV]),
    ("rappel-publish", &[PUBLISH_ENV]),
    ("rappel-inbound-sms", &[INBOUND_SMS_ENV, PSEUDONYM_ENV]),
    ("rappel-erase", &[ERASE_ENV]),
];

/// Every variable one function reads (empty for an unknown binary).
pub fn variables_of(binary: &str) -> Vec<&'static str> {
    FUNCTION_ENV
        .iter()
        .filter(|(name, _)| *name == binary)
        .flat_map(|(_, groups)| groups.iter().flat_map(|group| group.iter().copied()))
        .collect()
}

/// The platform's sender address and the SMS opt-out wording, from the environment.
fn sender_identity(env: &Env) -> Result<SenderIdentity, ConfigError> {
    let address =
        EmailAddress::parse(env.required(SENDER_EMAIL)?).map_err(|e| ConfigError::Invalid {
            name: SENDER_EMAIL,
            reason: e.to_string(),
        })?;
    Ok(SenderIdentity {
        address,
        sms_opt_out: env.declared(SMS_OPT_OUT)?.map(str::to_owned),
        two_way_sms: two_way_number(env)?.is_some(),
    })
}

/// The two-way number SMS leave from, if the deployment has one (checked for its E.164 form:
/// the full check would load the numbering metadata at every cold start).
fn two_way_number(env: &Env) -> Result<Option<PhoneNumber>, ConfigError> {
    env.declared(SMS_TWO_WAY_NUMBER)?
        .map(|raw| {
            PhoneNumber::configured_e164(raw).map_err(|e| ConfigError::Invalid {
                name: SMS_TWO_WAY_NUMBER,
                reason: e.to_string(),
            })
        })
        .transpose()
}

pub fn api_services(
    sdk: &SdkConfig,
    env: &Env,
    clock: Arc<dyn Clock>,
) -> Result<ApiServices, ConfigError> {
    let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
    let deliveries = env.required(DELIVERIES_TABLE)?;
    Ok(ApiServices {
        records: Arc::new(DynamoRecords::new(
            dynamodb.clone(),
            env.required(RECORDS_TABLE)?,
        )),
        ledger: Arc::new(DynamoLedger::new(dynamodb.clone(), deliveries)),
        history: Arc::new(DynamoHistory::new(dynamodb.clone(), deliveries)),
        clock: clock.clone(),
        progress: Arc::new(DynamoProgress::new(dynamodb.clone(), deliveries)),
        idempotency: Arc::new(DynamoIdempotency::new(dynamodb.clone(), deliveries)),
        sender: sender_identity(env)?,
        send_queue: Arc::new(SqsSendLanes::new(
            aws_sdk_sqs::Client::new(sdk),
            env.required(SEND_QUEUE_URL)?,
            env.required(BULK_SEND_QUEUE_URL)?,
        )),
        usage: Arc::new(DynamoUsage::new(dynamodb.clone(), deliveries)),
        domains: Arc::new(SesSendingDomains::new(
            aws_sdk_sesv2::Client::new(sdk),
            dynamodb.clone(),
            deliveries,
        )),
        events: Arc::new(DynamoEventLog::new(dynamodb.clone(), deliveries)),
        webhooks: Arc::new(DynamoWebhooks::new(dynamodb, deliveries)),
        // An endpoint enabled again runs at once, through the retry queue.
        webhook_retries: Arc::new(QueuedWebhookRetries {
            sqs: aws_sdk_sqs::Client::new(sdk),
            queue_url: env.required(WEBHOOK_RETRY_QUEUE_URL)?.to_owned(),
            later: None,
            clock: clock.clone(),
            queue_delay_up_to: MAX_QUEUE_DELAY_SECONDS,
        }),
        loopback_webhooks: false,
        marks: Arc::new(DynamoAddressMarks::new(
            aws_sdk_dynamodb::Client::new(sdk),
            deliveries,
        )),
        two_way: two_way_number(env)?.map(|number| TwoWaySms {
            number,
            replies: Arc::new(DynamoSmsReplies::new(
                aws_sdk_dynamodb::Client::new(sdk),
                deliveries,
            )),
        }),
        erasures: Arc::new(SqsQueue::new(
            aws_sdk_sqs::Client::new(sdk),
            env.required(ERASURE_QUEUE_URL)?,
        )),
        pseudonyms: pseudonyms(env)?,
        // What a provider delivered is in the recipients' own mailboxes.
        mailboxes: None,
    })
}

/// The erase function's ports: the records and the deliveries table's history, ledger, marks
/// and texts it deletes from, and the erasure queue its steps follow each other on.
pub fn erasure_services(
    sdk: &SdkConfig,
    env: &Env,
    clock: Arc<dyn Clock>,
) -> Result<ErasureServices, ConfigError> {
    let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
    let deliveries = env.required(DELIVERIES_TABLE)?;
    Ok(ErasureServices {
        records: Arc::new(DynamoRecords::new(
            dynamodb.clone(),
            env.required(RECORDS_TABLE)?,
        )),
        history: Arc::new(DynamoHistory::new(dynamodb.clone(), deliveries)),
        ledger: Arc::new(DynamoLedger::new(dynamodb.clone(), deliveries)),
        marks: Arc::new(DynamoAddressMarks::new(dynamodb.clone(), deliveries)),
        two_way: two_way_number(env)?.map(|number| TwoWaySms {
            number,
            replies: Arc::new(DynamoSmsReplies::new(dynamodb, deliveries)),
        }),
        queue: Arc::new(SqsQueue::new(
            aws_sdk_sqs::Client::new(sdk),
            env.required(ERASURE_QUEUE_URL)?,
        )),
        clock,
    })
}

/// The link keys and base URL of the public link routes (the key from Secrets Manager).
pub async fn link_keys(sdk: &SdkConfig, env: &Env) -> Result<LinkSigner, ConfigError> {
    lazy_link_keys(sdk, env)?.get().await.cloned()
}

/// The link keys, to be read once per container when first needed (or prefetched): the
/// variables are checked now, the secret is not read yet.
pub fn lazy_link_keys(sdk: &SdkConfig, env: &Env) -> Result<LinkKeys, ConfigError> {
    let base = link_base_url(env)?;
    let secret_id = env.required(LINK_SECRET_ID)?;
    let secrets = aws_sdk_secretsmanager::Client::new(sdk);
    Ok(LinkKeys::new(secrets, secret_id, base))
}

/// The base of the links put in messages, checked at cold start: every link ever mailed is
/// built on it, so a wrong one is refused before anything is sent — `https://`, a host, and
/// the `/links` path the API serves them under (`https://rappel.example.com/links`), with no
/// query, fragment or trailing slash.
pub fn link_base_url(env: &Env) -> Result<&str, ConfigError> {
    let base = env.required(LINK_BASE_URL)?;
    let invalid = |reason: &str| ConfigError::Invalid {
        name: LINK_BASE_URL,
        reason: format!("{reason} (e.g. https://rappel.example.com/links)"),
    };
    let rest = base
        .strip_prefix("https://")
        .ok_or_else(|| invalid("links are served over https"))?;
    let host = rest.split('/').next().unwrap_or_default();
    let host_ok = host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if !host_ok {
        return Err(invalid("it must name a host"));
    }
    if base.contains(['?', '#', ' ']) || !base.ends_with("/links") {
        return Err(invalid(
            "it must end with the /links path, without query or fragment",
        ));
    }
    Ok(base)
}

/// The feedback function's ports: the address marks, the history and the ledger (a
/// message's provider outcome).
pub fn feedback_services(sdk: &SdkConfig, env: &Env) -> Result<FeedbackServices, ConfigError> {
    let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
    let deliveries = env.required(DELIVERIES_TABLE)?;
    Ok(FeedbackServices {
        marks: Arc::new(DynamoAddressMarks::new(dynamodb.clone(), deliveries)),
        history: Arc::new(DynamoHistory::new(dynamodb.clone(), deliveries)),
        ledger: Arc::new(DynamoLedger::new(dynamodb, deliveries)),
        pseudonyms: pseudonyms(env)?,
    })
}

/// The deployment's pseudonym key, refused at cold start when missing or too short.
pub fn pseudonyms(env: &Env) -> Result<Pseudonyms, ConfigError> {
    Pseudonyms::new(env.required(PSEUDONYM_KEY)?.as_bytes()).map_err(|e| ConfigError::Invalid {
        name: PSEUDONYM_KEY,
        reason: e.to_string(),
    })
}

/// The inbound SMS function's ports: a reply acts through the records and the history, is
/// claimed in the ledger, answered through the send queue, read against the texts of the
/// deployment's two-way number.
pub fn reply_services(
    sdk: &SdkConfig,
    env: &Env,
    clock: Arc<dyn Clock>,
) -> Result<ReplyServices, ConfigError> {
    let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
    let deliveries = env.required(DELIVERIES_TABLE)?;
    let number = two_way_number(env)?.ok_or(ConfigError::Missing(SMS_TWO_WAY_NUMBER))?;
    Ok(ReplyServices {
        records: Arc::new(DynamoRecords::new(
            dynamodb.clone(),
            env.required(RECORDS_TABLE)?,
        )),
        history: Arc::new(DynamoHistory::new(dynamodb.clone(), deliveries)),
        ledger: Arc::new(DynamoLedger::new(dynamodb.clone(), deliveries)),
        clock,
        send_queue: Arc::new(SqsSendLanes::new(
            aws_sdk_sqs::Client::new(sdk),
            env.required(SEND_QUEUE_URL)?,
            env.required(BULK_SEND_QUEUE_URL)?,
        )),
        two_way: TwoWaySms {
            number,
            replies: Arc::new(DynamoSmsReplies::new(dynamodb, deliveries)),
        },
        pseudonyms: pseudonyms(env)?,
    })
}

/// The authorizer's store of integrators' keys and grants.
pub fn credentials(sdk: &SdkConfig, env: &Env) -> Result<DynamoCredentials, ConfigError> {
    Ok(credentials_in(sdk, env.required(DELIVERIES_TABLE)?))
}

/// The keys and grants in `table` (the operator's `rappel-keys`).
pub fn credentials_in(sdk: &SdkConfig, table: &str) -> DynamoCredentials {
    DynamoCredentials::new(aws_sdk_dynamodb::Client::new(sdk), table)
}

/// The records in `table` (the operator's kill switch in `rappel-keys`).
pub fn records_in(sdk: &SdkConfig, table: &str) -> DynamoRecords {
    DynamoRecords::new(aws_sdk_dynamodb::Client::new(sdk), table)
}

/// The JWT claim the API reads the tenant from.
pub fn tenant_claim(env: &Env) -> Result<String, ConfigError> {
    env.required(TENANT_CLAIM).map(str::to_owned)
}

/// The send function's services for the container's life, built on the first batch once
/// the link keys are read (their read prefetched at cold start).
pub struct DeliveryOnce {
    parts: DeliveryParts,
    services: tokio::sync::OnceCell<DeliveryServices>,
}

impl DeliveryOnce {
    pub fn new(parts: DeliveryParts) -> Self {
        Self {
            parts,
            services: tokio::sync::OnceCell::new(),
        }
    }

    /// Starts reading the link keys without waiting for them.
    pub fn prefetch(&self) {
        self.parts.links.prefetch();
    }

    pub async fn get(&self) -> Result<&DeliveryServices, ConfigError> {
        self.services
            .get_or_try_init(|| async {
                let links = self.parts.links.get().await?.clone();
                Ok(self.parts.clone().with_links(links))
            })
            .await
    }
}

/// The send function's ports with the link keys still to read: every variable it reads is
/// checked and every client built here, so a misconfiguration still fails the cold start,
/// while the secret is read when the first batch needs it (or prefetched meanwhile).
#[derive(Clone)]
pub struct DeliveryParts {
    records: DynamoRecords,
    marks: DynamoAddressMarks,
    mailer: SesMailer,
    sms: SnsSms,
    ledger: DynamoLedger,
    history: DynamoHistory,
    usage: DynamoUsage,
    settles: SqsSendLanes,
    held: EventBridgeSchedules,
    two_way: Option<(PhoneNumber, DynamoSmsReplies)>,
    clock: Arc<dyn Clock>,
    sender: SenderIdentity,
    pseudonyms: Pseudonyms,
    pub links: LinkKeys,
}

impl DeliveryParts {
    pub fn compose(sdk: &SdkConfig, env: &Env, clock: Arc<dyn Clock>) -> Result<Self, ConfigError> {
        let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
        let deliveries = env.required(DELIVERIES_TABLE)?;
        let sender = sender_identity(env)?;
        let configuration_set = env.declared(SES_CONFIGURATION_SET)?.map(str::to_owned);
        let sender_id = env.declared(SMS_SENDER_ID)?.map(str::to_owned);
        let links = lazy_link_keys(sdk, env)?;
        let records = env.required(RECORDS_TABLE)?;
        let queue_url = env.required(SEND_QUEUE_URL)?;
        let bulk_queue_url = env.required(BULK_SEND_QUEUE_URL)?;
        let two_way = two_way_number(env)?;
        Ok(Self {
            records: DynamoRecords::new(dynamodb.clone(), records),
            marks: DynamoAddressMarks::new(dynamodb.clone(), deliveries),
            mailer: SesMailer::new(aws_sdk_sesv2::Client::new(sdk), configuration_set),
            sms: SnsSms::new(aws_sdk_sns::Client::new(sdk), sender_id).from_number(two_way.clone()),
            two_way: two_way
                .map(|number| (number, DynamoSmsReplies::new(dynamodb.clone(), deliveries))),
            ledger: DynamoLedger::new(dynamodb.clone(), deliveries),
            history: DynamoHistory::new(dynamodb.clone(), deliveries),
            usage: DynamoUsage::new(dynamodb, deliveries),
            settles: SqsSendLanes::new(aws_sdk_sqs::Client::new(sdk), queue_url, bulk_queue_url),
            held: EventBridgeSchedules::new(
                aws_sdk_scheduler::Client::new(sdk),
                schedule_target(env)?,
            ),
            clock,
            sender,
            pseudonyms: pseudonyms(env)?,
            links,
        })
    }

    /// The services, once the link keys are read.
    pub fn with_links(self, links: LinkSigner) -> DeliveryServices {
        DeliveryServices {
            records: Arc::new(self.records),
            marks: Arc::new(self.marks),
            mailer: Arc::new(self.mailer),
            sms: Arc::new(self.sms),
            ledger: Arc::new(self.ledger),
            history: Arc::new(self.history),
            clock: self.clock,
            sender: self.sender,
            links,
            settles: Arc::new(self.settles),
            // The send function sets each batch's lane pace.
            pace: Arc::new(rappel_ports::delivery::Unpaced),
            usage: Arc::new(self.usage),
            held: Arc::new(self.held),
            two_way: self.two_way.map(|(number, replies)| TwoWaySms {
                number,
                replies: Arc::new(replies),
            }),
            pseudonyms: self.pseudonyms,
        }
    }
}

/// The send function's services, the link keys read now.
pub async fn delivery_services(
    sdk: &SdkConfig,
    env: &Env,
    clock: Arc<dyn Clock>,
) -> Result<DeliveryServices, ConfigError> {
    let parts = DeliveryParts::compose(sdk, env, clock)?;
    let links = parts.links.get().await?.clone();
    Ok(parts.with_links(links))
}

/// A lane's pace: messages per second per provider for all the copies that consume it, and
/// how many copies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LaneRate {
    pub rate: f64,
    pub concurrency: u32,
}

/// The send function's lanes: the urgent lane's rate, the bulk lane's, and the bulk queue's
/// ARN (a batch from it is the bulk lane's).
pub fn send_lanes(env: &Env) -> Result<(LaneRate, LaneRate, String), ConfigError> {
    Ok((
        lane_rate(env, SEND_RATE_PER_SECOND, SEND_CONCURRENCY)?,
        lane_rate(env, BULK_SEND_RATE_PER_SECOND, BULK_SEND_CONCURRENCY)?,
        env.required(BULK_SEND_QUEUE_ARN)?.to_owned(),
    ))
}

fn lane_rate(
    env: &Env,
    rate_name: &'static str,
    concurrency_name: &'static str,
) -> Result<LaneRate, ConfigError> {
    let rate: f64 = env
        .required(rate_name)?
        .parse()
        .ok()
        .filter(|r: &f64| r.is_finite() && *r > 0.0)
        .ok_or_else(|| ConfigError::Invalid {
            name: rate_name,
            reason: "a positive number of messages per second".into(),
        })?;
    let concurrency: u32 = env
        .required(concurrency_name)?
        .parse()
        .ok()
        .filter(|c| *c > 0)
        .ok_or_else(|| ConfigError::Invalid {
            name: concurrency_name,
            reason: "a positive whole number".into(),
        })?;
    Ok(LaneRate { rate, concurrency })
}

/// Where schedules fire: the lanes' queues, through the scheduler's role.
fn schedule_target(env: &Env) -> Result<ScheduleTarget, ConfigError> {
    Ok(ScheduleTarget {
        group: env.required(SCHEDULE_GROUP)?.to_owned(),
        send_queue_arn: env.required(SEND_QUEUE_ARN)?.to_owned(),
        bulk_send_queue_arn: env.required(BULK_SEND_QUEUE_ARN)?.to_owned(),
        role_arn: env.required(SCHEDULER_ROLE_ARN)?.to_owned(),
        dead_letter_arn: env.required(SCHEDULER_DLQ_ARN)?.to_owned(),
        max_retries: ScheduleTarget::DEFAULT_MAX_RETRIES,
        max_event_age_seconds: ScheduleTarget::DEFAULT_MAX_EVENT_AGE_SECONDS,
    })
}

/// The change handler's services, and the re-plan function's: no mail, SMS nor link key —
/// they only plan, schedule, queue and count a job's progress; the history and the ledger are
/// re-stamped by a retention job's steps (the re-plan function's role alone may).
pub fn reaction_services(
    sdk: &SdkConfig,
    env: &Env,
    clock: Arc<dyn Clock>,
) -> Result<ReactionServices, ConfigError> {
    let target = schedule_target(env)?;
    let queue_url = env.required(SEND_QUEUE_URL)?;
    let bulk_queue_url = env.required(BULK_SEND_QUEUE_URL)?;
    let replan_queue_url = env.required(REPLAN_QUEUE_URL)?;
    let records = env.required(RECORDS_TABLE)?;
    let deliveries = env.required(DELIVERIES_TABLE)?;
    let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
    let sqs = aws_sdk_sqs::Client::new(sdk);
    Ok(ReactionServices {
        records: Arc::new(DynamoRecords::new(dynamodb.clone(), records)),
        clock,
        schedules: Arc::new(EventBridgeSchedules::new(
            aws_sdk_scheduler::Client::new(sdk),
            target,
        )),
        queue: Arc::new(SqsSendLanes::new(sqs.clone(), queue_url, bulk_queue_url)),
        replans: Arc::new(SqsQueue::new(sqs, replan_queue_url)),
        progress: Arc::new(DynamoProgress::new(dynamodb.clone(), deliveries)),
        events: Arc::new(DynamoEventLog::new(dynamodb.clone(), deliveries)),
        history: Arc::new(DynamoHistory::new(dynamodb.clone(), deliveries)),
        ledger: Arc::new(DynamoLedger::new(dynamodb, deliveries)),
    })
}

/// The publish function's webhook dispatcher, posting with `poster`.
pub fn webhook_dispatch(
    sdk: &SdkConfig,
    env: &Env,
    clock: Arc<dyn Clock>,
    poster: Arc<dyn WebhookPoster>,
) -> Result<WebhookDispatch, ConfigError> {
    webhook_dispatch_delaying_up_to(sdk, env, clock, poster, MAX_QUEUE_DELAY_SECONDS)
}

/// [`webhook_dispatch`] with retries within `queue_delay_up_to` seconds on the queue, the
/// later ones scheduled.
pub fn webhook_dispatch_delaying_up_to(
    sdk: &SdkConfig,
    env: &Env,
    clock: Arc<dyn Clock>,
    poster: Arc<dyn WebhookPoster>,
    queue_delay_up_to: i64,
) -> Result<WebhookDispatch, ConfigError> {
    let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
    let deliveries = env.required(DELIVERIES_TABLE)?;
    let retries = QueuedWebhookRetries {
        sqs: aws_sdk_sqs::Client::new(sdk),
        queue_url: env.required(WEBHOOK_RETRY_QUEUE_URL)?.to_owned(),
        later: Some(ScheduledRetries {
            scheduler: aws_sdk_scheduler::Client::new(sdk),
            queue_arn: env.required(WEBHOOK_RETRY_QUEUE_ARN)?.to_owned(),
            group: env.required(SCHEDULE_GROUP)?.to_owned(),
            role_arn: env.required(SCHEDULER_ROLE_ARN)?.to_owned(),
            dead_letter_arn: env.required(SCHEDULER_DLQ_ARN)?.to_owned(),
        }),
        clock: clock.clone(),
        queue_delay_up_to,
    };
    Ok(WebhookDispatch {
        events: Arc::new(DynamoEventLog::new(dynamodb.clone(), deliveries)),
        store: Arc::new(DynamoWebhooks::new(dynamodb, deliveries)),
        poster,
        retries: Arc::new(retries),
        clock,
        wall: Arc::new(rappel_ports::clock::SystemClock),
        settle: rappel_core::events::SETTLE_WINDOW,
    })
}

/// The deployment's event bus.
pub fn event_bus(sdk: &SdkConfig, env: &Env) -> Result<EventBridgeBus, ConfigError> {
    Ok(EventBridgeBus::new(
        aws_sdk_eventbridge::Client::new(sdk),
        env.required(EVENT_BUS_NAME)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rappel_ports::clock::SystemClock;

    /// An SDK configuration whose every call is refused at once (nothing listens on port 9).
    async fn unreachable_sdk() -> SdkConfig {
        crate::sdk::load_for_emulator("http://127.0.0.1:9").await
    }

    fn env_with(names: &[&str]) -> Env {
        Env::from_pairs(
            names
                .iter()
                .map(|n| (*n, format!("value-of-{n}")))
                .map(|(n, v)| {
                    // The sender must parse as an address, the link base as one.
                    let v = match n {
                        SENDER_EMAIL => "no-reply@rappel.example".into(),
                        LINK_BASE_URL => "https://rappel.example/links".into(),
                        SMS_TWO_WAY_NUMBER => "+33757990000".into(),
                        PSEUDONYM_KEY => "a-pseudonym-key-of-at-least-32-bytes".into(),
                        _ => v,
                    };
                    (n, v)
                }),
        )
    }

    fn without(list: &[&'static str], missing: &str) -> Vec<&'static str> {
        list.iter().copied().filter(|n| *n != missing).collect()
    }

    #[tokio::test]
    async fn the_api_composes_from_exactly_its_listed_variables() {
        let sdk = unreachable_sdk().await;
        let listed = [API_ENV, PSEUDONYM_ENV].concat();
        assert!(api_services(&sdk, &env_with(&listed), Arc::new(SystemClock)).is_ok());
        assert!(tenant_claim(&env_with(&listed)).is_ok());
        for name in &listed {
            let env = env_with(&without(&listed, name));
            let error = match api_services(&sdk, &env, Arc::new(SystemClock)) {
                Err(e) => e,
                Ok(_) => tenant_claim(&env).expect_err("a missing variable is refused"),
            };
            assert_eq!(error, ConfigError::Missing(name));
        }
    }

    #[tokio::test]
    async fn the_inbound_sms_function_needs_each_listed_variable_and_a_two_way_number() {
        let sdk = unreachable_sdk().await;
        let listed = variables_of("rappel-inbound-sms");
        assert!(reply_services(&sdk, &env_with(&listed), Arc::new(SystemClock)).is_ok());
        for name in &listed {
            let env = env_with(&without(&listed, name));
            let error = reply_services(&sdk, &env, Arc::new(SystemClock)).err();
            assert_eq!(error, Some(ConfigError::Missing(name)));
        }
        let with_number = |number: &str| {
            Env::from_pairs(listed.iter().map(|n| {
                let value = match *n {
                    SMS_TWO_WAY_NUMBER => number.to_owned(),
                    PSEUDONYM_KEY => "a-pseudonym-key-of-at-least-32-bytes".to_owned(),
                    _ => format!("value-of-{n}"),
                };
                (*n, value)
            }))
        };
        // Declared but empty: no two-way number, nothing to answer for.
        let error = reply_services(&sdk, &with_number(""), Arc::new(SystemClock)).err();
        assert_eq!(error, Some(ConfigError::Missing(SMS_TWO_WAY_NUMBER)));
        // Not a number: refused at cold start, by name.
        let error = reply_services(&sdk, &with_number("Rappel"), Arc::new(SystemClock)).err();
        assert!(
            matches!(
                error,
                Some(ConfigError::Invalid {
                    name: SMS_TWO_WAY_NUMBER,
                    ..
                })
            ),
            "{error:?}"
        );
    }

    /// What the send function's services read (its lanes' paces are read apart).
    fn delivery_variables() -> Vec<&'static str> {
        [
            SEND_ENV,
            SCHEDULE_TARGET_ENV,
            &[BULK_SEND_QUEUE_ARN],
            PSEUDONYM_ENV,
        ]
        .concat()
    }

    #[tokio::test]
    async fn the_send_and_change_functions_name_any_missing_variable_of_their_lists() {
        let sdk = unreachable_sdk().await;
        let delivery_env = delivery_variables();
        for name in &delivery_env {
            let env = env_with(&without(&delivery_env, name));
            let error = delivery_services(&sdk, &env, Arc::new(SystemClock))
                .await
                .err();
            assert_eq!(error, Some(ConfigError::Missing(name)));
        }
        let change_handler_env = variables_of("rappel-change-handler");
        for name in &change_handler_env {
            let env = env_with(&without(&change_handler_env, name));
            let error = reaction_services(&sdk, &env, Arc::new(SystemClock)).err();
            assert_eq!(error, Some(ConfigError::Missing(name)));
        }
        for name in PACE_ENV {
            let env = Env::from_pairs(without(PACE_ENV, name).into_iter().map(|n| (n, "2")));
            assert_eq!(send_lanes(&env).err(), Some(ConfigError::Missing(name)));
        }
    }

    #[tokio::test]
    async fn with_every_listed_variable_set_only_the_secret_remains_to_fetch() {
        let sdk = unreachable_sdk().await;
        let send = delivery_services(
            &sdk,
            &env_with(&delivery_variables()),
            Arc::new(SystemClock),
        )
        .await;
        assert!(matches!(send.err(), Some(ConfigError::Secret { .. })));
        let change = reaction_services(
            &sdk,
            &env_with(&variables_of("rappel-change-handler")),
            Arc::new(SystemClock),
        );
        assert!(change.is_ok(), "the change handler reads no secret");
    }

    #[test]
    fn a_missing_or_short_pseudonym_key_is_refused_by_name() {
        assert_eq!(
            pseudonyms(&Env::from_pairs([("OTHER", "x")])).err(),
            Some(ConfigError::Missing(PSEUDONYM_KEY))
        );
        let short = pseudonyms(&Env::from_pairs([(PSEUDONYM_KEY, "too-short")])).err();
        assert!(
            matches!(
                short,
                Some(ConfigError::Invalid {
                    name: PSEUDONYM_KEY,
                    ..
                })
            ),
            "{short:?}"
        );
    }

    #[test]
    fn the_link_base_is_an_https_url_ending_with_the_links_path() {
        let base = |value: &str| {
            link_base_url(&Env::from_pairs([(LINK_BASE_URL, value)])).map(str::to_owned)
        };
        assert!(base("https://rappel.example.com/links").is_ok());
        assert!(base("https://abc123.execute-api.eu-west-3.amazonaws.com/links").is_ok());
        for wrong in [
            "http://rappel.example.com/links",
            "https://rappel.example.com",
            "https://rappel.example.com/links/",
            "https://rappel.example.com/links?x=1",
            "https:///links",
            "rappel.example.com/links",
        ] {
            assert!(
                matches!(base(wrong), Err(ConfigError::Invalid { .. })),
                "{wrong}"
            );
        }
    }

    #[test]
    fn each_lanes_pace_is_a_positive_rate_and_concurrency() {
        let lanes = |rate: &'static str, concurrency: &'static str| {
            Env::from_pairs([
                (SEND_RATE_PER_SECOND, "14"),
                (SEND_CONCURRENCY, "2"),
                (BULK_SEND_RATE_PER_SECOND, rate),
                (BULK_SEND_CONCURRENCY, concurrency),
                (BULK_SEND_QUEUE_ARN, "arn:bulk"),
            ])
        };
        let urgent = LaneRate {
            rate: 14.0,
            concurrency: 2,
        };
        let bulk = LaneRate {
            rate: 4.0,
            concurrency: 1,
        };
        assert_eq!(
            send_lanes(&lanes("4", "1")),
            Ok((urgent, bulk, "arn:bulk".to_owned()))
        );
        for (rate, concurrency) in [("0", "2"), ("-1", "2"), ("x", "2"), ("14", "0")] {
            let error = send_lanes(&lanes(rate, concurrency)).unwrap_err();
            assert!(
                error.to_string().contains("BULK"),
                "{rate} {concurrency}: {error}"
            );
        }
    }
}
