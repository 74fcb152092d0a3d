//! Everything Rappel holds about one client, in one answer (`GET /v1/clients/{id}/export`):
//! their record, the records about them, the messages they sent (as a client, and before,
//! through a contact form, by the sender keys of their address and number), their whole
//! communication history, whether their address is refused and since when their number has
//! stopped the business's SMS. Read a page at a time from
//! the indexes their erasure uses; refused past [`EXPORT_MAX_ITEMS`] (the answer must fit one
//! response — the paged routes give the rest).

use crate::ApiServices;
use chrono::{DateTime, Utc};
use rappel_core::feedback::AddressMark;
use rappel_core::model::{
    Appointment, Client, ClientId, Inbound, Invoice, Quote, TenantId, WaitlistEntry,
};
use rappel_ports::address_marks::MarksError;
use rappel_ports::history::{CommunicationRecord, HistoryError};
use rappel_ports::records::{Listing, Record, StoreError, TypedRecords};
use rappel_ports::sms_replies::RepliesError;

/// Items one export holds at most (records, messages and history entries together).
pub const EXPORT_MAX_ITEMS: usize = 5_000;

const PAGE: usize = 100;

/// Everything Rappel holds about a client: records as stored (instants in UTC).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ClientExport {
    pub exported_at: DateTime<Utc>,
    pub client: Client,
    pub appointments: Vec<Appointment>,
    pub waitlist_entries: Vec<WaitlistEntry>,
    pub invoices: Vec<Invoice>,
    pub quotes: Vec<Quote>,
    /// What they sent the business: as a client, and before, through a contact form.
    pub inbound_messages: Vec<Inbound>,
    /// Every message decided for them (and to staff about them), oldest first.
    pub communications: Vec<CommunicationRecord>,
    /// The mark their e-mail address carries in the business (bounced, complained…), if any.
    pub email_refusal: Option<AddressMark>,
    /// Since when their number has stopped the business's SMS (a STOP to the two-way number).
    pub sms_stopped_since: Option<DateTime<Utc>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no client with this id")]
    NotFound,
    #[error("the client's export holds more than {EXPORT_MAX_ITEMS} items")]
    TooLarge,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Marks(#[from] MarksError),
    #[error(transparent)]
    Replies(#[from] RepliesError),
}

pub async fn export_client(
    s: &ApiServices,
    tenant: &TenantId,
    id: &ClientId,
) -> Result<ClientExport, ExportError> {
    let client = s
        .records
        .client(tenant, id)
        .await?
        .ok_or(ExportError::NotFound)?;
    let mut export = ClientExport {
        exported_at: s.clock.now(),
        client: client.clone(),
        appointments: Vec::new(),
        waitlist_entries: Vec::new(),
        invoices: Vec::new(),
        quotes: Vec::new(),
        inbound_messages: Vec::new(),
        communications: Vec::new(),
        email_refusal: None,
        sms_stopped_since: None,
    };
    let mut items = 0usize;
    let mut count = |n: usize| {
        items += n;
        if items > EXPORT_MAX_ITEMS {
            Err(ExportError::TooLarge)
        } else {
            Ok(())
        }
    };

    let listing = Listing::RecordsOfClient { client: id.clone() };
    let mut cursor = None;
    loop {
        let page = s
            .records
            .list(tenant, &listing, cursor.as_deref(), PAGE)
            .await?;
        count(page.keys.len())?;
        for record in s.records.get_many(&page.keys).await?.into_iter().flatten() {
            if record.client() != Some(id) {
                continue;
            }
            match record {
                Record::Appointment(a) => export.appointments.push(a),
                Record::Waitlist(w) => export.waitlist_entries.push(w),
                Record::Invoice(i) => export.invoices.push(i),
                Record::Quote(q) => export.quotes.push(q),
                Record::Inbound(m) => export.inbound_messages.push(m),
                _ => {}
            }
        }
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    // What they sent before they were a client, by their address's and number's sender keys.
    for sender in client.contact_sender_keys() {
        let sent = s
            .records
            .inbound_from(tenant, &sender, DateTime::UNIX_EPOCH, export.exported_at)
            .await?;
        count(sent.len())?;
        export.inbound_messages.extend(sent);
    }
    let mut after = None;
    loop {
        let page = s
            .history
            .client_page(tenant, id, after.as_deref(), PAGE)
            .await?;
        count(page.entries.len())?;
        export.communications.extend(page.entries);
        after = page.next;
        if after.is_none() {
            break;
        }
    }
    if let Some(email) = &client.email {
        export.email_refusal = s.marks.mark_of(tenant, &s.pseudonyms.email(email)).await?;
    }
    if let (Some(phone), Some(two_way)) = (&client.phone, &s.two_way) {
        export.sms_stopped_since = two_way
            .replies
            .stopped_since(tenant, &s.pseudonyms.phone(phone))
            .await?;
    }
    export.appointments.sort_by_key(|a| a.start);
    export.inbound_messages.sort_by_key(|m| m.received_at);
    Ok(export)
}
