//! Amazon SES's event records, as a configuration set publishes them to SNS
//! (`eventType` `Bounce`, `Complaint`, `Delivery`, `DeliveryDelay`, …, with the message's tags under
//! `mail.tags`). Only what Rappel acts on is read; everything else is ignored.

use super::MailTags;
use crate::model::EmailAddress;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedbackKind {
    /// `bounceType: Permanent`: mark the addresses.
    PermanentBounce {
        sub_type: String,
    },
    /// `Transient` or `Undetermined`: counted, not acted on (mailbox full, a passing refusal).
    TransientBounce {
        sub_type: String,
    },
    Complaint {
        feedback_type: Option<String>,
    },
    Delivery,
    /// SES could not deliver it yet and keeps trying (`delayType`: `MailboxFull`, …).
    DeliveryDelay {
        delay_type: String,
    },
    /// Any other event type (reject, rendering failure…): logged.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFeedback {
    pub kind: FeedbackKind,
    /// The addresses the event is about (bounced or complaining recipients; for a delivery,
    /// the recipients).
    pub addresses: Vec<EmailAddress>,
    /// Whose message it was; `None` for a message Rappel did not tag.
    pub tags: Option<MailTags>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    #[serde(alias = "notificationType")]
    event_type: String,
    mail: Mail,
    bounce: Option<Bounce>,
    complaint: Option<Complaint>,
    delivery: Option<Delivery>,
    delivery_delay: Option<DeliveryDelay>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryDelay {
    #[serde(default)]
    delay_type: String,
    #[serde(default)]
    delayed_recipients: Vec<Recipient>,
    timestamp: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
struct Mail {
    timestamp: DateTime<Utc>,
    #[serde(default)]
    destination: Vec<String>,
    #[serde(default)]
    tags: HashMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    bounce_type: String,
    #[serde(default)]
    bounce_sub_type: String,
    #[serde(default)]
    bounced_recipients: Vec<Recipient>,
    timestamp: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Complaint {
    #[serde(default)]
    complained_recipients: Vec<Recipient>,
    complaint_feedback_type: Option<String>,
    timestamp: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
struct Delivery {
    #[serde(default)]
    recipients: Vec<String>,
    timestamp: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    email_address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an SES event record: {0}")]
pub struct UnreadableEvent(pub String);

/// Parses one event record (the `Message` of an SNS notification).
pub fn parse_ses_event(json: &str) -> Result<MailFeedback, UnreadableEvent> {
    let event: Event = serde_json::from_str(json).map_err(|e| UnreadableEvent(e.to_string()))?;
    let tags = MailTags::from_pairs(|name| {
        event
            .mail
            .tags
            .get(name)
            .and_then(|values| values.first())
            .map(String::as_str)
    });
    let addresses = |raw: &mut dyn Iterator<Item = &String>| -> Vec<EmailAddress> {
        raw.filter_map(|a| EmailAddress::parse(a).ok()).collect()
    };
    let (kind, found, at) = match (event.event_type.as_str(), &event) {
        (
            "Bounce",
            Event {
                bounce: Some(b), ..
            },
        ) => {
            let kind = if b.bounce_type == "Permanent" {
                FeedbackKind::PermanentBounce {
                    sub_type: b.bounce_sub_type.clone(),
                }
            } else {
                FeedbackKind::TransientBounce {
                    sub_type: b.bounce_sub_type.clone(),
                }
            };
            let found = addresses(&mut b.bounced_recipients.iter().map(|r| &r.email_address));
            (kind, found, b.timestamp)
        }
        (
            "Complaint",
            Event {
                complaint: Some(c), ..
            },
        ) => (
            FeedbackKind::Complaint {
                feedback_type: c.complaint_feedback_type.clone(),
            },
            addresses(&mut c.complained_recipients.iter().map(|r| &r.email_address)),
            c.timestamp,
        ),
        (
            "Delivery",
            Event {
                delivery: Some(d), ..
            },
        ) => (
            FeedbackKind::Delivery,
            addresses(&mut d.recipients.iter()),
            d.timestamp,
        ),
        (
            "DeliveryDelay",
            Event {
                delivery_delay: Some(d),
                ..
            },
        ) => (
            FeedbackKind::DeliveryDelay {
                delay_type: d.delay_type.clone(),
            },
            addresses(&mut d.delayed_recipients.iter().map(|r| &r.email_address)),
            d.timestamp,
        ),
        (other, _) => (
            FeedbackKind::Other(other.to_owned()),
            addresses(&mut event.mail.destination.iter()),
            None,
        ),
    };
    Ok(MailFeedback {
        kind,
        addresses: found,
        tags,
        at: at.unwrap_or(event.mail.timestamp),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{MessageKind, Recipient};

    const BOUNCE: &str = include_str!("../../../../infra/events/ses-bounce.json");
    const COMPLAINT: &str = include_str!("../../../../infra/events/ses-complaint.json");
    const DELIVERY: &str = include_str!("../../../../infra/events/ses-delivery.json");
    const TRANSIENT: &str = include_str!("../../../../infra/events/ses-transient-bounce.json");
    const DELAY: &str = include_str!("../../../../infra/events/ses-delivery-delay.json");

    #[test]
    fn a_permanent_bounce_names_the_address_and_the_tagged_recipient() {
        let feedback = parse_ses_event(BOUNCE).unwrap();
        assert_eq!(
            feedback.kind,
            FeedbackKind::PermanentBounce {
                sub_type: "General".into()
            }
        );
        assert_eq!(feedback.addresses.len(), 1);
        assert_eq!(feedback.addresses[0].as_str(), "lea@example.fr");
        let tags = feedback.tags.unwrap();
        assert_eq!(tags.tenant.as_str(), "salon-lea");
        assert_eq!(
            tags.recipient,
            Recipient::Client(crate::model::ClientId::parse("cl_lea").unwrap())
        );
        assert_eq!(tags.kind, MessageKind::Reminder);
    }

    #[test]
    fn complaints_transient_bounces_and_deliveries_are_told_apart() {
        assert!(matches!(
            parse_ses_event(COMPLAINT).unwrap().kind,
            FeedbackKind::Complaint { feedback_type: Some(ref t) } if t == "abuse"
        ));
        assert!(matches!(
            parse_ses_event(TRANSIENT).unwrap().kind,
            FeedbackKind::TransientBounce { .. }
        ));
        let delivered = parse_ses_event(DELIVERY).unwrap();
        assert_eq!(delivered.kind, FeedbackKind::Delivery);
        assert!(!delivered.addresses.is_empty());
        let delayed = parse_ses_event(DELAY).unwrap();
        assert_eq!(
            delayed.kind,
            FeedbackKind::DeliveryDelay {
                delay_type: "MailboxFull".into()
            }
        );
        assert_eq!(delayed.addresses.len(), 1);
        assert!(parse_ses_event("{\"hello\": 1}").is_err());
    }
}
