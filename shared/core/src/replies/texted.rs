//! An SMS sent from a two-way number, as a reply from its number will be read: which business
//! sent it, to which client, and the appointment it asked the client to confirm. Replies come
//! back to the number they answer, so what a reply is about is looked up by that pair (the
//! two-way number, the client's number) — never guessed from the number alone.

use super::{ConfirmationRequest, ReplyContext};
use crate::model::{ClientId, PhoneNumber, TenantId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextedNumber {
    /// The two-way number it was sent from: replies come to it.
    pub from: PhoneNumber,
    pub to: PhoneNumber,
    pub tenant: TenantId,
    /// The client it was for (a staff member's SMS has none).
    pub client: Option<ClientId>,
    pub at: DateTime<Utc>,
    /// The appointment it asked the client to confirm, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asks: Option<ConfirmationRequest>,
}

impl ReplyContext {
    /// What the SMS sent to one number from one two-way number say a reply is about: every
    /// confirmation they asked (the latest ask of each appointment), and the last sender.
    pub fn of_texts<'a>(texts: impl IntoIterator<Item = &'a TextedNumber>) -> Self {
        let mut context = ReplyContext::default();
        let mut last_at = None;
        for text in texts {
            if last_at.is_none_or(|at| text.at >= at) {
                last_at = Some(text.at);
                context.last_sender = Some(text.tenant.clone());
                context.last_client.clone_from(&text.client);
            }
            if let Some(ask) = &text.asks {
                context.add_request(ask.clone());
            }
        }
        context
    }

    /// Adds a request, in place of an older ask of the same appointment.
    pub fn add_request(&mut self, ask: ConfirmationRequest) {
        match self
            .requests
            .iter_mut()
            .find(|r| r.tenant == ask.tenant && r.appointment == ask.appointment)
        {
            Some(had) if had.asked_at <= ask.asked_at => *had = ask,
            Some(_) => {}
            None => self.requests.push(ask),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppointmentId;
    use chrono::{Duration, TimeZone};

    fn at(hours: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 26, 9, 0, 0).unwrap() + Duration::hours(hours)
    }

    fn text(tenant: &str, client: &str, hours: i64, asks: Option<&str>) -> TextedNumber {
        let tenant = TenantId::parse(tenant).unwrap();
        TextedNumber {
            from: PhoneNumber::parse("+33757000000").unwrap(),
            to: PhoneNumber::parse("+33612345678").unwrap(),
            tenant: tenant.clone(),
            client: Some(ClientId::parse(client).unwrap()),
            at: at(hours),
            asks: asks.map(|id| ConfirmationRequest {
                tenant,
                appointment: AppointmentId::parse(id).unwrap(),
                asked_at: at(hours),
                starts_at: at(hours + 24),
            }),
        }
    }

    #[test]
    fn the_last_sender_is_the_latest_text_whatever_the_order_they_are_read_in() {
        let texts = [
            text("salon-b", "cl_b", 5, None),
            text("salon-a", "cl_a", 1, Some("ap_1")),
        ];
        let context = ReplyContext::of_texts(&texts);
        assert_eq!(context.last_sender.unwrap().as_str(), "salon-b");
        assert_eq!(context.last_client.unwrap().as_str(), "cl_b");
        assert_eq!(context.requests.len(), 1, "{:?}", context.requests);
    }

    #[test]
    fn an_appointment_asked_about_twice_is_one_request_the_latest() {
        let texts = [
            text("salon-a", "cl_a", 1, Some("ap_1")),
            text("salon-a", "cl_a", 3, Some("ap_1")),
        ];
        let context = ReplyContext::of_texts(&texts);
        assert_eq!(context.requests.len(), 1);
        assert_eq!(context.requests[0].asked_at, at(3));
    }
}
