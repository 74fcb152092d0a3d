//! An inbound SMS as AWS End User Messaging SMS publishes it to a two-way number's SNS topic:
//! `{"originationNumber": the client's number, "destinationNumber": the business's (or the
//! platform's) two-way number, "messageKeyword", "messageBody", "inboundMessageId",
//! "previousPublishedMessageId": the message it answers}`.

use crate::model::PhoneNumber;
use serde::Deserialize;

/// One text a client sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundSms {
    /// Who sent it.
    pub from: PhoneNumber,
    /// The origination identity it was sent to (a two-way number, E.164).
    pub to: String,
    pub body: String,
    /// The provider's id of this inbound message: a delivery of the same one twice is one.
    pub id: String,
    /// The provider's id of the message it answers, when the provider knows it.
    pub replying_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a two-way SMS payload: {0}")]
pub struct UnreadableInboundSms(pub String);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    origination_number: String,
    destination_number: String,
    #[serde(default)]
    message_body: String,
    inbound_message_id: String,
    #[serde(default)]
    previous_published_message_id: Option<String>,
}

/// Parses the `Message` of the SNS notification.
pub fn parse_two_way_sms(json: &str) -> Result<InboundSms, UnreadableInboundSms> {
    let payload: Payload =
        serde_json::from_str(json).map_err(|e| UnreadableInboundSms(e.to_string()))?;
    let from = PhoneNumber::parse(&payload.origination_number)
        .map_err(|_| UnreadableInboundSms("the sender is not an E.164 number".into()))?;
    if payload.inbound_message_id.is_empty() {
        return Err(UnreadableInboundSms("no inbound message id".into()));
    }
    Ok(InboundSms {
        from,
        to: payload.destination_number,
        body: payload.message_body,
        id: payload.inbound_message_id,
        replying_to: payload
            .previous_published_message_id
            .filter(|id| !id.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's documented payload (the two-way SMS page of the End User Messaging SMS guide),
    /// with a French mobile as the sender.
    const PAYLOAD: &str = include_str!("../../../../infra/events/sms-two-way-inbound.json");

    #[test]
    fn the_documented_payload_reads_as_who_to_what_and_what_it_answers() {
        let sms = parse_two_way_sms(PAYLOAD).unwrap();
        assert_eq!(sms.from.as_str(), "+33612345678");
        assert_eq!(sms.to, "+33644600000");
        assert_eq!(sms.body, "Oui");
        assert_eq!(sms.id, "cae173d2-66b9-564c-8309-21f858e9fb84");
        assert_eq!(
            sms.replying_to.as_deref(),
            Some("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        );
    }

    #[test]
    fn a_payload_without_a_sender_number_or_an_id_is_unreadable() {
        assert!(parse_two_way_sms("{}").is_err());
        let no_id = PAYLOAD.replace("cae173d2-66b9-564c-8309-21f858e9fb84", "");
        assert!(parse_two_way_sms(&no_id).is_err());
        let not_a_number = PAYLOAD.replace("+33612345678", "Rappel");
        assert!(parse_two_way_sms(&not_a_number).is_err());
    }
}
