//! A client's text to the two-way number: read against what was texted to that number from
//! it (never a guess), acted on through the same commands as the API and the links, answered
//! by SMS, and filed in the client's history with what it did.
//!
//! A reply is handled once: its provider id is claimed in the delivery ledger, so a
//! notification delivered twice acts and answers once; a client who sends "OUI" twice gets a
//! second answer, and the appointment stays confirmed once.

use super::CommandError;
use super::appointments::{ClientAnswer, cancel_by_client, confirm_by_client};
use super::ids::arrival_nonce;
use crate::services::TwoWaySms;
use chrono::{DateTime, Utc};
use rappel_core::feedback::MailTags;
use rappel_core::message::{Channel, MessageKey, MessageKind, Recipient, Subject};
use rappel_core::model::{
    Appointment, AppointmentId, ClientId, ConfirmationChannel, Inbound, InboundKind, InboundSender,
    Language, PhoneNumber, TenantId,
};
use rappel_core::privacy::Pseudonyms;
use rappel_core::render::{OutgoingMessage, OutgoingSms, format_date, format_time, sms_size};
use rappel_core::replies::{InboundSms, ReplyAnswer, ReplyDecision, ReplyKeyword, decide};
use rappel_ports::clock::Clock;
use rappel_ports::history::{CommunicationHistory, CommunicationRecord, CommunicationStatus};
use rappel_ports::ledger::{Claim, DeliveryLedger, LedgerError, LedgerState};
use rappel_ports::records::{Expected, Record, RecordStore, StoreError, TypedRecords};
use rappel_ports::schedules::{SendRequest, TestSend};
use rappel_ports::send_queue::SendQueue;
use rappel_ports::sms_replies::RepliesError;
use std::sync::Arc;

/// The longest text kept of a message for the business (ten SMS parts).
pub const KEPT_TEXT: usize = 1_600;

/// What taking a reply needs.
#[derive(Clone)]
pub struct ReplyServices {
    pub records: Arc<dyn RecordStore>,
    pub history: Arc<dyn CommunicationHistory>,
    /// Where a reply's provider id is claimed: handled once.
    pub ledger: Arc<dyn DeliveryLedger>,
    pub clock: Arc<dyn Clock>,
    /// The answers leave through the send function (the provider's rights are there).
    pub send_queue: Arc<dyn SendQueue>,
    pub two_way: TwoWaySms,
    /// What a STOP is kept under (the number's keyed hash).
    pub pseudonyms: Pseudonyms,
}

/// What a reply did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyTaken {
    Stopped,
    Started,
    Help,
    Confirmed,
    Cancelled,
    /// Free text: an inbound message of the business.
    ToBusiness,
    /// Several appointments wait for an answer: asked which, nothing changed.
    Clarified,
    NothingToAnswer,
    /// From a number nobody texted from this two-way number, or to another number: nothing
    /// recorded, nothing answered.
    Unknown,
    /// The same reply delivered again: done already.
    Duplicate,
}

impl ReplyTaken {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stopped => "stopped",
            Self::Started => "started",
            Self::Help => "help",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::ToBusiness => "to_business",
            Self::Clarified => "clarified",
            Self::NothingToAnswer => "nothing_to_answer",
            Self::Unknown => "unknown",
            Self::Duplicate => "duplicate",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error(transparent)]
    Replies(#[from] RepliesError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("this reply is being handled by another attempt; retry later")]
    InProgress,
    #[error("the answer could not be queued: {0}")]
    Answer(String),
}

