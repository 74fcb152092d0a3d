//! What the provider's e-mail feedback means. A permanent bounce or a complaint marks the
//! recipient's address (the delivery path then records later e-mails to it `suppressed:
//! email_bounced` / `email_complaint` instead of sending them); a delivery, a bounce or a
//! complaint is recorded against the message itself when the e-mail carries its key (the
//! `rappel-key` tag): on its ledger entry — what the planned views show, the strongest report
//! kept — and as a history entry with its event, in one write. A delivery delay is recorded in
//! the history (and its event); a transient bounce is only counted. An e-mail sent before it
//! carried its key is recorded under a feedback entry of its recipient, as before.

use chrono::{DateTime, Utc};
use rappel_core::feedback::{AddressMark, FeedbackKind, MailFeedback, MailTags, MarkReason};
use rappel_core::message::{Channel, Recipient, Subject};
use rappel_core::privacy::Pseudonyms;
use rappel_ports::address_marks::{AddressMarks, MarksError};
use rappel_ports::history::{
    CommunicationHistory, CommunicationRecord, CommunicationStatus, HistoryError,
};
use rappel_ports::ledger::{
    DeliveryLedger, Filed, LedgerError, LedgerState, OutcomeKind, ProviderOutcome,
};
use std::sync::Arc;

