//! A client's erasure, as a job of bounded steps. `DELETE /v1/clients/{id}`
//! ([`crate::commands::erasure`]) deletes the client's record at once (the change handler then
//! withdraws everything planned for them, telling no one), keeps the hashes the job needs in
//! the erasure's record and wakes the job; each wake-up runs the step the record says is next,
//! moves the record on (one conditional write) and wakes the job again until it is done:
//!
//! 1. **records**: a page of [`RECORDS_PAGE`] of the client's records (`by_client`:
//!    appointments, waitlist entries, invoices, quotes, messages they sent as a client),
//!    deleted — the business's invoices are its own accounting's, not Rappel's (docs/PRIVACY.md);
//! 2. **contact messages**: up to [`RECORDS_PAGE`] messages they sent before they were a
//!    client, found by the sender keys of their address and number;
//! 3. **history**: a page of [`HISTORY_PAGE`] entries of their history, and the copy each sent
//!    message's ledger entry keeps of its entry (the entry stays: a late trigger is still a
//!    duplicate);
//! 4. **texts**: what was texted to their number from the two-way number;
//! 5. **refusals**: an unsubscribe found in their history is kept under their address's keyed
//!    hash (a bounce, a complaint or a STOP already is);
//! 6. **done**: the record keeps ids, times and counts — the business's proof of the erasure,
//!    and what tells a message still in flight for them to record nothing about them.
//!
//! A wake-up delivered twice runs the record's step twice at most: every deletion is
//! idempotent, and only the first of two moves of the record is kept (its version).

use crate::services::TwoWaySms;
use chrono::{DateTime, Utc};
use rappel_core::feedback::{AddressMark, MarkReason};
use rappel_core::model::{ClientErasure, ErasureStep, TenantId};
use rappel_ports::address_marks::{AddressMarks, MarksError};
use rappel_ports::clock::Clock;
use rappel_ports::erasure::{ERASURE_WORK_VERSION, ErasureQueue, ErasureWork};
use rappel_ports::history::{CommunicationHistory, CommunicationStatus, HistoryError};
use rappel_ports::ledger::{DeliveryLedger, LedgerError};
use rappel_ports::records::{
    Expected, Listing, Record, RecordKind, RecordStore, StoreError, StoredRecord, TypedRecords,
};
use rappel_ports::sms_replies::RepliesError;
use std::sync::Arc;

/// Records one step deletes at most (one listing page, one `BatchGetItem`, as many deletes).
pub const RECORDS_PAGE: usize = 100;

/// History entries one step forgets at most (one query page, their ledger copies, four
/// batched deletes).
pub const HISTORY_PAGE: usize = 100;

/// What the erase function needs (the local runtime composes the same).
#[derive(Clone)]
pub struct ErasureServices {
    pub records: Arc<dyn RecordStore>,
    pub history: Arc<dyn CommunicationHistory>,
    pub ledger: Arc<dyn DeliveryLedger>,
    pub marks: Arc<dyn AddressMarks>,
    /// The deployment's two-way number and what was texted from it, if it has one.
    pub two_way: Option<TwoWaySms>,
    pub queue: Arc<dyn ErasureQueue>,
    pub clock: Arc<dyn Clock>,
}

#[derive(Debug, thiserror::Error)]
pub enum ErasureError {
    #[error("erasure work of version {0}, this release reads version {ERASURE_WORK_VERSION}")]
    Unreadable(u32),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Marks(#[from] MarksError),
    #[error(transparent)]
    Replies(#[from] RepliesError),
    #[error("the erasure queue is unavailable: {0}")]
    Queue(String),
}

/// What one wake-up did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRun {
    /// The step ran; the job was woken again for `next` (or was done).
    Ran {
        step: &'static str,
        next: &'static str,
    },
    /// Nothing to run: no erasure of that client, or it is done.
    Idle,
    /// Another delivery of the same wake-up moved the record first: nothing kept from this one.
    Overtaken,
}

/// Runs the step `work`'s erasure is at.
pub async fn run_step(s: &ErasureServices, work: &ErasureWork) -> Result<StepRun, ErasureError> {
    if work.v != ERASURE_WORK_VERSION {
        return Err(ErasureError::Unreadable(work.v));
    }
    let Some(mut erasure) = s
        .records
        .record::<ClientErasure>(&work.tenant, &work.client)
        .await?
    else {
        return Ok(StepRun::Idle);
    };
    if erasure.is_done() {
        return Ok(StepRun::Idle);
    }
    let read = erasure.version;
    let step = erasure.next.name();
    erasure.next = match erasure.next.clone() {
        ErasureStep::Records { cursor } => records(s, &mut erasure, cursor).await?,
        ErasureStep::ContactMessages { sender } => {
            contact_messages(s, &mut erasure, sender).await?
        }
        ErasureStep::History { after } => history(s, &mut erasure, after).await?,
        ErasureStep::Texts => {
            if let (Some(two_way), Some(phone)) = (&s.two_way, &erasure.keys.phone) {
                erasure.erased.texts += two_way
                    .replies
                    .forget_texts(&two_way.number, phone, &erasure.tenant)
                    .await?;
            }
            ErasureStep::Refusals
        }
        ErasureStep::Refusals => {
            refusals(s, &erasure, s.clock.now()).await?;
            ErasureStep::Done
        }
        ErasureStep::Done => ErasureStep::Done,
    };
    if erasure.is_done() {
        erasure.finished_at = Some(s.clock.now());
        erasure.keys = Default::default();
    }
    erasure.version = read + 1;
    let next = erasure.next.name();
    let done = erasure.is_done();
    match s
        .records
        .put(Record::Erasure(erasure), Expected::Version(read))
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => return Ok(StepRun::Overtaken),
        Err(error) => return Err(error.into()),
    }
    if !done {
        s.queue
            .wake(work)
            .await
            .map_err(|e| ErasureError::Queue(e.0))?;
    }
    tracing::info!(step, next, "erasure step done");
    Ok(StepRun::Ran { step, next })
}