/// Takes one reply: acts, answers, files it. Retryable errors leave the reply unclaimed.
pub async fn take_sms_reply(s: &ReplyServices, sms: &InboundSms) -> Result<ReplyTaken, ReplyError> {
    if PhoneNumber::parse(&sms.to).ok().as_ref() != Some(&s.two_way.number) {
        tracing::warn!("an SMS reply to a number that is not this deployment's two-way number");
        return Ok(ReplyTaken::Unknown);
    }
    let now = s.clock.now();
    let claim = format!("sms-reply/{}", sms.id);
    match s.ledger.claim(&claim, now).await? {
        Claim::Claimed => {}
        Claim::Taken(entry) if entry.is_settled() => return Ok(ReplyTaken::Duplicate),
        Claim::Taken(_) => return Err(ReplyError::InProgress),
    }
    match act(s, sms, now).await {
        Ok(taken) => {
            s.ledger.complete(&claim, LedgerState::Sent, now).await?;
            tracing::info!(outcome = taken.as_str(), "SMS reply taken");
            Ok(taken)
        }
        Err(error) => {
            if let Err(release) = s.ledger.release(&claim).await {
                tracing::warn!(%release, "an SMS reply failed; its claim could not be given back");
            }
            Err(error)
        }
    }
}

/// Who a reply is filed under and answered as.
struct Replier {
    tenant: TenantId,
    client: ClientId,
    about: Subject,
}

async fn act(
    s: &ReplyServices,
    sms: &InboundSms,
    now: DateTime<Utc>,
) -> Result<ReplyTaken, ReplyError> {
    let replies = &s.two_way.replies;
    let from = s.pseudonyms.phone(&sms.from);
    let mut context = replies.context_of(&s.two_way.number, &from).await?;
    // A request whose appointment can no longer be answered (cancelled meanwhile, gone, or
    // begun) is no candidate: it must not turn a clear answer into a question.
    let mut open = Vec::with_capacity(context.requests.len());
    for request in std::mem::take(&mut context.requests) {
        if request.starts_at > now
            && answerable(
                s.records.as_ref(),
                &request.tenant,
                &request.appointment,
                now,
            )
            .await?
            .is_some()
        {
            open.push(request);
        }
    }
    context.requests = open;
    let keyword = ReplyKeyword::parse(&sms.body);
    let decision = decide(keyword, &context, now);
    let last_client = context.last_client.clone();
    let replier_of = |tenant: &TenantId| {
        last_client.clone().map(|client| Replier {
            tenant: tenant.clone(),
            about: Subject::Client(client.clone()),
            client,
        })
    };
    let records = s.records.as_ref();
    let (taken, replier, answer) = match decision {
        ReplyDecision::Unknown => return Ok(ReplyTaken::Unknown),
        ReplyDecision::Stop(tenant) => {
            replies
                .set_stopped(&tenant, &s.pseudonyms.phone(&sms.from), Some(now))
                .await?;
            let business = business_name(records, &tenant).await?;
            (
                ReplyTaken::Stopped,
                replier_of(&tenant),
                Some(ReplyAnswer::Stopped { business }),
            )
        }
        ReplyDecision::Start(tenant) => {
            replies
                .set_stopped(&tenant, &s.pseudonyms.phone(&sms.from), None)
                .await?;
            let business = business_name(records, &tenant).await?;
            (
                ReplyTaken::Started,
                replier_of(&tenant),
                Some(ReplyAnswer::Started { business }),
            )
        }
        ReplyDecision::Help(tenant) => {
            let settings = records.settings(&tenant).await?;
            let answer = ReplyAnswer::Help {
                business: settings.input.business_name.to_string(),
                contact: settings.input.reply_address.map(|a| a.as_str().to_owned()),
            };
            (ReplyTaken::Help, replier_of(&tenant), Some(answer))
        }
        ReplyDecision::ToBusiness(tenant) => {
            let Some(replier) = replier_of(&tenant) else {
                // The last SMS to that number was a staff member's: no client to file it under.
                return Ok(ReplyTaken::Unknown);
            };
            to_business(records, &replier, &sms.body, now).await?;
            // The business's automatic reply rules answer it, as any inbound message.
            (ReplyTaken::ToBusiness, Some(replier), None)
        }
        ReplyDecision::NothingToAnswer(tenant) => {
            let replier = tenant.as_ref().and_then(replier_of);
            let answer = replier.as_ref().map(|_| ReplyAnswer::NothingToAnswer);
            (ReplyTaken::NothingToAnswer, replier, answer)
        }
        ReplyDecision::Clarify(candidates) => {
            let mut choices = Vec::new();
            let mut replier = None;
            for (tenant, id) in &candidates {
                if let Some(appointment) = records.appointment(tenant, id).await? {
                    choices.push(format!(
                        "{} — {}",
                        when(records, &appointment).await?,
                        business_name(records, tenant).await?
                    ));
                    replier.get_or_insert(Replier {
                        tenant: tenant.clone(),
                        client: appointment.client_id.clone(),
                        about: Subject::Client(appointment.client_id.clone()),
                    });
                }
            }
            (
                ReplyTaken::Clarified,
                replier,
                Some(ReplyAnswer::WhichOne { choices }),
            )
        }
        ReplyDecision::Confirm(tenant, id) => {
            let fallback = replier_of(&tenant);
            on_appointment(s, now, &tenant, &id, Answer::Confirm, fallback).await?
        }
        ReplyDecision::Cancel(tenant, id) => {
            let fallback = replier_of(&tenant);
            on_appointment(s, now, &tenant, &id, Answer::Cancel, fallback).await?
        }
    };
    finish(s, sms, now, taken, replier, answer).await
}

