//! The erasure port: what wakes a client's erasure job. The job's position and counts are in
//! its record (`RecordKind::Erasure`, [`rappel_core::model::ClientErasure`]), so a wake-up
//! carries only whose erasure to go on with: delivered twice, or after the step it names has
//! run, it runs the step the record says is next.

use crate::send_queue::{InProcessQueue, QueueError, Queued};
use async_trait::async_trait;
use rappel_core::message::Lane;
use rappel_core::model::{ClientId, TenantId};
use serde::{Deserialize, Serialize};

/// The version this build writes and reads.
pub const ERASURE_WORK_VERSION: u32 = 1;

/// Go on with `client`'s erasure in `tenant`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureWork {
    pub v: u32,
    pub tenant: TenantId,
    pub client: ClientId,
}

impl ErasureWork {
    pub fn new(tenant: &TenantId, client: &ClientId) -> Self {
        Self {
            v: ERASURE_WORK_VERSION,
            tenant: tenant.clone(),
            client: client.clone(),
        }
    }
}

/// Where erasure wake-ups wait for the erase function (the local runtime locally).
#[async_trait]
pub trait ErasureQueue: Send + Sync {
    async fn wake(&self, work: &ErasureWork) -> Result<(), QueueError>;
}

impl Queued for ErasureWork {
    fn lane(&self) -> Lane {
        Lane::Bulk
    }
    fn group(&self) -> String {
        self.tenant.to_string()
    }
}

#[async_trait]
impl ErasureQueue for InProcessQueue<ErasureWork> {
    async fn wake(&self, work: &ErasureWork) -> Result<(), QueueError> {
        self.push(std::slice::from_ref(work));
        Ok(())
    }
}

/// The local stack's stand-in for its recipients' mailboxes (the outbox and its files). A
/// deployment has none: what a provider delivered sits in the recipients' own mailboxes, out
/// of Rappel's reach.
#[async_trait]
pub trait Mailboxes: Send + Sync {
    /// Forgets every message that holds one of `mentions` (a name, an address, a number):
    /// how many.
    async fn forget_mentions(&self, mentions: &[String]) -> std::io::Result<usize>;
}
