//! A client's erasure: the business asked Rappel to forget a client. The client's record goes
//! at once; the rest — their appointments, waitlist entries, documents, messages, history, the
//! ledger's copies, the texts sent to them — is deleted by a job of bounded steps, whose
//! position and counts this record keeps. It stays when the job is done, holding ids and
//! counts only: the business's proof that it erased the client (and what tells a message still
//! in flight for them to record nothing about them).

use super::{ClientId, TenantId};
use crate::privacy::AddressDigest;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where an erasure job is: the step it runs next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum ErasureStep {
    /// The client's records (appointments, waitlist entries, invoices, quotes, messages they
    /// sent as a client), a page at a time from `cursor`.
    Records {
        #[serde(default)]
        cursor: Option<String>,
    },
    /// The messages they sent before they were a client (a contact form), by each of their
    /// sender keys in turn (`sender`: which); a page at a time (those deleted no longer match).
    ContactMessages { sender: u32 },
    /// Their communication history, a page at a time after `after` (a position), each sent
    /// message's copy in the ledger with it.
    History {
        #[serde(default)]
        after: Option<String>,
    },
    /// What was texted to their number from the two-way number.
    Texts,
    /// The refusals that outlive them (an unsubscribe, kept under their address's keyed hash).
    Refusals,
    /// Nothing left to do.
    Done,
}

impl ErasureStep {
    /// Its name, for the API and logs.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Records { .. } => "records",
            Self::ContactMessages { .. } => "contact_messages",
            Self::History { .. } => "history",
            Self::Texts => "texts",
            Self::Refusals => "refusals",
            Self::Done => "done",
        }
    }
}

/// What an erasure deleted so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErasedCounts {
    pub appointments: u32,
    pub waitlist_entries: u32,
    pub invoices: u32,
    pub quotes: u32,
    pub inbound_messages: u32,
    pub history_entries: u32,
    pub ledger_copies: u32,
    pub texts: u32,
}

/// What the job needs of the client once their record is gone — hashes, never the data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureKeys {
    /// Their e-mail address's keyed hash (an unsubscribe is kept under it).
    #[serde(default)]
    pub email: Option<AddressDigest>,
    /// Their number's keyed hash (the texts sent to it are kept under it).
    #[serde(default)]
    pub phone: Option<AddressDigest>,
    /// The sender keys of the messages they may have sent before they were a client
    /// (`InboundSender::key` of their e-mail and of their number).
    #[serde(default)]
    pub contact_senders: Vec<String>,
    /// They had withdrawn their consent to marketing (found in their history).
    #[serde(default)]
    pub unsubscribed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientErasure {
    pub tenant: TenantId,
    pub client: ClientId,
    pub requested_at: DateTime<Utc>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    pub next: ErasureStep,
    #[serde(default)]
    pub erased: ErasedCounts,
    /// Cleared when the job is done.
    #[serde(default)]
    pub keys: ErasureKeys,
    pub version: u64,
}

impl ClientErasure {
    pub fn is_done(&self) -> bool {
        self.next == ErasureStep::Done
    }
}
