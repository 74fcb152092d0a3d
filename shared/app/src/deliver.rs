//! The single delivery path. Every trigger — a schedule firing, an immediate message after a
//! change, a retry — ends here:
//!
//! 1. claim the message key in the ledger. A key already **settled** (sent, suppressed,
//!    failed) makes this trigger a duplicate: nothing is done. A key **claimed** by another
//!    attempt whose lease still runs is an error to retry — that attempt may yet fail or crash,
//!    and taking the retry for a duplicate would lose the message;
//! 2. load the **current** state of the message's subject (an appointment, a client) and ask
//!    the subject's planner: a trigger too late for its kind, or a message that no longer
//!    applies, is recorded `stale`; a refused channel `suppressed`;
//! 3. render from the current state and send through the mailer or SMS port;
//! 4. once the provider has accepted, settle the ledger as `sent` **first**, then record the
//!    history entry (retried a few times, then logged): a failing history write is never a
//!    reason to send again. Other outcomes are recorded, then settled.
//!
//! A temporary failure releases the claim and returns an error, so the trigger retries. If the
//! release itself fails, the claim stays until its lease runs out and retries until then get
//! [`DeliveryError::InProgress`], then one of them claims and sends.
//!
//! **Once the provider has accepted, the message is never sent again because of us.** The
//! ledger's `sent` is tried once (the call has its own retries); if it fails, a settle request
//! carrying the history entry goes on the send queue ([`SendRequest::Settle`]) and the trigger
//! is answered as done — never handed back, which would send again once the claim's lease ran
//! out. And the provider is only called while the invocation still has the time to record what
//! it accepted ([`COMMIT_RESERVE`]): a delivery that would not finish is given back untried
//! ([`DeliveryError::OutOfTime`]) rather than cut by Lambda between the send and the record.

use crate::commands::CommandError;
use crate::commands::clients::{ConsentStores, Withdrawal, withdraw_consent};
use crate::services::DeliveryServices;
use crate::subjects::{
    self, ContextError, DayRecords, Decision, Loaded, SendTime, SubjectState, Undecidable,
};
use chrono::{DateTime, Utc};
use rappel_core::budget::{SendCap, SmsBudget, UsageHour, UsageMonth, price_per_part};
use rappel_core::message::{
    Channel, MessageKey, MessageKind, Recipient, StaleReason, SuppressionReason,
};
use rappel_core::model::ConfirmationChannel;
use rappel_core::model::{
    AppointmentTypeId, Client, ClientId, Language, PhoneNumber, StaffMember, TenantId,
};
use rappel_core::planning::day::digest_messages;
use rappel_core::privacy::AddressDigest;
use rappel_core::render::{Composition, OutgoingMessage, OutgoingSms, compose, compose_fitting};
use rappel_core::replies::{ConfirmationRequest, TextedNumber};
use rappel_core::settings::{RetentionSettings, business_sender, sms_country_allowed};
use rappel_ports::address_marks::MarksError;
use rappel_ports::deadline::{CALL_BOUND, Deadline};
use rappel_ports::delivery::SendError;
use rappel_ports::history::{CommunicationRecord, CommunicationStatus, HistoryError, SmsCharge};
use rappel_ports::ledger::{Claim, Filed, LedgerError, LedgerState};
use rappel_ports::records::{
    Expected, Record, RecordKey, RecordKind, RecordStore, StoreError, StoredRecord, StoredTemplate,
    TypedRecords,
};
use rappel_ports::schedules::{ScheduleEntry, SendRequest, Unsubscribe};
use rappel_ports::sms_replies::RepliesError;
use rappel_ports::usage::UsageError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Sent {
        provider_message_id: String,
        /// How the ledger learnt of it.
        settlement: Settlement,
    },
    Suppressed(SuppressionReason),
    Stale(StaleReason),
    /// Rejected for good by the provider (recorded with the reason).
    Failed(String),
    /// Already delivered or being delivered by another trigger: nothing done.
    Duplicate,
    /// A message sent earlier whose `sent` the ledger could not record then: recorded now
    /// (a [`SendRequest::Settle`]).
    SettledLate,
    /// A template's test, sent to the address the business gave ([`SendRequest::Test`]).
    TestSent {
        provider_message_id: String,
    },
    /// Held back by its business's send cap: scheduled again for `until` (its slot in a later
    /// hour), where it is decided afresh.
    Held {
        until: DateTime<Utc>,
    },
}

/// How a message the provider accepted was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// The ledger says `sent`, with its history entry.
    Settled,
    /// The ledger could not be written: a settle request waits on the send queue. The trigger
    /// is done all the same, so the message is not sent again.
    Deferred,
    /// Neither the ledger nor the queue could be written (logged, counted). The trigger is
    /// done all the same; the claim stays until its lease runs out, and only another trigger
    /// of the same key after that (a replay) could send it again.
    Unsettled,
}

