//! The mailer port on SES v2: the whole MIME message (text + HTML alternatives, `invite.ics` as
//! `text/calendar; method=…`, Reply-To, List-Unsubscribe on marketing) is built by the core
//! with `mail-builder` and sent raw, from the configured verified identity, through the
//! configuration set (so bounces and complaints are published).
//!
//! Throttling, 5xx and network failures are retried by the SDK's standard retry strategy
//! (exponential backoff with jitter, see `sdk::load`); what still fails after that is
//! [`SendError::Transient`] (the trigger retries later). A rejection is
//! [`SendError::Permanent`] and is recorded as failed with the reason.

use crate::sdk_error::send_error;
use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, MessageTag, RawMessage};
use chrono::{DateTime, Utc};
use rappel_core::render::OutgoingEmail;
use rappel_ports::delivery::{Mailer, ProviderReceipt, SendError};

/// Error codes that will not change by retrying the same message.
const PERMANENT: [&str; 4] = [
    "MessageRejected",
    "MailFromDomainNotVerifiedException",
    "BadRequestException",
    "InvalidParameterValue",
];

#[derive(Debug, Clone)]
pub struct SesMailer {
    client: Client,
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(client: Client, configuration_set: Option<String>) -> Self {
        Self {
            client,
            configuration_set,
        }
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send_email(
        &self,
        email: &OutgoingEmail,
        now: DateTime<Utc>,
    ) -> Result<ProviderReceipt, SendError> {
        let mime = email.to_mime(now).map_err(|e| {
            SendError::permanent(
                "InvalidMessage",
                format!("the message cannot be written: {e}"),
            )
        })?;
        let raw = RawMessage::builder()
            .data(Blob::new(mime.into_bytes()))
            .build()
            .map_err(|e| SendError::permanent("InvalidMessage", e.to_string()))?;
        let result = self
            .client
            .send_email()
            .from_email_address(email.from.as_str())
            .destination(
                Destination::builder()
                    .to_addresses(email.to.as_str())
                    .build(),
            )
            .content(EmailContent::builder().raw(raw).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .set_email_tags(Some(
                email
                    .tags
                    .iter()
                    .filter_map(|(name, value)| {
                        MessageTag::builder().name(name).value(value).build().ok()
                    })
                    .collect(),
            ))
            .send()
            .await;
        match result {
            Ok(output) => Ok(ProviderReceipt {
                message_id: output.message_id().unwrap_or_default().to_owned(),
            }),
            Err(error) => Err(send_error(&error, &PERMANENT)),
        }
    }
}
