//! The SMS port on SNS: the opt-out list is checked before sending (an opted-out number is
//! recorded as suppressed by the delivery path), and each message is published with
//! `AWS.SNS.SMS.SMSType` — Transactional for appointment messages, Promotional for marketing —
//! and the configured sender ID.

use crate::sdk_error::send_error;
use async_trait::async_trait;
use aws_sdk_sns::Client;
use aws_sdk_sns::types::MessageAttributeValue;
use chrono::{DateTime, Utc};
use rappel_core::model::PhoneNumber;
use rappel_core::render::OutgoingSms;
use rappel_ports::delivery::{ProviderReceipt, SendError, SmsSender};

const PERMANENT: [&str; 2] = ["InvalidParameter", "InvalidParameterValue"];

#[derive(Debug, Clone)]
pub struct SnsSms {
    client: Client,
    sender_id: Option<String>,
    two_way_number: Option<PhoneNumber>,
}

impl SnsSms {
    pub fn new(client: Client, sender_id: Option<String>) -> Self {
        Self {
            client,
            sender_id,
            two_way_number: None,
        }
    }

    /// SMS leave from this number (so replies come back to it) instead of the sender ID.
    pub fn from_number(self, two_way_number: Option<PhoneNumber>) -> Self {
        Self {
            two_way_number,
            ..self
        }
    }
}

fn string_attribute(value: &str) -> Result<MessageAttributeValue, SendError> {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .map_err(|e| SendError::permanent("InvalidParameter", e.to_string()))
}

#[async_trait]
impl SmsSender for SnsSms {
    async fn is_opted_out(&self, phone: &PhoneNumber) -> Result<bool, SendError> {
        let output = self
            .client
            .check_if_phone_number_is_opted_out()
            .phone_number(phone.as_str())
            .send()
            .await
            .map_err(|e| send_error(&e, &PERMANENT))?;
        Ok(output.is_opted_out())
    }

    async fn send_sms(
        &self,
        sms: &OutgoingSms,
        _now: DateTime<Utc>,
    ) -> Result<ProviderReceipt, SendError> {
        let sms_type = if sms.transactional {
            "Transactional"
        } else {
            "Promotional"
        };
        let mut request = self
            .client
            .publish()
            .phone_number(sms.to.as_str())
            .message(&sms.text)
            .message_attributes("AWS.SNS.SMS.SMSType", string_attribute(sms_type)?);
        // A reply can only come back to a number: with a two-way number, the SMS leaves from
        // it (a sender ID cannot be answered).
        if let Some(number) = &self.two_way_number {
            request = request.message_attributes(
                "AWS.MM.SMS.OriginationNumber",
                string_attribute(number.as_str())?,
            );
        } else if let Some(sender_id) = &self.sender_id {
            request =
                request.message_attributes("AWS.SNS.SMS.SenderID", string_attribute(sender_id)?);
        }
        let output = request
            .send()
            .await
            .map_err(|e| send_error(&e, &PERMANENT))?;
        Ok(ProviderReceipt {
            message_id: output.message_id().unwrap_or_default().to_owned(),
        })
    }
}