/// What must still be left of the invocation when the provider is called: the send, the
/// ledger's `sent` and, if that fails, the settle request on the queue — one bounded call each
/// ([`CALL_BOUND`], 8 s) — and a 2 s margin: 3 × 8 s + 2 s = **26 s**. With less left, the
/// message is given back untried ([`DeliveryError::OutOfTime`]).
pub const COMMIT_RESERVE: std::time::Duration =
    std::time::Duration::from_secs(3 * CALL_BOUND.as_secs() + 2);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Another attempt holds the key and its lease has not run out: retry later.
    #[error(
        "another attempt is delivering this message (claimed until {lease_until:?}); retry later"
    )]
    InProgress { lease_until: Option<DateTime<Utc>> },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Too little of the invocation is left to send the message and record it: given back
    /// untried, before the provider was called.
    #[error(
        "not sent: too little of the invocation is left to send and record the message; retry later"
    )]
    OutOfTime,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Marks(#[from] MarksError),
    #[error(transparent)]
    Replies(#[from] RepliesError),
    /// A provider's temporary refusal, by its error code (never the provider's text, which
    /// may quote the recipient: this error reaches logs and dead-letter queues).
    #[error("temporary delivery failure, to retry: {0}")]
    Transient(String),
    /// The provider said "too fast" (by its error code): retry later, send nothing else now.
    #[error("throttled by the provider, to retry: {0}")]
    Throttled(String),
}

/// How often the history entry of a sent message is tried where it is filed apart from the
/// ledger (the local stack: embedded stores, each try immediate).
const HISTORY_ATTEMPTS: usize = 3;

pub async fn deliver(
    s: &DeliveryServices,
    key: &MessageKey,
) -> Result<DeliveryOutcome, DeliveryError> {
    deliver_with(s, key, None, Deadline::NONE, Leg::Planned).await
}

/// What a send request stands for, with no deadline (the local stack).
pub async fn deliver_request(
    s: &DeliveryServices,
    request: &SendRequest,
) -> Result<Vec<(MessageKey, DeliveryOutcome)>, DeliveryError> {
    deliver_request_within(s, request, Deadline::NONE).await
}

/// What a send request stands for, each through the single delivery path: one message, the
/// digest messages of a recurring schedule's firing — decided now, from the firing's instant:
/// which day it covers (in the recipient's zone), on which channels — or the late record of a
/// message already sent. Nothing is sent once `deadline` leaves too little time to record it.
pub async fn deliver_request_within(
    s: &DeliveryServices,
    request: &SendRequest,
    deadline: Deadline,
) -> Result<Vec<(MessageKey, DeliveryOutcome)>, DeliveryError> {
    let (trigger, fired_at) = match request {
        SendRequest::Message { key, .. } => {
            return Ok(vec![(
                key.clone(),
                deliver_with(s, key, None, deadline, Leg::Planned).await?,
            )]);
        }
        SendRequest::Settle { key, record } => {
            settle_late(s, key, record).await?;
            return Ok(vec![(key.clone(), DeliveryOutcome::SettledLate)]);
        }
        SendRequest::Decided { key } => {
            return Ok(vec![(key.clone(), record_decided(s, key).await?)]);
        }
        SendRequest::Test(test) => {
            let outcome = crate::test_send::send_test(s, test, deadline).await?;
            return Ok(vec![(test.key.clone(), outcome)]);
        }
        SendRequest::Unsubscribe(unsubscribe) => {
            take_unsubscribe(s, unsubscribe).await?;
            return Ok(Vec::new());
        }
        SendRequest::Digest { trigger, fired_at } => (trigger, *fired_at),
    };
    let settings = s.records.settings(&trigger.tenant).await?;
    let loaded =
        match DayRecords::load_firing(s.records.as_ref(), settings, &trigger.recipient, fired_at)
            .await
        {
            Ok(Some(loaded)) => loaded,
            Ok(None) | Err(ContextError::Missing(_)) => {
                tracing::warn!(
                    "digest schedule fired for a recipient who is gone; nothing to send"
                );
                return Ok(Vec::new());
            }
            Err(ContextError::Store(e)) => return Err(e.into()),
        };
    let planned = digest_messages(&loaded.context());
    if planned.is_empty() {
        tracing::info!("digest switched off since its schedule was made; nothing to send");
    }
    let mut outcomes = Vec::new();
    for message in planned {
        let state: SubjectState = Box::new(loaded.clone());
        let outcome = deliver_with(s, &message.key, Some(state), deadline, Leg::Planned).await?;
        outcomes.push((message.key, outcome));
    }
    Ok(outcomes)
}

/// A one-click unsubscribe the API queued because its store failed: the consent is withdrawn
/// now (once: a client already unsubscribed, or gone, is done). A store failing again is an
/// error, and the queue delivers the request again.
async fn take_unsubscribe(
    s: &DeliveryServices,
    unsubscribe: &Unsubscribe,
) -> Result<(), DeliveryError> {
    let Some(client) = s
        .records
        .client(&unsubscribe.tenant, &unsubscribe.client)
        .await?
    else {
        tracing::info!(tenant = %unsubscribe.tenant, "a queued unsubscribe for a client now gone: nothing to do");
        return Ok(());
    };
    let stores = ConsentStores {
        records: s.records.as_ref(),
        history: s.history.as_ref(),
        now: s.clock.now(),
    };
    match withdraw_consent(&stores, &client, Withdrawal::OneClick).await {
        Ok(_) | Err(CommandError::NotFound(_)) => Ok(()),
        Err(CommandError::Store(error)) => Err(error.into()),
        Err(other) => Err(DeliveryError::Transient(other.to_string())),
    }
}

/// Reads in one round trip what a batch of requests will first ask for — each message's
/// subject record, its recipient's record and each business's settings — into the batch's
/// memory ([`DeliveryServices::for_batch`]), then in a second the marks of the e-mail
/// addresses those records give (marks are kept by address, so they can only be asked for
/// once the addresses are read). A failure here only costs the reads it would have saved:
/// each delivery then reads for itself.
pub async fn prefetch(s: &DeliveryServices, requests: &[SendRequest]) {
    let mut keys = Vec::new();
    let mut mailed = Vec::new();
    for request in requests {
        match request {
            SendRequest::Message { key, .. } => {
                keys.push(RecordKey::settings(&key.tenant));
                keys.extend(subjects::subject_record(key));
                keys.extend(recipient_record(key));
                if key.channel == Channel::Email {
                    mailed.push(key);
                }
            }
            SendRequest::Digest { trigger, .. } => keys.push(RecordKey::settings(&trigger.tenant)),
            SendRequest::Decided { key } => {
                keys.push(RecordKey::settings(&key.tenant));
                keys.extend(subjects::subject_record(key));
            }
            SendRequest::Settle { .. } | SendRequest::Test(_) | SendRequest::Unsubscribe(_) => {}
        }
    }
    keys.sort();
    keys.dedup();
    let found = match s.records.get_many(&keys).await {
        Ok(found) => found,
        Err(error) => {
            tracing::warn!(%error, "could not read a batch's records at once; each message reads its own");
            return;
        }
    };
    let read: std::collections::HashMap<&RecordKey, &Record> = keys
        .iter()
        .zip(&found)
        .filter_map(|(key, record)| record.as_ref().map(|r| (key, r)))
        .collect();
    let mut addresses: Vec<(TenantId, AddressDigest)> = mailed
        .iter()
        .filter_map(|key| {
            let email = match (&key.recipient, read.get(&recipient_record(key)?)?) {
                (_, Record::Client(client)) => client.email.as_ref()?,
                (_, Record::Staff(staff)) => staff.email.as_ref()?,
                (Recipient::Manager(id), Record::Settings(settings)) => {
                    settings.manager(id)?.email.as_ref()?
                }
                _ => return None,
            };
            Some((key.tenant.clone(), s.pseudonyms.email(email)))
        })
        .collect();
    addresses.sort();
    addresses.dedup();
    if addresses.is_empty() {
        return;
    }
    if let Err(error) = s.marks.marks_of(&addresses).await {
        tracing::warn!(%error, "could not read a batch's address marks at once; each e-mail reads its own");
    }
}

/// The record a message's recipient's address is read from: a client's or a staff member's
/// own, a manager's business's settings (a contact-form sender's is in their message).
fn recipient_record(key: &MessageKey) -> Option<RecordKey> {
    match &key.recipient {
        Recipient::Client(id) => Some(Client::key_of(&key.tenant, id)),
        Recipient::Staff(id) => Some(StaffMember::key_of(&key.tenant, id)),
        Recipient::Manager(_) => Some(RecordKey::settings(&key.tenant)),
        Recipient::Sender(_) => None,
    }
}

/// A message its plan decided not to send, recorded before its time: as suppressed with its
/// reason if the current plan still says so, else nothing (a later plan delivers it, through
/// its own schedule). Claimed under its own ledger key ([`decided_key`]) — once settled, a
/// duplicate request records nothing twice — so the message's own key stays free for the day
/// a plan sends it.
async fn record_decided(
    s: &DeliveryServices,
    key: &MessageKey,
) -> Result<DeliveryOutcome, DeliveryError> {
    let now = s.clock.now();
    let ledger_key = decided_key(key);
    match s.ledger.claim(&ledger_key, now).await? {
        Claim::Claimed => {}
        Claim::Taken(entry) if entry.is_settled() => return Ok(DeliveryOutcome::Duplicate),
        Claim::Taken(entry) => {
            return Err(DeliveryError::InProgress {
                lease_until: entry.lease_until,
            });
        }
    }
    let decided = async {
        let state = match subjects::load(s.records.as_ref(), key).await {
            Ok(Loaded::Found(state)) => state,
            Ok(Loaded::Gone(reason)) => return Ok(DeliveryOutcome::Stale(reason)),
            Err(ContextError::Store(e)) => return Err(DeliveryError::Store(e)),
            Err(ContextError::Missing(_)) => {
                return Ok(DeliveryOutcome::Stale(StaleReason::NotInCurrentPlan));
            }
        };
        let at = SendTime {
            links: &s.links,
            sender: &s.sender,
            now,
        };
        match state.decide(key, at) {
            Ok(Decision::Suppress(reason)) if reason.decided_at_planning() => {
                Recorder::of(s, key, state.client(), now)
                    .await?
                    .suppressed(reason)
                    .await
            }
            // Sent, stale, or undecidable now: not the decision this request records.
            Ok(_) | Err(_) => Ok(DeliveryOutcome::Stale(StaleReason::NotInCurrentPlan)),
        }
    }
    .await;
    match &decided {
        Ok(DeliveryOutcome::Suppressed(_)) => {
            s.ledger
                .complete(&ledger_key, LedgerState::Suppressed, now)
                .await?
        }
        _ => s.ledger.release(&ledger_key).await?,
    }
    decided
}

/// The ledger key under which a message decided at planning is recorded: apart from the
/// message's own, which only a delivery claims.
fn decided_key(key: &MessageKey) -> String {
    format!("{}|decided", key.id())
}

/// The delivery path, with the subject's state already loaded by the caller (a digest firing
/// loads its day once for all its channels).
/// Which message a delivery is: a planned one, or the e-mail sent in place of an SMS the
/// business's budget refused (its key is the SMS's on the e-mail channel, claimed in the
/// ledger like any other, so it goes out once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leg {
    Planned,
    InsteadOfSms,
}

