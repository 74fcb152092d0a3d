//! Everything a billing document's plan depends on.

use super::Document;
use crate::message::Recipient;
use crate::model::Client;
use crate::planning::ContactPoint;
use crate::settings::BusinessSettings;

#[derive(Debug, Clone, Copy)]
pub struct BillingContext<'a> {
    pub settings: &'a BusinessSettings,
    pub document: Document<'a>,
    /// The document's client; `None` if the record is gone (its messages are then suppressed).
    pub client: Option<&'a Client>,
}

impl<'a> BillingContext<'a> {
    pub fn contact(&self, recipient: &Recipient) -> Option<ContactPoint<'a>> {
        match recipient {
            Recipient::Client(id) => self
                .client
                .filter(|c| c.id == *id)
                .map(|c| ContactPoint::of_client(c, self.settings)),
            Recipient::Manager(id) => self
                .settings
                .manager(id)
                .map(|m| ContactPoint::of_manager(m, self.settings)),
            Recipient::Staff(_) | Recipient::Sender(_) => None,
        }
    }

    pub fn client_recipient(&self) -> Recipient {
        Recipient::Client(self.document.client_id().clone())
    }

    pub fn managers(&self) -> impl Iterator<Item = Recipient> + '_ {
        self.settings
            .input
            .managers
            .iter()
            .map(|m| Recipient::Manager(m.id.clone()))
    }
}
