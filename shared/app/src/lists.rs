//! The API's lists, a page at a time, each read from an index or the table's own key — never
//! a walk of the business: appointments in a window (by client, staff member or the whole
//! business, by start), clients, invoices and quotes (by id). A page carries the store's
//! cursor of the next one; a cursor of another business or another list is refused by the
//! store ([`StoreError::InvalidCursor`]).

use crate::ApiServices;
use crate::commands::documents::BillingDocument;
use chrono::{DateTime, Utc};
use rappel_core::message::{Recipient, Subject};
use rappel_core::model::{
    Appointment, AppointmentStatus, Client, ClientId, Inbound, StaffId, TenantId,
};
use rappel_ports::history::{CommunicationRecord, HistoryError};
use rappel_ports::records::{
    Listing, Record, RecordKind, StartingBetween, StoreError, TypedRecords,
};

/// The largest page of appointments (one index query).
pub const MAX_APPOINTMENTS_PAGE: usize = 500;
/// The largest page of clients, invoices or quotes (one query of keys, one batch read).
pub const MAX_RECORDS_PAGE: usize = 100;

/// One page of a list, and the cursor of the next (`None`: this was the last).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// Which appointments: those starting in `[from, to)`, of one client or staff member or the
/// whole business, in one status or any.
#[derive(Debug, Clone)]
pub struct AppointmentFilter {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub staff: Option<StaffId>,
    pub client: Option<ClientId>,
    pub status: Option<AppointmentStatus>,
}

/// A page of appointments, earliest first (ties by id). A status filter is applied to what
/// the index page holds: a page may hold fewer than `limit`, and still not be the last.
pub async fn appointments(
    services: &ApiServices,
    tenant: &TenantId,
    filter: AppointmentFilter,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page<Appointment>, StoreError> {
    let range = StartingBetween {
        staff: filter.staff,
        client: filter.client,
        from: filter.from,
        until: filter.to,
    };
    let page = services
        .records
        .appointments_starting(tenant, &range, cursor, limit.min(MAX_APPOINTMENTS_PAGE))
        .await?;
    Ok(Page {
        items: page
            .appointments
            .into_iter()
            .filter(|a| filter.status.is_none_or(|s| s == a.status))
            .collect(),
        next: page.next,
    })
}

/// A page of records of one kind, by id.
async fn records(
    services: &ApiServices,
    tenant: &TenantId,
    kind: RecordKind,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page<Record>, StoreError> {
    let listing = Listing::Records { kind };
    let page = services
        .records
        .list(tenant, &listing, cursor, limit.min(MAX_RECORDS_PAGE))
        .await?;
    let found = services.records.get_many(&page.keys).await?;
    Ok(Page {
        // A record removed between the two reads is left out.
        items: found.into_iter().flatten().collect(),
        next: page.next,
    })
}

/// A page of the business's clients, by id.
pub async fn clients(
    services: &ApiServices,
    tenant: &TenantId,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page<Client>, StoreError> {
    let page = records(services, tenant, RecordKind::Client, cursor, limit).await?;
    let items = page
        .items
        .into_iter()
        .map(|record| match record {
            Record::Client(client) => Ok(client),
            _ => Err(StoreError::Corrupt(
                "a client key holds another record".into(),
            )),
        })
        .collect::<Result<_, _>>()?;
    Ok(Page {
        items,
        next: page.next,
    })
}

/// A page of the business's invoices or quotes, by id, in one status or any (applied to the
/// page: it may hold fewer than `limit`).
pub async fn documents<D: BillingDocument>(
    services: &ApiServices,
    tenant: &TenantId,
    status: Option<D::Status>,
    cursor: Option<&str>,
    limit: usize,
) -> Result<Page<D>, StoreError> {
    let page = records(services, tenant, D::KIND, cursor, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for record in page.items {
        let document = D::from_record(record).ok_or_else(|| {
            StoreError::Corrupt(format!("a {} key holds another record", D::WHAT))
        })?;
        if status.is_none_or(|s| s == document.status()) {
            items.push(document);
        }
    }
    Ok(Page {
        items,
        next: page.next,
    })
}

/// Why a read of the history failed: the records or the history itself.
#[derive(Debug, thiserror::Error)]
pub enum HistoryReadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    History(#[from] HistoryError),
}

/// A page of what was sent to a client (and suppressed, found stale…), oldest first: one
/// query of the client's history a page. Entries to the client's staff about the client are
/// kept in the same history and left out here, so a page may hold fewer than `limit`.
/// `None`: no such client.
pub async fn client_communications(
    services: &ApiServices,
    tenant: &TenantId,
    client: &ClientId,
    after: Option<&str>,
    limit: usize,
) -> Result<Option<Page<CommunicationRecord>>, HistoryReadError> {
    if services.records.client(tenant, client).await?.is_none() {
        return Ok(None);
    }
    let page = services
        .history
        .client_page(tenant, client, after, limit)
        .await?;
    let to_client = Recipient::Client(client.clone());
    Ok(Some(Page {
        items: page
            .entries
            .into_iter()
            .filter(|r| r.recipient == to_client)
            .collect(),
        next: page.next,
    }))
}

/// How far after a message's receipt its automatic reply is looked for: one page of the
/// client's history from that instant (a reply is decided within seconds of it).
pub const REPLIES_WINDOW: usize = 100;

/// What became of an inbound message's automatic reply: the history entries about it, read
/// from its receipt on (one page) — never the client's whole history.
pub async fn replies_to(
    services: &ApiServices,
    inbound: &Inbound,
) -> Result<Vec<CommunicationRecord>, HistoryError> {
    let tenant = &inbound.tenant;
    let entries = match inbound.sender.client_id() {
        Some(client) => {
            let from = inbound
                .received_at
                .format("%Y-%m-%dT%H:%M:%S%.6fZ")
                .to_string();
            services
                .history
                .client_page(tenant, client, Some(&from), REPLIES_WINDOW)
                .await?
                .entries
        }
        None => {
            let sender = Recipient::Sender(inbound.id.clone());
            services.history.for_recipient(tenant, &sender).await?
        }
    };
    let about = Subject::Inbound(inbound.id.clone());
    Ok(entries.into_iter().filter(|r| r.about == about).collect())
}