async fn deliver_with(
    s: &DeliveryServices,
    key: &MessageKey,
    preloaded: Option<SubjectState>,
    deadline: Deadline,
    leg: Leg,
) -> Result<DeliveryOutcome, DeliveryError> {
    let now = s.clock.now();
    let ledger_key = key.id();
    match s.ledger.claim(&ledger_key, now).await? {
        Claim::Claimed => {}
        Claim::Taken(entry) if entry.is_settled() => {
            // A sent message carries its history entry: write it again (idempotent), in case
            // the attempt that sent it stopped before its own write.
            if let Some(record) = entry.record
                && let Err(error) = s.history.record(*record).await
            {
                tracing::warn!(%error, "could not repair the history entry of a sent message");
            }
            return Ok(DeliveryOutcome::Duplicate);
        }
        Claim::Taken(entry) => {
            return Err(DeliveryError::InProgress {
                lease_until: entry.lease_until,
            });
        }
    }
    let result = deliver_claimed(s, key, now, preloaded, deadline, leg).await;
    // Settle the claim. A sent message was settled as soon as the provider accepted it. Stale
    // is not final, but for the reasons that are (`StaleReason::is_final`): the appointment may
    // come back to this exact plan.
    let settle = match &result {
        Ok(DeliveryOutcome::Sent { .. } | DeliveryOutcome::TestSent { .. }) => return result,
        Ok(DeliveryOutcome::Suppressed(_)) => Some(LedgerState::Suppressed),
        Ok(DeliveryOutcome::Failed(_)) => Some(LedgerState::Failed),
        // Settled with nothing about its recipient (an erased client).
        Ok(DeliveryOutcome::Stale(reason)) if reason.is_final() => Some(LedgerState::Suppressed),
        Ok(
            DeliveryOutcome::Stale(_)
            | DeliveryOutcome::Duplicate
            | DeliveryOutcome::SettledLate
            | DeliveryOutcome::Held { .. },
        )
        | Err(_) => None,
    };
    match settle {
        Some(state) => s.ledger.complete(&ledger_key, state, now).await?,
        None if deadline.allows(CALL_BOUND) => s.ledger.release(&ledger_key).await?,
        // No time left to give the claim back: its lease runs out before the queue delivers
        // the message again (the queue's visibility timeout is longer).
        None => {}
    }
    result
}

