//! An invoice or a quote, seen the same way: what anchors its steps, whether it is still open,
//! and the kinds of its messages.

use crate::message::{MessageKind, StaleReason, Subject};
use crate::model::{
    ClientId, DocumentNumber, DocumentUrl, Invoice, InvoiceStatus, Money, Quote, QuoteStatus,
    TenantId,
};
use crate::settings::{BillingReminders, BillingSettings, ChannelChoice};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, Copy)]
pub enum Document<'a> {
    Invoice(&'a Invoice),
    Quote(&'a Quote),
}

impl<'a> Document<'a> {
    pub fn tenant(&self) -> &'a TenantId {
        match self {
            Self::Invoice(i) => &i.tenant,
            Self::Quote(q) => &q.tenant,
        }
    }

    pub fn subject(&self) -> Subject {
        match self {
            Self::Invoice(i) => Subject::Invoice(i.id.clone()),
            Self::Quote(q) => Subject::Quote(q.id.clone()),
        }
    }

    pub fn client_id(&self) -> &'a ClientId {
        match self {
            Self::Invoice(i) => &i.client_id,
            Self::Quote(q) => &q.client_id,
        }
    }

    pub fn number(&self) -> &'a DocumentNumber {
        match self {
            Self::Invoice(i) => &i.number,
            Self::Quote(q) => &q.number,
        }
    }

    pub fn money(&self) -> Money {
        match self {
            Self::Invoice(i) => i.money(),
            Self::Quote(q) => q.money(),
        }
    }

    pub fn url(&self) -> Option<&'a DocumentUrl> {
        match self {
            Self::Invoice(i) => i.url.as_ref(),
            Self::Quote(q) => q.url.as_ref(),
        }
    }

    pub fn version(&self) -> u64 {
        match self {
            Self::Invoice(i) => i.version,
            Self::Quote(q) => q.version,
        }
    }

    pub fn issued_at(&self) -> DateTime<Utc> {
        match self {
            Self::Invoice(i) => i.issued_at,
            Self::Quote(q) => q.issued_at,
        }
    }

    pub fn notify(&self) -> bool {
        match self {
            Self::Invoice(i) => i.notify,
            Self::Quote(q) => q.notify,
        }
    }

    /// The day the steps count from: an invoice's due date (after it), a quote's last day
    /// (before it).
    pub fn anchor_date(&self) -> NaiveDate {
        match self {
            Self::Invoice(i) => i.due_date,
            Self::Quote(q) => q.expires_on,
        }
    }

    /// Steps fall this many days *after* the anchor date (+1) or before it (-1).
    pub fn direction(&self) -> i64 {
        match self {
            Self::Invoice(_) => 1,
            Self::Quote(_) => -1,
        }
    }

    /// Why nothing more is to be said about it, if it is closed.
    pub fn closed(&self) -> Option<StaleReason> {
        match self {
            Self::Invoice(i) => match i.status {
                InvoiceStatus::Issued => None,
                InvoiceStatus::Paid => Some(StaleReason::InvoicePaid),
                InvoiceStatus::Void => Some(StaleReason::InvoiceVoid),
            },
            Self::Quote(q) => match q.status {
                QuoteStatus::Sent => None,
                QuoteStatus::Accepted | QuoteStatus::Declined | QuoteStatus::Expired => {
                    Some(StaleReason::QuoteClosed)
                }
            },
        }
    }

    /// The notice of a new document, its reminder to the client, its note to the managers.
    pub fn kinds(&self) -> (MessageKind, MessageKind, MessageKind) {
        match self {
            Self::Invoice(_) => (
                MessageKind::InvoiceIssued,
                MessageKind::InvoiceReminder,
                MessageKind::InvoiceUnpaidAlert,
            ),
            Self::Quote(_) => (
                MessageKind::QuoteSent,
                MessageKind::QuoteExpiring,
                MessageKind::QuoteExpiringAlert,
            ),
        }
    }

    pub fn notice_channels(&self, settings: &BillingSettings) -> ChannelChoice {
        match self {
            Self::Invoice(_) => settings.invoice_issued,
            Self::Quote(_) => settings.quote_sent,
        }
    }

    pub fn reminders<'s>(&self, settings: &'s BillingSettings) -> &'s BillingReminders {
        match self {
            Self::Invoice(_) => &settings.invoice_unpaid,
            Self::Quote(_) => &settings.quote_expiring,
        }
    }
}
