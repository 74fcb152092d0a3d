//! Whether the client said they will come: asked by a reminder (`requested`), answered by a
//! reply or a link (`confirmed`, or `declined` — a decline cancels the appointment). Kept on
//! the appointment, with when and how, for the business's views and digests.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationState {
    /// A reminder asked; no answer yet.
    Requested,
    Confirmed,
    /// The client said they will not come: the appointment was cancelled.
    Declined,
}

impl ConfirmationState {
    /// The client answered (yes or no).
    pub fn is_answer(self) -> bool {
        self != Self::Requested
    }
}

/// How the client answered (or was asked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationChannel {
    /// A reply to an SMS (OUI, ANNULER…).
    SmsReply,
    /// The signed link in a message.
    Link,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClientConfirmation {
    pub state: ConfirmationState,
    pub at: DateTime<Utc>,
    pub by: ConfirmationChannel,
}