async fn deliver_claimed(
    s: &DeliveryServices,
    key: &MessageKey,
    now: DateTime<Utc>,
    preloaded: Option<SubjectState>,
    deadline: Deadline,
    leg: Leg,
) -> Result<DeliveryOutcome, DeliveryError> {
    let loaded = match preloaded {
        Some(state) => Ok(Loaded::Found(state)),
        None => subjects::load(s.records.as_ref(), key).await,
    };
    // A client whose erasure has begun: nothing is written about them again (the ledger
    // settles the key, with no copy of anything).
    if matches!(loaded, Ok(Loaded::Gone(_)) | Err(ContextError::Missing(_)))
        && erased_recipient(s, key).await?
    {
        return Ok(DeliveryOutcome::Stale(StaleReason::ClientErased));
    }
    let state = match loaded {
        Ok(Loaded::Found(state)) => state,
        Ok(Loaded::Gone(reason)) => {
            // Filed under the recipient if a client, else under no client.
            let recorder = Recorder::of(s, key, recipient_client(&key.recipient), now).await?;
            recorder
                .record(
                    CommunicationStatus::Stale,
                    Some(reason.to_string()),
                    None,
                    None,
                )
                .await?;
            return Ok(DeliveryOutcome::Stale(reason));
        }
        Err(ContextError::Store(e)) => return Err(e.into()),
        Err(ContextError::Missing(what)) => {
            return Recorder::of(s, key, recipient_client(&key.recipient), now)
                .await?
                .failed(format!("missing_{}", what.replace(' ', "_")))
                .await;
        }
    };
    let recorder = Recorder::of(s, key, state.client(), now).await?;
    let at = SendTime {
        links: &s.links,
        sender: &s.sender,
        now,
    };
    let decision = state.decide(key, at);
    // In place of a refused SMS: only when the kind has no e-mail of its own for this
    // recipient (not in the plan), and the recipient takes e-mail. Otherwise nothing is done
    // and nothing recorded (the claim is given back).
    let decision = match leg {
        Leg::Planned => decision,
        Leg::InsteadOfSms => match decision {
            Ok(Decision::Stale(StaleReason::NotInCurrentPlan)) => match state.render(key, at) {
                Ok(rendering)
                    if rendering.contact.email.is_some() && rendering.contact.email_ok =>
                {
                    Ok(Decision::Send {
                        locale: rendering.contact.locale,
                        rendering: Box::new(rendering),
                    })
                }
                _ => return Ok(DeliveryOutcome::Stale(StaleReason::NotInCurrentPlan)),
            },
            _ => return Ok(DeliveryOutcome::Stale(StaleReason::NotInCurrentPlan)),
        },
    };
    let (locale, rendering) = match decision {
        Ok(Decision::Send { locale, rendering }) => (locale, rendering),
        Ok(Decision::Stale(reason)) => {
            recorder
                .record(
                    CommunicationStatus::Stale,
                    Some(reason.to_string()),
                    None,
                    None,
                )
                .await?;
            return Ok(DeliveryOutcome::Stale(reason));
        }
        Ok(Decision::Suppress(reason)) => return recorder.suppressed(reason).await,
        Err(Undecidable::Missing(what)) => {
            return recorder
                .failed(format!("missing_{}", what.replace(' ', "_")))
                .await;
        }
        Err(Undecidable::Unrenderable(error)) => return recorder.failed(error.to_string()).await,
    };
    // The business's limits on what goes out (read once; the batch's memory has them).
    let settings = s.records.settings(&key.tenant).await?;
    // An operator's kill switch holds everything of the business.
    if settings.suspended.is_some() {
        return recorder
            .suppressed(SuppressionReason::BusinessSuspended)
            .await;
    }
    // Templates are per language; the contact's locale is already resolved against the
    // business default.
    let custom = template_in_force(
        s.records.as_ref(),
        &key.tenant,
        (key.kind, key.channel, locale.templates()),
        state.appointment_type(),
    )
    .await?;
    // A template saved before its links were checked, or whose domain was since taken out of
    // the settings, is set aside for the built-in one.
    let custom = match custom {
        Some(template) => {
            let refused = settings.input.link_domains.refused_links(&template.body);
            if refused.is_empty() {
                Some(template)
            } else {
                tracing::warn!(kind = %key.kind, channel = %key.channel, "custom template links outside the business's link_domains; using the default");
                None
            }
        }
        None => None,
    };
    // The business's own verified domain, if it has one; else the platform's address.
    let sender = business_sender(settings.sending_identity.as_ref(), &s.sender);
    let composition = |custom_template| Composition {
        key,
        rendering: &rendering,
        custom_template,
        sender: &sender,
    };
    let (message, fallback) = match compose_fitting(&composition(custom.as_ref().map(|t| &t.body)))
    {
        Ok(fitted) => (fitted.message, fitted.fallback),
        // A client's message over its template's limits is the business's to fix: recorded,
        // never sent in other words (the reason says which limit). A digest has given way to
        // the built-in template already.
        Err(error) if error.is_template_limit() => {
            return recorder
                .failed(format!("template_too_costly: {error}"))
                .await;
        }
        Err(error) if custom.is_some() => {
            tracing::warn!(%error, kind = %key.kind, "custom template failed at send time; using the default");
            match compose(&composition(None)) {
                Ok(message) => (message, None),
                Err(error) => return recorder.failed(error.to_string()).await,
            }
        }
        Err(error) => return recorder.failed(error.to_string()).await,
    };

    // An address that bounced for good or whose owner complained is not mailed again by the
    // business, whoever it belongs to now (until the recipient's address changes).
    if let OutgoingMessage::Email(email) = &message {
        let address = s.pseudonyms.email(&email.to);
        let mark = s.marks.mark_of(&key.tenant, &address).await?;
        if let Some(reason) = mark.and_then(|m| m.blocks(key.kind)) {
            return recorder.suppressed(reason).await;
        }
    }
    // The point of no return is the provider's call: only made while the invocation can
    // still record what the provider accepts.
    let time_to_commit = || {
        if deadline.allows(COMMIT_RESERVE) {
            Ok(())
        } else {
            Err(DeliveryError::OutOfTime)
        }
    };
    // The business's send cap: checked last, so that only a message that would go out now is
    // held (the e-mail in place of a refused SMS is not: the SMS passed the cap).
    if leg == Leg::Planned
        && let Some(until) = hold_if_capped(s, key, settings.input.send_cap, now).await?
    {
        return Ok(DeliveryOutcome::Held { until });
    }
    let mut sms_charge = None;
    let sent = match &message {
        OutgoingMessage::Email(email) => {
            s.pace.wait_turn(Channel::Email).await;
            time_to_commit()?;
            s.mailer
                .send_email(email, now)
                .await
                .map(|r| (r, Some(email.subject.clone())))
        }
        // A number that texted STOP to this business gets none of its SMS (the business's own
        // list: another business's SMS to it are not withdrawn).
        OutgoingMessage::Sms(sms) if stopped_by_client(s, &key.tenant, &sms.to).await? => {
            return recorder.suppressed(SuppressionReason::SmsStopped).await;
        }
        OutgoingMessage::Sms(sms) => match s.sms.is_opted_out(&sms.to).await {
            Ok(true) => return recorder.suppressed(SuppressionReason::OptedOut).await,
            Ok(false) => {
                let charge = charge_of(sms);
                let limits = &settings.input;
                if !sms_country_allowed(
                    limits.sms_countries.as_ref(),
                    limits.time_zone,
                    charge.country.as_deref(),
                ) {
                    return recorder
                        .suppressed(SuppressionReason::SmsCountryNotAllowed)
                        .await;
                }
                if !within_budget(s, &key.tenant, limits.sms_budget, &charge, now).await? {
                    // The e-mail first: if it cannot go now, the SMS's trigger retries both
                    // (the e-mail's own claim keeps it to one send).
                    let instead = MessageKey {
                        channel: Channel::Email,
                        ..key.clone()
                    };
                    Box::pin(deliver_with(s, &instead, None, deadline, Leg::InsteadOfSms)).await?;
                    return recorder.suppressed(SuppressionReason::SmsBudget).await;
                }
                sms_charge = Some(charge);
                s.pace.wait_turn(Channel::Sms).await;
                time_to_commit()?;
                s.sms.send_sms(sms, now).await.map(|r| (r, None))
            }
            // An invalid number fails the check for good, like a rejected send.
            Err(error) => Err(error),
        },
    };
    match sent {
        Ok((receipt, subject)) => {
            // The provider has accepted: from here on, nothing may cause a second send. The
            // ledger settles with the history entry in the same write.
            // A digest sent with the built-in template says why its own was set aside.
            let reason = match leg {
                Leg::Planned => fallback,
                Leg::InsteadOfSms => {
                    Some(format!("instead_of_sms: {}", SuppressionReason::SmsBudget))
                }
            };
            let record = CommunicationRecord {
                sms: sms_charge,
                ..recorder.entry(
                    CommunicationStatus::Sent,
                    reason,
                    subject,
                    Some(receipt.message_id.clone()),
                )
            };
            let settlement = settle_sent(s, &recorder, &record, now).await;
            let asks = rendering.asks_confirmation.as_ref();
            if let OutgoingMessage::Sms(sms) = &message {
                remember_texted(s, key, sms, asks, now).await;
            }
            if let Some(ask) = asks {
                record_request(s, key, ask, &settings.input.retention, now).await;
            }
            tracing::info!(kind = %key.kind, channel = %key.channel, "message sent");
            Ok(DeliveryOutcome::Sent {
                provider_message_id: receipt.message_id,
                settlement,
            })
        }
        Err(error @ SendError::Transient { .. }) => {
            Err(DeliveryError::Transient(error.code().to_owned()))
        }
        Err(error @ SendError::Throttled { .. }) => {
            Err(DeliveryError::Throttled(error.code().to_owned()))
        }
        Err(error @ SendError::Permanent { .. }) => {
            recorder
                .failed_by_provider(error.code(), error.detail())
                .await
        }
    }
}