/// A yes or a no to a confirmation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Confirm,
    Cancel,
}

/// What a reply did, who it is filed under, and what it is answered.
type Acted = (ReplyTaken, Option<Replier>, Option<ReplyAnswer>);

/// The client's yes or no to the one appointment waiting for it, through the same commands
/// as the links. Read again first: changed since (cancelled, begun), it is "nothing to
/// answer" (filed under `fallback`, the last texted client).
async fn on_appointment(
    s: &ReplyServices,
    now: DateTime<Utc>,
    tenant: &TenantId,
    id: &AppointmentId,
    answer: Answer,
    fallback: Option<Replier>,
) -> Result<Acted, ReplyError> {
    let records = s.records.as_ref();
    let Some(appointment) = answerable(records, tenant, id, now).await? else {
        let said = fallback.as_ref().map(|_| ReplyAnswer::NothingToAnswer);
        return Ok((ReplyTaken::NothingToAnswer, fallback, said));
    };
    let replier = Replier {
        tenant: tenant.clone(),
        client: appointment.client_id.clone(),
        about: Subject::Appointment(id.clone()),
    };
    let settings = records.settings(tenant).await?;
    let business = settings.input.business_name.to_string();
    let starts = when(records, &appointment).await?;
    Ok(match answer {
        Answer::Cancel => {
            let history = s.history.as_ref();
            let acted = (&appointment, &settings);
            cancel_by_client(records, history, now, acted, ClientAnswer::SmsReply).await?;
            let said = ReplyAnswer::Cancelled { business, starts };
            (ReplyTaken::Cancelled, Some(replier), Some(said))
        }
        Answer::Confirm => {
            let acted = (&appointment, &settings);
            confirm_by_client(records, now, acted, ConfirmationChannel::SmsReply).await?;
            let said = ReplyAnswer::Confirmed { business, starts };
            (ReplyTaken::Confirmed, Some(replier), Some(said))
        }
    })
}

