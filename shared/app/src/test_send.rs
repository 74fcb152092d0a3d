//! A test of a template, sent on the business's request to the address or number it gave: the
//! message the preview composed, carried whole on the send queue (the API has no provider
//! rights; the send function has), sent once (its own ledger key, never the subject's), and
//! recorded in the subject's client's history as `test_sent` — never counted as the subject's
//! message.

use crate::DeliveryServices;
use crate::deliver::{COMMIT_RESERVE, DeliveryError, DeliveryOutcome};
use rappel_core::message::{Channel, Recipient, SuppressionReason};
use rappel_core::render::OutgoingMessage;
use rappel_ports::deadline::Deadline;
use rappel_ports::delivery::SendError;
use rappel_ports::history::{CommunicationRecord, CommunicationStatus};
use rappel_ports::ledger::{Claim, Filed, LedgerState};
use rappel_ports::records::TypedRecords;
use rappel_ports::schedules::TestSend;

/// Sends the test once, and records it.
pub async fn send_test(
    s: &DeliveryServices,
    test: &TestSend,
    deadline: Deadline,
) -> Result<DeliveryOutcome, DeliveryError> {
    let now = s.clock.now();
    let ledger_key = test.ledger_key();
    match s.ledger.claim(&ledger_key, now).await? {
        Claim::Claimed => {}
        Claim::Taken(entry) if entry.is_settled() => return Ok(DeliveryOutcome::Duplicate),
        Claim::Taken(entry) => {
            return Err(DeliveryError::InProgress {
                lease_until: entry.lease_until,
            });
        }
    }
    // An operator's kill switch holds a test too (nothing is recorded: it is no message).
    let settings = s.records.settings(&test.key.tenant).await?;
    if settings.suspended.is_some() {
        s.ledger
            .complete(&ledger_key, LedgerState::Suppressed, now)
            .await?;
        return Ok(DeliveryOutcome::Suppressed(
            SuppressionReason::BusinessSuspended,
        ));
    }
    // The provider's pace, before the deadline is judged (the wait counts against it).
    s.pace
        .wait_turn(match &test.message {
            OutgoingMessage::Email(_) => Channel::Email,
            OutgoingMessage::Sms(_) => Channel::Sms,
        })
        .await;
    if !deadline.allows(COMMIT_RESERVE) {
        s.ledger.release(&ledger_key).await?;
        return Err(DeliveryError::OutOfTime);
    }
    let sent = match &test.message {
        OutgoingMessage::Email(email) => s
            .mailer
            .send_email(email, now)
            .await
            .map(|r| (r, Some(email.subject.clone()))),
        OutgoingMessage::Sms(sms) => match s.sms.is_opted_out(&sms.to).await {
            Ok(true) => {
                s.ledger
                    .complete(&ledger_key, LedgerState::Suppressed, now)
                    .await?;
                return Ok(DeliveryOutcome::Suppressed(SuppressionReason::OptedOut));
            }
            Ok(false) => s.sms.send_sms(sms, now).await.map(|r| (r, None)),
            Err(error) => Err(error),
        },
    };
    let (receipt, subject) = match sent {
        Ok(sent) => sent,
        Err(error @ (SendError::Transient { .. } | SendError::Throttled { .. })) => {
            s.ledger.release(&ledger_key).await?;
            return Err(match error {
                SendError::Throttled { .. } => DeliveryError::Throttled(error.code().to_owned()),
                _ => DeliveryError::Transient(error.code().to_owned()),
            });
        }
        Err(error @ SendError::Permanent { .. }) => {
            s.ledger
                .complete(&ledger_key, LedgerState::Failed, now)
                .await?;
            return Ok(DeliveryOutcome::Failed(error.code().to_owned()));
        }
    };
    let key = &test.key;
    let record = CommunicationRecord {
        tenant: key.tenant.clone(),
        about: key.subject.clone(),
        client: match &key.recipient {
            Recipient::Client(id) => Some(id.clone()),
            _ => None,
        },
        message_key: ledger_key.clone(),
        kind: key.kind,
        recipient: key.recipient.clone(),
        channel: key.channel,
        due: now,
        recorded_at: now,
        status: CommunicationStatus::TestSent,
        reason: Some("template_test".into()),
        subject,
        provider_message_id: Some(receipt.message_id.clone()),
        sms: None,
        kept_until: Some(settings.input.retention.history_kept_until(now)),
    };
    // An answer to a client's reply is the business's automatic reply: sent, and its SMS
    // counted in the month's usage as any other.
    let record = match (&test.answering, &test.message) {
        (Some(reply), OutgoingMessage::Sms(sms)) => CommunicationRecord {
            status: CommunicationStatus::Sent,
            reason: Some(format!("answer_to_sms_reply: {reply}")),
            sms: Some(crate::deliver::charge_of(sms)),
            ..record
        },
        _ => record,
    };
    // Sent: from here on nothing may send it again; the record is best effort.
    match s.ledger.settle_sent(&ledger_key, &record, now).await {
        Ok(Filed::WithHistory | Filed::AlreadySent) => {}
        Ok(Filed::LedgerOnly) => {
            if let Err(error) = s.history.record(record).await {
                tracing::warn!(%error, "test sent; its history entry could not be written");
            }
        }
        Err(error) => tracing::warn!(%error, "test sent; the ledger could not record it"),
    }
    Ok(DeliveryOutcome::TestSent {
        provider_message_id: receipt.message_id,
    })
}