/// Whether the number texted STOP to the business. Only a deployment with a two-way number
/// hears a STOP; without one, nothing is read.
async fn stopped_by_client(
    s: &DeliveryServices,
    tenant: &TenantId,
    number: &PhoneNumber,
) -> Result<bool, DeliveryError> {
    match &s.two_way {
        Some(two_way) => Ok(two_way
            .replies
            .stopped_since(tenant, &s.pseudonyms.phone(number))
            .await?
            .is_some()),
        None => Ok(false),
    }
}

/// Remembers an SMS sent from the two-way number, for the replies to it. Best effort: the SMS
/// is sent; a reply that finds nothing is answered "nothing to answer", never acted on.
async fn remember_texted(
    s: &DeliveryServices,
    key: &MessageKey,
    sms: &OutgoingSms,
    asks: Option<&ConfirmationRequest>,
    now: DateTime<Utc>,
) {
    let Some(two_way) = &s.two_way else {
        return;
    };
    let text = TextedNumber {
        from: two_way.number.clone(),
        to: sms.to.clone(),
        tenant: key.tenant.clone(),
        // A reply from a staff member's phone is no client's: only an SMS to a client files
        // the replies to it under them.
        client: recipient_client(&key.recipient).cloned(),
        at: now,
        asks: asks.cloned(),
    };
    let to = s.pseudonyms.phone(&sms.to);
    if let Err(error) = two_way.replies.remember(&to, &text).await {
        tracing::warn!(message_key = %key.schedule_name(), %error, "SMS sent; what it asked could not be remembered for its replies");
    }
}

