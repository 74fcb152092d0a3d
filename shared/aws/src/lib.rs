//! # rappel-aws — the AWS adapters
//!
//! Every port implemented on an AWS service, plus what a Lambda `main` needs to compose them.
//! SDK types never leave this crate: the rest of the workspace sees the ports only.
//!
//! | module | what |
//! |---|---|
//! | [`dynamodb`] | record store, delivery ledger, communication history (table design in its doc) |
//! | [`stream`] | DynamoDB stream event → the ports' change records |
//! | [`event_stream`] | the deliveries table's stream event → the delivery events it wrote |
//! | [`event_bus`] | the event bus port on EventBridge (`PutEvents`) |
//! | [`webhook_retries`] | an endpoint's next run: an SQS delay, or a one-shot schedule onto that queue |
//! | [`scheduler`] | the schedules port on EventBridge Scheduler |
//! | [`ses`] | the mailer port on SES v2 (raw MIME) |
//! | [`ses_domains`] | a business's own sending domain: claimed in DynamoDB, an Easy DKIM identity on SES v2 |
//! | [`sns`] | the SMS port on SNS (opt-out check, SMS type, sender ID) |
//! | [`sqs`] | the send queue on SQS (the change handler's messages due now) |
//! | [`secret`] | the link-signing key from Secrets Manager |
//! | [`env`] | the environment variables, read once at cold start |
//! | [`metrics`] | CloudWatch embedded metrics: namespace, collector, the runtime loop flushing them |
//! | [`sdk`] | SDK configuration (retries with backoff; emulator endpoint for tests) |
//! | [`sdk_http_client`] | the SDK's HTTP client: HTTP/1.1 only, over [`https`] |
//! | [`https`] | the functions' one HTTPS stack (hyper, HTTP/1.1, rustls on ring, roots compiled in) |
//! | [`wiring`] | each function's services and variable list |
//! | [`sdk_error`] | an SDK error described for logs, without its payload |

pub mod dynamodb;
pub mod env;
pub mod event_bus;
pub mod event_stream;
pub mod https;
pub mod metrics;
pub mod scheduler;
pub mod sdk;
pub mod sdk_error;
pub mod sdk_http_client;
pub mod secret;
pub mod ses;
pub mod ses_domains;
pub mod sns;
pub mod sqs;
pub mod stream;
pub mod webhook_retries;
pub mod wiring;

pub use env::{ConfigError, Env};
