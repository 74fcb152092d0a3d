//! The subjects of messages (an appointment, a client, a staff member's or manager's day, an
//! invoice or quote, an inbound message, a freed slot), as the single delivery path sees them:
//! [`load`] the subject's current state (the one `match` on the subject), then
//! [`DecidesAtSend::decide`]: stale, suppressed, or sent with this rendering — from one
//! context. Each subject's loading and its [`SubjectAtSend`] live in its own module, its
//! planning in `rappel_core::planning::<subject>`.

mod appointment;
mod billing;
mod client;
mod day;
mod decision;
mod inbound;
mod slot;

pub use appointment::{
    AppointmentAtSend, AppointmentRecords, MAX_DURATION, OtherBookings, PLANNING_HORIZON,
    Substitute,
};
pub use billing::{BillingRecords, OwnedDocument};
pub use client::ClientRecords;
pub use day::DayRecords;
pub use decision::{DecidesAtSend, Decision, SendTime, SubjectAtSend, Undecidable};
pub use inbound::InboundRecords;
pub use slot::SlotRecords;

use rappel_core::message::{MessageKey, Recipient, StaleReason, Subject};
use rappel_core::model::{Appointment, Client, Inbound, Invoice, Quote};
use rappel_ports::records::{RecordKey, RecordStore, StoreError, StoredRecord};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A record the subject refers to is gone (records are never deleted through the API,
    /// so this means a data problem worth a look).
    #[error("the {0} record is missing")]
    Missing(&'static str),
}

/// A record a loaded subject refers to is not among what was loaded (its type or staff member
/// was gone): the plan cannot be computed. No store is asked to find this out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the {0} record is missing")]
pub struct MissingRecord(pub &'static str);

impl From<MissingRecord> for ContextError {
    fn from(missing: MissingRecord) -> Self {
        Self::Missing(missing.0)
    }
}

/// A message's subject as loaded at send time.
pub type SubjectState = Box<dyn DecidesAtSend>;

/// What loading a subject found.
pub enum Loaded {
    Found(SubjectState),
    /// The subject no longer exists: the message is stale, with this reason.
    Gone(StaleReason),
}

/// Loads the current state of `key`'s subject — the one `match` on the subject at send time;
/// everything after it goes through [`DecidesAtSend`].
pub async fn load(records: &dyn RecordStore, key: &MessageKey) -> Result<Loaded, ContextError> {
    let tenant = &key.tenant;
    let found = match &key.subject {
        Subject::Appointment(id) => AppointmentAtSend::load(records, key, id)
            .await?
            .map(|s| Box::new(s) as SubjectState),
        Subject::Client(id) => ClientRecords::load(records, tenant, id, None)
            .await?
            .map(|s| Box::new(s) as SubjectState),
        Subject::StaffDay { staff, date } => {
            DayRecords::load(records, tenant, Recipient::Staff(staff.clone()), *date)
                .await?
                .map(|s| Box::new(s) as SubjectState)
        }
        Subject::ManagerDay { manager, date } => {
            DayRecords::load(records, tenant, Recipient::Manager(manager.clone()), *date)
                .await?
                .map(|s| Box::new(s) as SubjectState)
        }
        Subject::Invoice(id) => BillingRecords::load_invoice(records, tenant, id)
            .await?
            .map(|s| Box::new(s) as SubjectState),
        Subject::Quote(id) => BillingRecords::load_quote(records, tenant, id)
            .await?
            .map(|s| Box::new(s) as SubjectState),
        Subject::Inbound(id) => InboundRecords::load(records, tenant, id)
            .await?
            .map(|s| Box::new(s) as SubjectState),
        Subject::Slot(slot) => {
            let Recipient::Client(client) = &key.recipient else {
                return Err(ContextError::Missing("client of the offer"));
            };
            let loaded =
                SlotRecords::for_client(records, tenant, slot.clone(), client, key.due).await?;
            Some(Box::new(loaded) as SubjectState)
        }
    };
    Ok(match found {
        Some(state) => Loaded::Found(state),
        None => Loaded::Gone(StaleReason::SubjectGone(key.subject.kind())),
    })
}

/// The record `key`'s subject is, when it is one record: what a batch of messages reads at
/// once before delivering ([`crate::deliver::prefetch`]).
pub fn subject_record(key: &MessageKey) -> Option<RecordKey> {
    let tenant = &key.tenant;
    Some(match &key.subject {
        Subject::Appointment(id) => Appointment::key_of(tenant, id),
        Subject::Client(id) => Client::key_of(tenant, id),
        Subject::Invoice(id) => Invoice::key_of(tenant, id),
        Subject::Quote(id) => Quote::key_of(tenant, id),
        Subject::Inbound(id) => Inbound::key_of(tenant, id),
        Subject::StaffDay { .. } | Subject::ManagerDay { .. } | Subject::Slot(_) => return None,
    })
}