/// A reminder asked the client to confirm: the appointment says so (`requested`, answerable
/// by a reply when the SMS left from the two-way number, else by the e-mail's link). Best
/// effort and written only over the version read: the message is sent, and a request that
/// loses a race with a change is only not shown.
async fn record_request(
    s: &DeliveryServices,
    key: &MessageKey,
    ask: &ConfirmationRequest,
    retention: &RetentionSettings,
    now: DateTime<Utc>,
) {
    let by = if key.channel == Channel::Sms && s.two_way.is_some() {
        ConfirmationChannel::SmsReply
    } else {
        ConfirmationChannel::Link
    };
    let current = match s.records.appointment(&ask.tenant, &ask.appointment).await {
        Ok(Some(current)) => current,
        Ok(None) => return,
        Err(error) => {
            tracing::warn!(message_key = %key.schedule_name(), %error, "a confirmation request was sent; the appointment could not be read to say so");
            return;
        }
    };
    let Some(next) = current.confirmation_requested(by, now) else {
        return;
    };
    let written = s
        .records
        .put_retained(
            Record::Appointment(next),
            Expected::Version(current.version),
            retention,
            now,
        )
        .await;
    if let Err(error) = written {
        tracing::warn!(message_key = %key.schedule_name(), %error, "a confirmation request was sent; the appointment could not say so");
    }
}

/// What an SMS costs: its parts × the price of a part to its number's country.
pub(crate) fn charge_of(sms: &OutgoingSms) -> SmsCharge {
    let parts = u32::try_from(sms.size.segments).unwrap_or(u32::MAX);
    let country = sms.to.country();
    SmsCharge {
        parts,
        cost: price_per_part(country.as_deref()).times(parts),
        country,
    }
}

/// Whether the business's monthly SMS budget, if it set one, leaves room for `charge` (the
/// month's counters are read only for a business with a budget). Copies
/// sending at once may each pass the last check: the budget can be overrun by at most the
/// SMS in flight at that moment (a few, at the lanes' concurrency).
async fn within_budget(
    s: &DeliveryServices,
    tenant: &TenantId,
    budget: Option<SmsBudget>,
    charge: &SmsCharge,
    now: DateTime<Utc>,
) -> Result<bool, DeliveryError> {
    let Some(budget) = budget else {
        return Ok(true);
    };
    let month = s
        .usage
        .month(tenant, &UsageMonth::of(now))
        .await
        .map_err(|e| DeliveryError::Transient(e.to_string()))?;
    let allowed = budget.allows(month.sms_cost, charge.cost);
    if !allowed {
        tracing::warn!(%tenant, spent = %month.sms_cost, "SMS budget reached: SMS suppressed");
        if let Err(error) = s.usage.count_refused(tenant, &UsageMonth::of(now)).await {
            tracing::warn!(%tenant, %error, "an SMS refused by the budget could not be counted");
        }
    }
    Ok(allowed)
}

