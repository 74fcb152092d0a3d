//! Something a client sent: its automatic reply (or the reason there is none) is queued.

use crate::effects::{QueueAs, Reaction, ReactionError, queue_change_messages};
use crate::services::ReactionServices;
use crate::subjects::InboundRecords;
use rappel_core::model::Inbound;
use rappel_core::planning::inbound::auto_reply;

/// Something a client sent: its automatic reply (or the reason there is none) is queued.
pub(super) async fn inbound_received(
    s: &ReactionServices,
    inbound: &Inbound,
) -> Result<Reaction, ReactionError> {
    let mut reaction = Reaction::default();
    let loaded = InboundRecords::around(s.records.as_ref(), inbound.clone()).await?;
    if let Some(reply) = auto_reply(&loaded.context()) {
        queue_change_messages(s, vec![reply], QueueAs::ItsKind, &mut reaction).await?;
    }
    Ok(reaction)
}
