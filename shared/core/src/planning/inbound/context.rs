//! Everything an automatic reply depends on.

use crate::message::Recipient;
use crate::model::{Client, Inbound, InboundSender};
use crate::planning::ContactPoint;
use crate::settings::BusinessSettings;

#[derive(Debug, Clone, Copy)]
pub struct InboundContext<'a> {
    pub settings: &'a BusinessSettings,
    pub inbound: &'a Inbound,
    /// The sender's client record, when the sender is a client (and still exists).
    pub client: Option<&'a Client>,
    /// What the same sender sent before it within the window (any kind; may include it).
    pub earlier: &'a [Inbound],
}

impl<'a> InboundContext<'a> {
    /// Who the reply is for: the client, or the person who filled the form.
    pub fn recipient(&self) -> Recipient {
        match &self.inbound.sender {
            InboundSender::Client { client_id } => Recipient::Client(client_id.clone()),
            InboundSender::Contact { .. } => Recipient::Sender(self.inbound.id.clone()),
        }
    }

    pub fn contact(&self, recipient: &Recipient) -> Option<ContactPoint<'a>> {
        if *recipient != self.recipient() {
            return None;
        }
        match &self.inbound.sender {
            InboundSender::Client { .. } => self
                .client
                .map(|c| ContactPoint::of_client(c, self.settings)),
            InboundSender::Contact { name, email, phone } => Some(ContactPoint {
                name,
                email: email.as_ref(),
                phone: phone.as_ref(),
                locale: self.settings.input.default_locale,
                time_zone: self.settings.input.time_zone,
                email_ok: true,
                sms_ok: true,
                marketing_ok: false,
            }),
        }
    }

    /// Whether the same sender sent the same kind within the window before this message.
    pub fn within_window(&self) -> bool {
        let window = self.settings.input.notifications.auto_replies.window_hours;
        let this = self.inbound;
        let from = this.received_at - window.duration();
        self.earlier.iter().any(|other| {
            other.kind == this.kind
                && other.sender.key() == this.sender.key()
                && other.received_at > from
                && (other.received_at, &other.id) < (this.received_at, &this.id)
        })
    }
}