/// Holds the message back when its business has a send cap and this hour has sent it: the
/// hour's held counter gives it a ticket, the ticket a slot in a later hour
/// ([`SendCap::slot`]), and a schedule brings it back then. Answers the slot if held.
async fn hold_if_capped(
    s: &DeliveryServices,
    key: &MessageKey,
    cap: Option<SendCap>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DeliveryError> {
    let Some(cap) = cap else {
        return Ok(None);
    };
    let usage_failed = |e: UsageError| DeliveryError::Transient(e.to_string());
    let hour = UsageHour::of(now);
    let this_hour = s
        .usage
        .hour(&key.tenant, &hour)
        .await
        .map_err(usage_failed)?;
    if cap.allows(this_hour.sent) {
        return Ok(None);
    }
    let ticket = s
        .usage
        .hold(&key.tenant, &hour)
        .await
        .map_err(usage_failed)?;
    let until = cap.slot(now, ticket);
    let entry = ScheduleEntry {
        name: key.held_schedule_name(until),
        due: until,
        key: key.clone(),
    };
    s.held
        .create(entry)
        .await
        .map_err(|e| DeliveryError::Transient(e.to_string()))?;
    tracing::info!(tenant = %key.tenant, message_key = %key.schedule_name(), %until, "send cap reached: message held for a later slot");
    Ok(Some(until))
}

/// The business's own template for a message of `kind` on `channel` in `language`, if it has
/// one: the type's, else the business-wide one — what the delivery path sends with, and what
/// a preview shows. Every template of the business is listed in one query, which a batch of
/// messages shares ([`DeliveryServices::for_batch`]) instead of two reads per message.
pub async fn template_in_force(
    records: &dyn RecordStore,
    tenant: &TenantId,
    (kind, channel, language): (MessageKind, Channel, Language),
    type_id: Option<&AppointmentTypeId>,
) -> Result<Option<StoredTemplate>, StoreError> {
    let templates = records
        .records_of_kind(tenant, RecordKind::Template)
        .await?;
    let find = |scope: Option<&AppointmentTypeId>| {
        templates.iter().find_map(|record| match record {
            Record::Template(t)
                if t.kind == kind
                    && t.channel == channel
                    && t.locale == language
                    && t.type_id.as_ref() == scope =>
            {
                Some(t.clone())
            }
            _ => None,
        })
    };
    Ok(type_id.and_then(|id| find(Some(id))).or_else(|| find(None)))
}

/// Records `sent` in the ledger — once: the call has its own retries, and a message the
/// provider accepted must be answered for inside the invocation. If the ledger cannot be
/// written, a settle request takes the record to the send queue; if that fails too, the
/// failure is logged (message key only) and counted. Either way the caller is done with the
/// message: nothing here ever leads to a second send.
async fn settle_sent(
    s: &DeliveryServices,
    recorder: &Recorder<'_>,
    record: &CommunicationRecord,
    now: DateTime<Utc>,
) -> Settlement {
    let key = recorder.key;
    let error = match s.ledger.settle_sent(&key.id(), record, now).await {
        Ok(Filed::WithHistory | Filed::AlreadySent) => return Settlement::Settled,
        Ok(Filed::LedgerOnly) => {
            recorder.record_after_sending(record.clone()).await;
            return Settlement::Settled;
        }
        Err(error) => error,
    };
    let request = SendRequest::Settle {
        key: key.clone(),
        record: Box::new(record.clone()),
    };
    match s.settles.enqueue(std::slice::from_ref(&request)).await {
        Ok(()) => {
            tracing::warn!(message_key = %key.schedule_name(), kind = %key.kind, channel = %key.channel, %error, "message sent; the ledger could not record it, a settle request is queued");
            Settlement::Deferred
        }
        Err(queue_error) => {
            tracing::error!(message_key = %key.schedule_name(), kind = %key.kind, channel = %key.channel, %error, %queue_error, "message sent; neither the ledger nor the send queue could record it");
            Settlement::Unsettled
        }
    }
}

/// A settle request: the ledger records `sent` with the history entry of a message sent
/// earlier (unconditionally: it was sent, whatever claim the key holds now).
async fn settle_late(
    s: &DeliveryServices,
    key: &MessageKey,
    record: &CommunicationRecord,
) -> Result<(), DeliveryError> {
    let now = s.clock.now();
    match s.ledger.settle_sent(&key.id(), record, now).await? {
        Filed::WithHistory => {}
        Filed::LedgerOnly => {
            Recorder {
                s,
                key,
                client: record.client.as_ref(),
                now,
                kept_until: record.kept_until,
            }
            .record_after_sending(record.clone())
            .await;
        }
        // Delivered twice: the history entry again (idempotent: it may be what the first
        // delivery missed), the count not.
        Filed::AlreadySent => {
            if let Err(error) = s.history.record(record.clone()).await {
                tracing::warn!(message_key = %key.schedule_name(), %error, "a message sent earlier: its history entry could not be written");
            }
        }
    }
    tracing::info!(message_key = %key.schedule_name(), kind = %key.kind, channel = %key.channel, "a message sent earlier is recorded");
    Ok(())
}

/// Writes history entries for one message.
struct Recorder<'a> {
    s: &'a DeliveryServices,
    key: &'a MessageKey,
    client: Option<&'a ClientId>,
    now: DateTime<Utc>,
    /// When its entries are deleted (the business's history retention from `now`).
    kept_until: Option<DateTime<Utc>>,
}

