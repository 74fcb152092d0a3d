//! A mark on an address: it bounced for good, its owner complained, or (kept when its client
//! was erased) its owner had withdrawn their consent to marketing. Marks are kept per business
//! under the address's keyed hash ([`crate::privacy::AddressDigest`]), never the address: they
//! outlive the client they were learnt from, so a client created again with the same address
//! is not mailed what the address refused, and a client whose address changed is mailed at the
//! new one.

use crate::message::{MessageKind, SuppressionReason};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarkReason {
    /// A permanent bounce: the address does not exist or refuses mail for good.
    Bounced,
    /// The recipient reported a message as spam.
    Complained,
    /// The client had withdrawn their consent to marketing when they were erased: the address
    /// gets no marketing message from the business again.
    Unsubscribed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AddressMark {
    pub reason: MarkReason,
    pub at: DateTime<Utc>,
}

impl AddressMark {
    /// Why an e-mail of `kind` to the marked address is not sent, if it is not.
    pub fn blocks(&self, kind: MessageKind) -> Option<SuppressionReason> {
        match self.reason {
            MarkReason::Bounced => Some(SuppressionReason::EmailBounced),
            MarkReason::Complained => Some(SuppressionReason::EmailComplaint),
            MarkReason::Unsubscribed => kind
                .is_marketing()
                .then_some(SuppressionReason::NoMarketingConsent),
        }
    }

    /// Of two marks of one address, the one that refuses more (a complaint outweighs a bounce,
    /// which outweighs an unsubscribe): erasing a client never weakens a refusal.
    pub fn stronger(self, other: Self) -> Self {
        let rank = |m: &Self| match m.reason {
            MarkReason::Unsubscribed => 0,
            MarkReason::Bounced => 1,
            MarkReason::Complained => 2,
        };
        if rank(&other) > rank(&self) {
            other
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(reason: MarkReason) -> AddressMark {
        AddressMark {
            reason,
            at: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_bounce_or_a_complaint_blocks_every_email_an_unsubscribe_only_marketing() {
        let marketing = MessageKind::ALL.iter().copied().find(|k| k.is_marketing());
        let service = MessageKind::ALL.iter().copied().find(|k| !k.is_marketing());
        let (Some(marketing), Some(service)) = (marketing, service) else {
            panic!("kinds of both sorts exist");
        };
        assert_eq!(
            mark(MarkReason::Bounced).blocks(service),
            Some(SuppressionReason::EmailBounced)
        );
        assert_eq!(
            mark(MarkReason::Complained).blocks(service),
            Some(SuppressionReason::EmailComplaint)
        );
        assert_eq!(mark(MarkReason::Unsubscribed).blocks(service), None);
        assert_eq!(
            mark(MarkReason::Unsubscribed).blocks(marketing),
            Some(SuppressionReason::NoMarketingConsent)
        );
    }

    #[test]
    fn the_stronger_refusal_is_kept() {
        let kept = mark(MarkReason::Complained).stronger(mark(MarkReason::Unsubscribed));
        assert_eq!(kept.reason, MarkReason::Complained);
        let kept = mark(MarkReason::Unsubscribed).stronger(mark(MarkReason::Bounced));
        assert_eq!(kept.reason, MarkReason::Bounced);
    }
}
