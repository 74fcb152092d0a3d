//! Which lane what a change sends now waits in. One change — a booking, a cancellation — is
//! someone waiting for its notice: its messages wait in their kind's lane. A bulk change — an
//! import that notifies, a re-plan of a whole business — may queue thousands at once: they wait
//! in the bulk lane, so that the business's own reminders never queue behind them.

use rappel_core::message::MessageKey;
use rappel_ports::schedules::SendRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueAs {
    /// In the lane of each message's kind.
    ItsKind,
    /// In the bulk lane.
    Bulk,
}

impl QueueAs {
    /// A bulk change's when `bulk`, else one change's.
    pub fn bulk_if(bulk: bool) -> Self {
        if bulk { Self::Bulk } else { Self::ItsKind }
    }

    /// The request for `key`, due now.
    pub fn request(self, key: MessageKey) -> SendRequest {
        match self {
            Self::ItsKind => SendRequest::message(key),
            Self::Bulk => SendRequest::bulk_message(key),
        }
    }
}
