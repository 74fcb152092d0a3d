//! The types of delivery events, as named on the wire (`message.sent`, …).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum EventType {
    /// A message is planned for `due` (a schedule waits for it, or it goes now).
    #[serde(rename = "message.planned")]
    MessagePlanned,
    /// A planned message moved to another time (`previous_due` says when it was).
    #[serde(rename = "message.replanned")]
    MessageReplanned,
    /// A planned message no longer applies (the appointment was cancelled, the rule removed…).
    #[serde(rename = "message.withdrawn")]
    MessageWithdrawn,
    /// The provider accepted the message.
    #[serde(rename = "message.sent")]
    MessageSent,
    /// Deliberately not sent (`reason`: no consent, no address, quiet hours, budget…).
    #[serde(rename = "message.suppressed")]
    MessageSuppressed,
    /// Its trigger came when it no longer applied or too late (`reason`).
    #[serde(rename = "message.stale")]
    MessageStale,
    /// Refused for good by the provider or not composable (`reason`).
    #[serde(rename = "message.failed")]
    MessageFailed,
    /// The recipient's mail server accepted the e-mail (SES `Delivery`).
    #[serde(rename = "message.delivered")]
    MessageDelivered,
    /// The recipient's mail server has not accepted the e-mail yet; SES keeps trying
    /// (`reason`: its delay type, e.g. `MailboxFull`).
    #[serde(rename = "message.delivery_delayed")]
    MessageDeliveryDelayed,
    /// The address bounced for good: later e-mails to it are suppressed.
    #[serde(rename = "message.bounced")]
    MessageBounced,
    /// The recipient marked the message as spam: later e-mails to it are suppressed.
    #[serde(rename = "message.complained")]
    MessageComplained,
    /// The client withdrew their marketing consent (one-click unsubscribe).
    #[serde(rename = "client.unsubscribed")]
    ClientUnsubscribed,
    /// The client cancelled their appointment with the link in a message (the withdrawals
    /// and notices it causes follow as their own events).
    #[serde(rename = "client.cancelled_appointment")]
    ClientCancelledAppointment,
    /// The client texted back (a keyword or free text); `reason` says what it did:
    /// `stopped`, `started`, `help`, `confirmed`, `cancelled`, `to_business`, `clarified`,
    /// `nothing_to_answer`.
    #[serde(rename = "client.replied")]
    ClientReplied,
    /// A webhook endpoint failed for days and was disabled (`webhook` says which); nothing is
    /// posted to it until it is enabled again, from where it stopped.
    #[serde(rename = "webhook.disabled")]
    WebhookDisabled,
}

impl EventType {
    pub const ALL: [EventType; 15] = [
        Self::MessagePlanned,
        Self::MessageReplanned,
        Self::MessageWithdrawn,
        Self::MessageSent,
        Self::MessageSuppressed,
        Self::MessageStale,
        Self::MessageFailed,
        Self::MessageDelivered,
        Self::MessageDeliveryDelayed,
        Self::MessageBounced,
        Self::MessageComplained,
        Self::ClientUnsubscribed,
        Self::ClientCancelledAppointment,
        Self::ClientReplied,
        Self::WebhookDisabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MessagePlanned => "message.planned",
            Self::MessageReplanned => "message.replanned",
            Self::MessageWithdrawn => "message.withdrawn",
            Self::MessageSent => "message.sent",
            Self::MessageSuppressed => "message.suppressed",
            Self::MessageStale => "message.stale",
            Self::MessageFailed => "message.failed",
            Self::MessageDelivered => "message.delivered",
            Self::MessageDeliveryDelayed => "message.delivery_delayed",
            Self::MessageBounced => "message.bounced",
            Self::MessageComplained => "message.complained",
            Self::ClientUnsubscribed => "client.unsubscribed",
            Self::ClientCancelledAppointment => "client.cancelled_appointment",
            Self::ClientReplied => "client.replied",
            Self::WebhookDisabled => "webhook.disabled",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_is_written_by_its_wire_name() {
        for event_type in EventType::ALL {
            let json = serde_json::to_value(event_type).unwrap();
            assert_eq!(json, event_type.as_str());
            assert_eq!(
                serde_json::from_value::<EventType>(json).unwrap(),
                event_type
            );
        }
    }
}