/// One page of the client's records, deleted.
async fn records(
    s: &ErasureServices,
    erasure: &mut ClientErasure,
    cursor: Option<String>,
) -> Result<ErasureStep, ErasureError> {
    let listing = Listing::RecordsOfClient {
        client: erasure.client.clone(),
    };
    let page = s
        .records
        .list(&erasure.tenant, &listing, cursor.as_deref(), RECORDS_PAGE)
        .await?;
    let found = s.records.get_many(&page.keys).await?;
    for record in found.into_iter().flatten() {
        // Another client's record under a stale index entry is none of this erasure's.
        if record.client() != Some(&erasure.client) {
            continue;
        }
        match s.records.delete(&record.key(), record.version()).await {
            Ok(()) => {}
            // Changed meanwhile: this page is read again, the record with its new version.
            Err(StoreError::Conflict { .. }) => return Ok(ErasureStep::Records { cursor }),
            Err(error) => return Err(error.into()),
        }
        let counts = &mut erasure.erased;
        match record.kind() {
            RecordKind::Appointment => counts.appointments += 1,
            RecordKind::Waitlist => counts.waitlist_entries += 1,
            RecordKind::Invoice => counts.invoices += 1,
            RecordKind::Quote => counts.quotes += 1,
            RecordKind::Inbound => counts.inbound_messages += 1,
            _ => {}
        }
    }
    Ok(match page.next {
        Some(next) => ErasureStep::Records { cursor: Some(next) },
        None => ErasureStep::ContactMessages { sender: 0 },
    })
}

/// Up to a page of the messages one of the client's sender keys sent before they were a
/// client. Deleted messages no longer match: the next run of the same step finds the rest.
async fn contact_messages(
    s: &ErasureServices,
    erasure: &mut ClientErasure,
    sender: u32,
) -> Result<ErasureStep, ErasureError> {
    let Some(key) = erasure.keys.contact_senders.get(sender as usize).cloned() else {
        return Ok(ErasureStep::History { after: None });
    };
    let sent = s
        .records
        .inbound_from(&erasure.tenant, &key, DateTime::UNIX_EPOCH, s.clock.now())
        .await?;
    let more = sent.len() > RECORDS_PAGE;
    for message in sent.into_iter().take(RECORDS_PAGE) {
        s.records
            .delete(&message.key(), message.version)
            .await
            .or_else(|e| match e {
                // Changed meanwhile: found again by the next run of this step.
                StoreError::Conflict { .. } => Ok(()),
                other => Err(other),
            })?;
        erasure.erased.inbound_messages += 1;
    }
    Ok(if more {
        ErasureStep::ContactMessages { sender }
    } else {
        ErasureStep::ContactMessages { sender: sender + 1 }
    })
}

/// One page of the client's history, forgotten with the ledger's copies of its sent messages.
async fn history(
    s: &ErasureServices,
    erasure: &mut ClientErasure,
    after: Option<String>,
) -> Result<ErasureStep, ErasureError> {
    let page = s
        .history
        .client_page(
            &erasure.tenant,
            &erasure.client,
            after.as_deref(),
            HISTORY_PAGE,
        )
        .await?;
    let mut copies: Vec<&str> = page
        .entries
        .iter()
        .filter(|e| e.status == CommunicationStatus::Sent)
        .map(|e| e.message_key.as_str())
        .collect();
    copies.sort_unstable();
    copies.dedup();
    for key in &copies {
        s.ledger.forget_copy(key).await?;
    }
    if page
        .entries
        .iter()
        .any(|e| e.status == CommunicationStatus::Unsubscribed)
    {
        erasure.keys.unsubscribed = true;
    }
    s.history.forget(&page.entries).await?;
    erasure.erased.history_entries += u32::try_from(page.entries.len()).unwrap_or(u32::MAX);
    erasure.erased.ledger_copies += u32::try_from(copies.len()).unwrap_or(u32::MAX);
    Ok(match page.next {
        Some(next) => ErasureStep::History { after: Some(next) },
        None => ErasureStep::Texts,
    })
}

/// An unsubscribe outlives the client under their address's keyed hash — never weakening a
/// bounce or a complaint already kept there.
async fn refusals(
    s: &ErasureServices,
    erasure: &ClientErasure,
    now: DateTime<Utc>,
) -> Result<(), ErasureError> {
    let (true, Some(address)) = (erasure.keys.unsubscribed, &erasure.keys.email) else {
        return Ok(());
    };
    let unsubscribed = AddressMark {
        reason: MarkReason::Unsubscribed,
        at: now,
    };
    let kept = match s.marks.mark_of(&erasure.tenant, address).await? {
        Some(mark) => mark.stronger(unsubscribed),
        None => unsubscribed,
    };
    s.marks.mark(&erasure.tenant, address, kept).await?;
    Ok(())
}

/// Whether `client` of `tenant` was erased (their erasure begun or done).
pub async fn was_erased(
    records: &dyn RecordStore,
    tenant: &TenantId,
    client: &rappel_core::model::ClientId,
) -> Result<bool, StoreError> {
    Ok(records
        .record::<ClientErasure>(tenant, client)
        .await?
        .is_some())
}