/// What the feedback handler needs.
#[derive(Clone)]
pub struct FeedbackServices {
    pub marks: Arc<dyn AddressMarks>,
    pub history: Arc<dyn CommunicationHistory>,
    /// Where a message's provider outcome is kept (its ledger entry).
    pub ledger: Arc<dyn DeliveryLedger>,
    /// What a mark is kept under (the address's keyed hash).
    pub pseudonyms: Pseudonyms,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOutcome {
    /// Addresses marked (bounced for good, or complained).
    Marked(usize),
    /// A delivery or a delay recorded against its message.
    Recorded,
    /// A transient bounce: counted, nothing changes.
    Transient,
    /// Another event type, or a delivery of an e-mail that does not carry its key: nothing
    /// to do.
    Ignored,
    /// About a message Rappel did not tag (sent by something else through the same set).
    Untraceable,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackError {
    #[error(transparent)]
    Marks(#[from] MarksError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl FeedbackOutcome {
    pub fn name(self) -> &'static str {
        match self {
            Self::Marked(_) => "marked",
            Self::Recorded => "recorded",
            Self::Transient => "transient",
            Self::Ignored => "ignored",
            Self::Untraceable => "untraceable",
        }
    }
}

/// What one report is, for the message's record.
struct Report {
    status: CommunicationStatus,
    outcome: Option<OutcomeKind>,
    detail: String,
    mark: Option<MarkReason>,
}

fn report_of(kind: &FeedbackKind) -> Option<Report> {
    Some(match kind {
        FeedbackKind::PermanentBounce { sub_type } => Report {
            status: CommunicationStatus::Bounced,
            outcome: Some(OutcomeKind::Bounced),
            detail: format!("bounce: Permanent/{sub_type}"),
            mark: Some(MarkReason::Bounced),
        },
        FeedbackKind::Complaint { feedback_type } => Report {
            status: CommunicationStatus::Complained,
            outcome: Some(OutcomeKind::Complained),
            detail: format!(
                "complaint: {}",
                feedback_type.as_deref().unwrap_or("unspecified")
            ),
            mark: Some(MarkReason::Complained),
        },
        FeedbackKind::Delivery => Report {
            status: CommunicationStatus::Delivered,
            outcome: Some(OutcomeKind::Delivered),
            detail: "delivered".into(),
            mark: None,
        },
        FeedbackKind::DeliveryDelay { delay_type } => Report {
            status: CommunicationStatus::DeliveryDelayed,
            outcome: None,
            detail: format!("delivery delayed: {delay_type}"),
            mark: None,
        },
        FeedbackKind::TransientBounce { .. } | FeedbackKind::Other(_) => return None,
    })
}

pub async fn apply_mail_feedback(
    s: &FeedbackServices,
    feedback: &MailFeedback,
) -> Result<FeedbackOutcome, FeedbackError> {
    if matches!(feedback.kind, FeedbackKind::TransientBounce { .. }) {
        return Ok(FeedbackOutcome::Transient);
    }
    let Some(report) = report_of(&feedback.kind) else {
        return Ok(FeedbackOutcome::Ignored);
    };
    let Some(tags) = &feedback.tags else {
        return Ok(FeedbackOutcome::Untraceable);
    };
    if let Some(reason) = report.mark {
        for address in &feedback.addresses {
            let mark = AddressMark {
                reason,
                at: feedback.at,
            };
            let address = s.pseudonyms.email(address);
            s.marks.mark(&tags.tenant, &address, mark).await?;
        }
    }
    // The message's own sent entry, when the e-mail names it.
    let sent = match &tags.key {
        Some(key) => s
            .ledger
            .entry(key)
            .await?
            .filter(|entry| entry.state == LedgerState::Sent)
            .and_then(|entry| entry.record)
            .map(|record| (key.clone(), *record)),
        None => None,
    };
    match sent {
        Some((key, sent)) => {
            let record = CommunicationRecord {
                status: report.status,
                reason: Some(report.detail.clone()),
                recorded_at: feedback.at,
                ..sent
            };
            let filed = match report.outcome {
                Some(kind) => {
                    let outcome = ProviderOutcome {
                        kind,
                        at: feedback.at,
                    };
                    s.ledger.record_outcome(&key, outcome, &record).await?
                }
                None => Filed::LedgerOnly,
            };
            if filed != Filed::WithHistory {
                s.history.record(record).await?;
            }
        }
        None if report.mark.is_some() => {
            for _ in &feedback.addresses {
                s.history
                    .record(history_entry(
                        tags,
                        report.status,
                        &report.detail,
                        feedback.at,
                    ))
                    .await?;
            }
        }
        // Nothing to record a delivery or a delay against.
        None => return Ok(FeedbackOutcome::Ignored),
    }
    Ok(match report.mark {
        Some(_) => FeedbackOutcome::Marked(feedback.addresses.len()),
        None => FeedbackOutcome::Recorded,
    })
}

/// The entry of a report about an e-mail that does not carry its key: filed under its
/// recipient.
fn history_entry(
    tags: &MailTags,
    status: CommunicationStatus,
    detail: &str,
    at: DateTime<Utc>,
) -> CommunicationRecord {
    // A staff member's or manager's address: filed under them (no client), about the day
    // the feedback came.
    let (about, client) = match &tags.recipient {
        Recipient::Client(id) => (Subject::Client(id.clone()), Some(id.clone())),
        Recipient::Staff(id) => (
            Subject::StaffDay {
                staff: id.clone(),
                date: at.date_naive(),
            },
            None,
        ),
        Recipient::Manager(id) => (
            Subject::ManagerDay {
                manager: id.clone(),
                date: at.date_naive(),
            },
            None,
        ), // Someone who wrote through a contact form: about their message.
        Recipient::Sender(id) => (Subject::Inbound(id.clone()), None),
    };
    CommunicationRecord {
        tenant: tags.tenant.clone(),
        about,
        client,
        message_key: format!(
            "feedback/{}/{}/{}",
            tags.tenant,
            tags.recipient,
            at.timestamp_millis()
        ),
        kind: tags.kind,
        recipient: tags.recipient.clone(),
        channel: Channel::Email,
        due: at,
        recorded_at: at,
        status,
        reason: Some(detail.to_owned()),
        subject: None,
        provider_message_id: None,
        sms: None,
        // No message to go with: the default retention from now (the feedback function
        // reads no settings).
        kept_until: None,
    }
}
