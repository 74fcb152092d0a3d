//! A mark on a recipient's address: it bounced for good, or its owner complained. Later
//! e-mails to that address are recorded suppressed instead of sent; the mark no longer applies
//! once the recipient's address is another one.

use crate::message::SuppressionReason;
use crate::model::EmailAddress;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkReason {
    /// A permanent bounce: the address does not exist or refuses mail for good.
    Bounced,
    /// The recipient reported a message as spam.
    Complained,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressMark {
    pub address: EmailAddress,
    pub reason: MarkReason,
    pub at: DateTime<Utc>,
}

impl AddressMark {
    /// Why an e-mail to `to` is not sent, if this mark is about that address.
    pub fn blocks(&self, to: &EmailAddress) -> Option<SuppressionReason> {
        (self.address.as_str().eq_ignore_ascii_case(to.as_str())).then_some(match self.reason {
            MarkReason::Bounced => SuppressionReason::EmailBounced,
            MarkReason::Complained => SuppressionReason::EmailComplaint,
        })
    }
}
