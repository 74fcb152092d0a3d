//! A client of a business, with the contact details and consent that decide which channels
//! Rappel may use.

use super::{
    ClientId, DisplayName, EmailAddress, InboundSender, Locale, PhoneNumber, TenantId, TimeZone,
};
use serde::{Deserialize, Serialize};

/// What the client agreed to receive. Refusals win over settings: a business that enables SMS
/// reminders never texts a client who refused SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPreferences {
    /// E-mail may be used.
    #[serde(default = "yes")]
    pub email: bool,
    /// SMS may be used.
    #[serde(default = "yes")]
    pub sms: bool,
    /// Marketing messages (re-engagement) may be sent.
    #[serde(default)]
    pub marketing: bool,
    /// By default, every confirmed booking of this client asks to be told of an earlier slot
    /// of the same kind (an appointment may say otherwise).
    #[serde(default)]
    pub earlier_slot_offers: bool,
}

fn yes() -> bool {
    true
}

impl Default for ContactPreferences {
    fn default() -> Self {
        Self {
            email: true,
            sms: true,
            marketing: false,
            earlier_slot_offers: false,
        }
    }
}

/// Named `ClientRecord` in the contract: generated clients have a class `Client` of their own
/// (the HTTP client), and a model of the same name collides with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ClientRecord)]
pub struct Client {
    pub tenant: TenantId,
    pub id: ClientId,
    pub name: DisplayName,
    pub email: Option<EmailAddress>,
    pub phone: Option<PhoneNumber>,
    pub locale: Locale,
    pub time_zone: TimeZone,
    pub preferences: ContactPreferences,
    pub version: u64,
}

impl Client {
    /// The sender keys ([`InboundSender::key`]) of the messages this person may have sent the
    /// business before they were its client — a contact form, by their address and by their
    /// number: what their export reads and their erasure deletes.
    pub fn contact_sender_keys(&self) -> Vec<String> {
        let contact = |email, phone| InboundSender::Contact {
            name: self.name.clone(),
            email,
            phone,
        };
        let mut keys: Vec<String> = [
            self.email.clone().map(|e| contact(Some(e), None).key()),
            self.phone.clone().map(|p| contact(None, Some(p)).key()),
        ]
        .into_iter()
        .flatten()
        .collect();
        keys.dedup();
        keys
    }
}
