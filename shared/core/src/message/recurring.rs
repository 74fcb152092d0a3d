//! A recurring schedule: one per digest recipient, firing daily at a local time in the
//! recipient's zone (the scheduler handles DST). Its firing does not name a message — which
//! day the digest covers is decided when it fires, from the firing instant — so its input is a
//! [`DigestTrigger`], not a message key.

use super::{Recipient, ScheduleName};
use crate::model::{TenantId, TimeZone};
use crate::settings::LocalTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Whose digest a recurring schedule is for.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
pub struct DigestTrigger {
    pub tenant: TenantId,
    /// A staff member or a manager.
    pub recipient: Recipient,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecurringSchedule {
    pub name: ScheduleName,
    /// Every day at this local time…
    pub at: LocalTime,
    /// …in this zone.
    pub zone: TimeZone,
    pub trigger: DigestTrigger,
}

impl DigestTrigger {
    /// All schedule names of this recipient's digest start with this: `s` (staff) or `m`
    /// (manager) and 16 hex characters.
    pub fn schedule_prefix(&self) -> String {
        let letter = match self.recipient {
            Recipient::Manager(_) => 'm',
            Recipient::Staff(_) | Recipient::Client(_) | Recipient::Sender(_) => 's',
        };
        let digest = hex::encode(Sha256::digest(
            format!("{}/digest/{}", self.tenant, self.recipient).as_bytes(),
        ));
        format!("{letter}{}", &digest[..16])
    }
}

impl RecurringSchedule {
    /// The time and zone are part of the name: changing either replaces the schedule (the old
    /// name is deleted, the new one created), which keeps creation idempotent.
    pub fn new(trigger: DigestTrigger, at: LocalTime, zone: TimeZone) -> Self {
        let digest = hex::encode(Sha256::digest(format!("{at}/{}", zone.name()).as_bytes()));
        let raw = format!("{}-dig-{}", trigger.schedule_prefix(), &digest[..12]);
        // Prefix (17) + "-dig-" (5) + 12 hex characters: always a valid name.
        let name = ScheduleName::parse(&raw).unwrap_or_else(|_| unreachable!("{raw}"));
        Self {
            name,
            at,
            zone,
            trigger,
        }
    }
}