impl<'a> Recorder<'a> {
    /// The recorder of `key`'s outcome at `now`, kept as its business says (the settings are
    /// in the batch's memory).
    async fn of(
        s: &'a DeliveryServices,
        key: &'a MessageKey,
        client: Option<&'a ClientId>,
        now: DateTime<Utc>,
    ) -> Result<Self, StoreError> {
        let retention = s.records.settings(&key.tenant).await?.input.retention;
        Ok(Self {
            s,
            key,
            client,
            now,
            kept_until: Some(retention.history_kept_until(now)),
        })
    }
}

impl Recorder<'_> {
    async fn record(
        &self,
        status: CommunicationStatus,
        reason: Option<String>,
        subject: Option<String>,
        provider_message_id: Option<String>,
    ) -> Result<(), HistoryError> {
        self.s
            .history
            .record(self.entry(status, reason, subject, provider_message_id))
            .await
    }

    fn entry(
        &self,
        status: CommunicationStatus,
        reason: Option<String>,
        subject: Option<String>,
        provider_message_id: Option<String>,
    ) -> CommunicationRecord {
        CommunicationRecord {
            tenant: self.key.tenant.clone(),
            about: self.key.subject.clone(),
            client: self.client.cloned(),
            message_key: self.key.id(),
            kind: self.key.kind,
            recipient: self.key.recipient.clone(),
            channel: self.key.channel,
            due: self.key.due,
            recorded_at: self.now,
            status,
            reason,
            subject,
            provider_message_id,
            sms: None,
            kept_until: self.kept_until,
        }
    }

    async fn suppressed(
        &self,
        reason: SuppressionReason,
    ) -> Result<DeliveryOutcome, DeliveryError> {
        self.record(
            CommunicationStatus::Suppressed,
            Some(reason.to_string()),
            None,
            None,
        )
        .await?;
        Ok(DeliveryOutcome::Suppressed(reason))
    }

    /// The history entry of a message the provider accepted. Tried a few times; if the history
    /// stays unavailable the entry is logged as missing (message key only) — the ledger already
    /// says `sent`, so no retry will send it again.
    async fn record_after_sending(&self, record: CommunicationRecord) {
        // Where the ledger did not count it in its own write (the embedded stores).
        if let Err(error) = self.s.usage.count(&record).await {
            tracing::warn!(message_key = %self.key.schedule_name(), %error, "message sent; the month's usage could not count it");
        }
        let mut last_error = None;
        for _ in 0..HISTORY_ATTEMPTS {
            match self.s.history.record(record.clone()).await {
                Ok(()) => return,
                Err(error) => last_error = Some(error),
            }
        }
        if let Some(error) = last_error {
            tracing::error!(
                message_key = %self.key.schedule_name(),
                kind = %self.key.kind,
                channel = %self.key.channel,
                %error,
                "message sent but its history entry could not be written; the ledger keeps it for the next trigger"
            );
        }
    }

    /// A provider's permanent refusal: the code is logged; its text goes into the history,
    /// without any address or number it quotes.
    async fn failed_by_provider(
        &self,
        code: &str,
        detail: &str,
    ) -> Result<DeliveryOutcome, DeliveryError> {
        tracing::warn!(kind = %self.key.kind, channel = %self.key.channel, recipient = recipient_kind(&self.key.recipient), code, "message rejected by the provider");
        self.record_failed(format!("{code}: {detail}")).await
    }

    async fn failed(&self, reason: String) -> Result<DeliveryOutcome, DeliveryError> {
        tracing::warn!(kind = %self.key.kind, channel = %self.key.channel, recipient = recipient_kind(&self.key.recipient), %reason, "message failed for good");
        self.record_failed(reason).await
    }

    /// A failure, with the provider's words kept without any address or number they quote:
    /// the reason reaches the history, the events and the integrator.
    async fn record_failed(&self, reason: String) -> Result<DeliveryOutcome, DeliveryError> {
        let reason = rappel_core::privacy::redact_contacts(&reason);
        self.record(
            CommunicationStatus::Failed,
            Some(reason.clone()),
            None,
            None,
        )
        .await?;
        Ok(DeliveryOutcome::Failed(reason))
    }
}

/// Whether the message's recipient is a client whose erasure has begun (read only when the
/// message's subject or its client is gone: the rare path).
async fn erased_recipient(s: &DeliveryServices, key: &MessageKey) -> Result<bool, DeliveryError> {
    match &key.recipient {
        Recipient::Client(id) => {
            Ok(crate::erasure::was_erased(s.records.as_ref(), &key.tenant, id).await?)
        }
        _ => Ok(false),
    }
}

fn recipient_client(recipient: &Recipient) -> Option<&ClientId> {
    match recipient {
        Recipient::Client(id) => Some(id),
        Recipient::Staff(_) | Recipient::Manager(_) | Recipient::Sender(_) => None,
    }
}

/// For logs: the kind of recipient, never who.
fn recipient_kind(r: &Recipient) -> &'static str {
    match r {
        Recipient::Client(_) => "client",
        Recipient::Staff(_) => "staff",
        Recipient::Manager(_) => "manager",
        Recipient::Sender(_) => "sender",
    }
}
