//! The SMS-replies port: what was texted to a number from a two-way number (so a reply is
//! read against what it answers), and the numbers that texted STOP to a business (its SMS to
//! them are withdrawn until START; another business's are not). Both are kept under the keyed
//! hash of the number ([`AddressDigest`]), never the number.

mod memory;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::{PhoneNumber, TenantId};
use rappel_core::privacy::AddressDigest;
use rappel_core::replies::{ReplyContext, TextedNumber};

pub use memory::MemorySmsReplies;

/// How many texts to one number from one two-way number a reply is read against: the latest
/// ones (a text is kept 30 days, a confirmation request until its appointment has begun).
pub const TEXTS_READ: usize = 50;

/// How long a text is remembered for the replies to it.
pub const TEXT_KEPT: chrono::Duration = chrono::Duration::days(30);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the SMS replies store is unavailable: {0}")]
pub struct RepliesError(pub String);

#[async_trait]
pub trait SmsReplies: Send + Sync {
    /// Remembers an SMS sent from a two-way number (what replies to it will be about), under
    /// `to`, the keyed hash of the number it went to.
    async fn remember(&self, to: &AddressDigest, text: &TextedNumber) -> Result<(), RepliesError>;
    /// What was texted to `number` (its keyed hash) from the two-way number `two_way`, as a
    /// reply reads it.
    async fn context_of(
        &self,
        two_way: &PhoneNumber,
        number: &AddressDigest,
    ) -> Result<ReplyContext, RepliesError>;
    /// Forgets every text `tenant` sent to `number` from `two_way` (a client's erasure); how
    /// many there were. Another business's texts to the number stay.
    async fn forget_texts(
        &self,
        two_way: &PhoneNumber,
        number: &AddressDigest,
        tenant: &TenantId,
    ) -> Result<u32, RepliesError>;
    /// Records that `number` texted STOP to the business (`Some(when)`), or START (`None`).
    async fn set_stopped(
        &self,
        tenant: &TenantId,
        number: &AddressDigest,
        stopped: Option<DateTime<Utc>>,
    ) -> Result<(), RepliesError>;
    /// Since when `number` has stopped the business's SMS, if it has.
    async fn stopped_since(
        &self,
        tenant: &TenantId,
        number: &AddressDigest,
    ) -> Result<Option<DateTime<Utc>>, RepliesError>;
}
