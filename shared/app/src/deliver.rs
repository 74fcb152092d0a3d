//! The single delivery path. Every trigger — a schedule firing, an immediate message after a
//! change, a retry — ends here:
//!
//! 1. claim the message key in the ledger (a duplicate trigger stops here: exactly-once effect);
//! 2. load the **current** appointment and context and re-plan (a message that no longer applies
//!    is recorded `stale`, one whose channel was refused is recorded `suppressed`);
//! 3. render from the current state and send through the mailer or SMS port;
//! 4. record the outcome in the client's communication history and settle the ledger.
//!
//! A temporary provider failure releases the claim and returns an error, so the trigger retries.

use crate::context::{ContextError, load_context};
use crate::services::DeliveryServices;
use chrono::{DateTime, Utc};
use rappel_core::message::{MessageKey, Recipient, StaleReason, SuppressionReason, Verdict};
use rappel_core::model::ClientId;
use rappel_core::planning::verdict;
use rappel_core::render::{Composition, OutgoingMessage, compose};
use rappel_ports::delivery::SendError;
use rappel_ports::history::{CommunicationRecord, CommunicationStatus, HistoryError};
use rappel_ports::ledger::{Claim, LedgerError, LedgerState};
use rappel_ports::records::{StoreError, TypedRecords};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Sent {
        provider_message_id: String,
    },
    Suppressed(SuppressionReason),
    Stale(StaleReason),
    /// Rejected for good by the provider (recorded with the reason).
    Failed(String),
    /// Already delivered or being delivered by another trigger: nothing done.
    Duplicate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error("temporary delivery failure, to retry: {0}")]
    Transient(String),
}

pub async fn deliver(
    s: &DeliveryServices,
    key: &MessageKey,
) -> Result<DeliveryOutcome, DeliveryError> {
    let now = s.clock.now();
    let ledger_key = key.id();
    if let Claim::Taken(_) = s.ledger.claim(&ledger_key, now).await? {
        return Ok(DeliveryOutcome::Duplicate);
    }
    let result = deliver_claimed(s, key, now).await;
    // Settle the claim. Stale is not final: the appointment may come back to this exact plan.
    let settle = match &result {
        Ok(DeliveryOutcome::Sent { .. }) => Some(LedgerState::Sent),
        Ok(DeliveryOutcome::Suppressed(_)) => Some(LedgerState::Suppressed),
        Ok(DeliveryOutcome::Failed(_)) => Some(LedgerState::Failed),
        Ok(DeliveryOutcome::Stale(_) | DeliveryOutcome::Duplicate) | Err(_) => None,
    };
    match settle {
        Some(state) => s.ledger.complete(&ledger_key, state, now).await?,
        None => s.ledger.release(&ledger_key).await?,
    }
    result
}

async fn deliver_claimed(
    s: &DeliveryServices,
    key: &MessageKey,
    now: DateTime<Utc>,
) -> Result<DeliveryOutcome, DeliveryError> {
    let Some(appointment) = s.records.appointment(&key.tenant, &key.appointment).await? else {
        // No client to file it under: nothing to record.
        return Ok(DeliveryOutcome::Stale(StaleReason::AppointmentGone));
    };
    let recorder = Recorder {
        s,
        key,
        client: &appointment.client_id,
        now,
    };
    let ctx = match load_context(s.records.as_ref(), &appointment).await {
        Ok(ctx) => ctx,
        Err(ContextError::Store(e)) => return Err(e.into()),
        Err(ContextError::Missing(what)) => {
            let reason = format!("missing_{}", what.replace(' ', "_"));
            recorder
                .record(
                    CommunicationStatus::Failed,
                    Some(reason.clone()),
                    None,
                    None,
                )
                .await?;
            return Ok(DeliveryOutcome::Failed(reason));
        }
    };
    match verdict(key, &appointment, &ctx.planning()) {
        Verdict::Stale(reason) => {
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
        Verdict::Suppress(reason) => return recorder.suppressed(reason).await,
        Verdict::Send => {}
    }

    let type_id = Some(&appointment.type_id);
    let locale = ctx
        .planning()
        .contact(&key.recipient)
        .map(|c| c.locale)
        .unwrap_or(ctx.settings.input.default_locale);
    let custom = match s
        .records
        .template(&key.tenant, key.kind, key.channel, locale, type_id)
        .await?
    {
        Some(t) => Some(t),
        None => {
            s.records
                .template(&key.tenant, key.kind, key.channel, locale, None)
                .await?
        }
    };
    let planning = ctx.planning();
    let composition = |custom_template| Composition {
        key,
        appointment: &appointment,
        ctx: &planning,
        custom_template,
        sender: &s.sender,
        links: &s.links,
        now,
    };
    let message = match compose(&composition(custom.as_ref().map(|t| &t.body))) {
        Ok(message) => message,
        Err(error) if custom.is_some() => {
            tracing::warn!(%error, kind = %key.kind, "custom template failed at send time; using the default");
            match compose(&composition(None)) {
                Ok(message) => message,
                Err(error) => return recorder.failed(error.to_string()).await,
            }
        }
        Err(error) => return recorder.failed(error.to_string()).await,
    };

    let sent = match &message {
        OutgoingMessage::Email(email) => s
            .mailer
            .send_email(email, now)
            .await
            .map(|r| (r, Some(email.subject.clone()))),
        OutgoingMessage::Sms(sms) => {
            if s.sms.is_opted_out(&sms.to).await.map_err(transient)? {
                return recorder.suppressed(SuppressionReason::OptedOut).await;
            }
            s.sms.send_sms(sms, now).await.map(|r| (r, None))
        }
    };
    match sent {
        Ok((receipt, subject)) => {
            recorder
                .record(
                    CommunicationStatus::Sent,
                    None,
                    subject,
                    Some(receipt.message_id.clone()),
                )
                .await?;
            tracing::info!(kind = %key.kind, channel = %key.channel, "message sent");
            Ok(DeliveryOutcome::Sent {
                provider_message_id: receipt.message_id,
            })
        }
        Err(SendError::Transient(reason)) => Err(DeliveryError::Transient(reason)),
        Err(SendError::Permanent(reason)) => recorder.failed(reason).await,
    }
}

fn transient(e: SendError) -> DeliveryError {
    DeliveryError::Transient(e.to_string())
}

/// Writes history entries for one message.
struct Recorder<'a> {
    s: &'a DeliveryServices,
    key: &'a MessageKey,
    client: &'a ClientId,
    now: DateTime<Utc>,
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
            .record(CommunicationRecord {
                tenant: self.key.tenant.clone(),
                client: self.client.clone(),
                appointment: self.key.appointment.clone(),
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
            })
            .await
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

    async fn failed(&self, reason: String) -> Result<DeliveryOutcome, DeliveryError> {
        tracing::warn!(kind = %self.key.kind, channel = %self.key.channel, recipient = recipient_kind(&self.key.recipient), %reason, "message failed for good");
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

/// For logs: the kind of recipient, never who.
fn recipient_kind(r: &Recipient) -> &'static str {
    match r {
        Recipient::Client(_) => "client",
        Recipient::Staff(_) => "staff",
        Recipient::Manager(_) => "manager",
    }
}
