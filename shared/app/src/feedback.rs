//! What the provider's e-mail feedback means: a permanent bounce or a complaint marks the
//! recipient's address (the delivery path then records later e-mails to it `suppressed:
//! email_bounced` / `email_complaint` instead of sending them) and is recorded in the history;
//! a transient bounce is only counted; a delivery changes nothing.

use chrono::{DateTime, Utc};
use rappel_core::feedback::{AddressMark, FeedbackKind, MailFeedback, MarkReason};
use rappel_core::message::{Channel, Recipient, Subject};
use rappel_ports::address_marks::{AddressMarks, MarksError};
use rappel_ports::history::{
    CommunicationHistory, CommunicationRecord, CommunicationStatus, HistoryError,
};
use std::sync::Arc;

/// What the feedback handler needs.
#[derive(Clone)]
pub struct FeedbackServices {
    pub marks: Arc<dyn AddressMarks>,
    pub history: Arc<dyn CommunicationHistory>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOutcome {
    /// Addresses marked (bounced for good, or complained).
    Marked(usize),
    /// A transient bounce: counted, nothing changes.
    Transient,
    /// A delivery or another event type: nothing to do.
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
}

impl FeedbackOutcome {
    pub fn name(self) -> &'static str {
        match self {
            Self::Marked(_) => "marked",
            Self::Transient => "transient",
            Self::Ignored => "ignored",
            Self::Untraceable => "untraceable",
        }
    }
}

pub async fn apply_mail_feedback(
    s: &FeedbackServices,
    feedback: &MailFeedback,
) -> Result<FeedbackOutcome, FeedbackError> {
    let (reason, status, detail) = match &feedback.kind {
        FeedbackKind::PermanentBounce { sub_type } => (
            MarkReason::Bounced,
            CommunicationStatus::Bounced,
            format!("bounce: Permanent/{sub_type}"),
        ),
        FeedbackKind::Complaint { feedback_type } => (
            MarkReason::Complained,
            CommunicationStatus::Complained,
            format!(
                "complaint: {}",
                feedback_type.as_deref().unwrap_or("unspecified")
            ),
        ),
        FeedbackKind::TransientBounce { .. } => return Ok(FeedbackOutcome::Transient),
        FeedbackKind::Delivery | FeedbackKind::Other(_) => return Ok(FeedbackOutcome::Ignored),
    };
    let Some(tags) = &feedback.tags else {
        return Ok(FeedbackOutcome::Untraceable);
    };
    for address in &feedback.addresses {
        let mark = AddressMark {
            address: address.clone(),
            reason,
            at: feedback.at,
        };
        s.marks.mark(&tags.tenant, &tags.recipient, mark).await?;
        s.history
            .record(history_entry(tags, status, &detail, feedback.at))
            .await?;
    }
    Ok(FeedbackOutcome::Marked(feedback.addresses.len()))
}

fn history_entry(
    tags: &rappel_core::feedback::MailTags,
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
    }
}
