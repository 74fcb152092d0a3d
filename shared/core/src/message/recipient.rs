//! Who a message is for.

use crate::model::{ClientId, InboundId, ManagerId, StaffId};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Recipient {
    Client(ClientId),
    Staff(StaffId),
    Manager(ManagerId),
    /// Someone not (yet) a client who wrote through a contact form: answered at the contact
    /// details of their message.
    Sender(InboundId),
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recipient::Client(id) => write!(f, "client:{id}"),
            Recipient::Staff(id) => write!(f, "staff:{id}"),
            Recipient::Manager(id) => write!(f, "manager:{id}"),
            Recipient::Sender(id) => write!(f, "sender:{id}"),
        }
    }
}