/// Files the reply in the client's history, and queues the answer.
async fn finish(
    s: &ReplyServices,
    sms: &InboundSms,
    now: DateTime<Utc>,
    taken: ReplyTaken,
    replier: Option<Replier>,
    answer: Option<ReplyAnswer>,
) -> Result<ReplyTaken, ReplyError> {
    let Some(replier) = replier else {
        return Ok(taken);
    };
    let key = MessageKey {
        tenant: replier.tenant.clone(),
        subject: replier.about.clone(),
        kind: MessageKind::AutoReply,
        ordinal: 0,
        recipient: Recipient::Client(replier.client.clone()),
        channel: Channel::Sms,
        due: now,
    };
    let retention = s.records.settings(&replier.tenant).await?.input.retention;
    let entry = CommunicationRecord {
        tenant: replier.tenant.clone(),
        about: replier.about.clone(),
        client: Some(replier.client.clone()),
        message_key: format!("sms-reply/{}", sms.id),
        kind: MessageKind::AutoReply,
        recipient: key.recipient.clone(),
        channel: Channel::Sms,
        due: now,
        recorded_at: now,
        status: CommunicationStatus::Replied,
        reason: Some(taken.as_str().to_owned()),
        subject: None,
        provider_message_id: Some(sms.id.clone()),
        sms: None,
        kept_until: Some(retention.history_kept_until(now)),
    };
    if let Err(error) = s.history.record(entry).await {
        tracing::warn!(%error, "an SMS reply was taken; its history entry could not be written");
    }
    let Some(answer) = answer else {
        return Ok(taken);
    };
    let language = match s.records.client(&replier.tenant, &replier.client).await? {
        Some(client) => client.locale.templates(),
        None => Language::Fr,
    };
    let text = answer.text(language);
    let message = OutgoingMessage::Sms(OutgoingSms {
        to: sms.from.clone(),
        size: sms_size(&text),
        text,
        transactional: true,
        idempotency_key: format!("sms-reply-answer/{}", sms.id),
        tags: MailTags {
            tenant: replier.tenant.clone(),
            recipient: key.recipient.clone(),
            kind: MessageKind::AutoReply,
            key: None,
        }
        .to_pairs(),
    });
    let request = SendRequest::Test(Box::new(TestSend {
        key,
        message,
        test_id: format!("reply-{}", sms.id),
        answering: Some(sms.id.clone()),
    }));
    s.send_queue
        .enqueue(std::slice::from_ref(&request))
        .await
        .map_err(|e| ReplyError::Answer(e.to_string()))?;
    Ok(taken)
}

/// The appointment a confirm or a cancel is about, if it can still be answered: there,
/// active and not begun.
async fn answerable(
    records: &dyn RecordStore,
    tenant: &TenantId,
    id: &AppointmentId,
    now: DateTime<Utc>,
) -> Result<Option<Appointment>, StoreError> {
    Ok(records
        .appointment(tenant, id)
        .await?
        .filter(|a| a.status.is_active() && a.start > now))
}

async fn business_name(records: &dyn RecordStore, tenant: &TenantId) -> Result<String, StoreError> {
    Ok(records
        .settings(tenant)
        .await?
        .input
        .business_name
        .to_string())
}

/// When the appointment begins, as its client reads it.
async fn when(records: &dyn RecordStore, a: &Appointment) -> Result<String, StoreError> {
    let locale = match records.client(&a.tenant, &a.client_id).await? {
        Some(client) => client.locale,
        None => records.settings(&a.tenant).await?.input.default_locale,
    };
    let at = match locale.templates() {
        Language::Fr => "à",
        Language::En => "at",
    };
    Ok(format!(
        "{} {at} {}",
        format_date(a.start, a.time_zone, locale),
        format_time(a.start, a.time_zone, locale)
    ))
}

/// Free text: an inbound message of the business from the client, with the text (cut to
/// [`KEPT_TEXT`] characters).
async fn to_business(
    records: &dyn RecordStore,
    replier: &Replier,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), ReplyError> {
    let sender = InboundSender::Client {
        client_id: replier.client.clone(),
    };
    let id = Inbound::id_for(&sender, now, &arrival_nonce())
        .ok_or_else(|| StoreError::Unavailable("could not allocate an inbound id".into()))?;
    let inbound = Inbound {
        tenant: replier.tenant.clone(),
        id,
        kind: InboundKind::Message,
        sender,
        channel: Some(Channel::Sms),
        received_at: now,
        automated: false,
        text: Some(body.chars().take(KEPT_TEXT).collect()),
        version: 1,
    };
    let retention = records.settings(&replier.tenant).await?.input.retention;
    records
        .put_retained(Record::Inbound(inbound), Expected::Absent, &retention, now)
        .await?;
    Ok(())
}
