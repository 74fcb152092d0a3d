//! Invoices and quotes, one implementation: issue or change one under the business's own id,
//! and settle it (paid or void; accepted or declined). Settling withdraws its reminders.

use super::{CommandError, expect_version};
use crate::ApiServices;
use chrono::{DateTime, NaiveDate, Utc};
use rappel_core::model::{
    Client, ClientId, Currency, DocumentNumber, DocumentUrl, Invoice, InvoiceId, InvoiceStatus,
    Quote, QuoteId, QuoteStatus, TenantId,
};
use rappel_core::settings::RetentionSettings;
use rappel_ports::records::{Expected, Record, RecordKey, RecordKind, StoreError, StoredRecord};

/// What an invoice and a quote are written from, parsed at the edge.
#[derive(Debug, Clone)]
pub struct DocumentDraft<S> {
    pub client_id: ClientId,
    pub number: DocumentNumber,
    /// Minor units of `currency`, 0 or more.
    pub amount: i64,
    pub currency: Currency,
    pub issued_at: DateTime<Utc>,
    /// An invoice's due date; a quote's last day.
    pub day: NaiveDate,
    pub url: Option<DocumentUrl>,
    /// The open status (issued, sent) when unset.
    pub status: Option<S>,
    /// Tell the client of this write.
    pub notify: bool,
}

/// What the commands need to know of a kind of billing document.
pub trait BillingDocument: Clone + Send + Sync + Sized + 'static {
    type Id: Clone + Send + Sync;
    type Status: Copy + PartialEq + Send + Sync;
    /// Its name in messages ("invoice").
    const WHAT: &'static str;
    const KIND: RecordKind;
    /// The status it is written with by default, and the only one it is settled from.
    const OPEN: Self::Status;
    fn key(tenant: &TenantId, id: &Self::Id) -> RecordKey;
    fn from_record(record: Record) -> Option<Self>;
    fn into_record(self) -> Record;
    fn from_draft(
        tenant: TenantId,
        id: Self::Id,
        draft: DocumentDraft<Self::Status>,
        version: u64,
    ) -> Self;
    fn version(&self) -> u64;
    fn status(&self) -> Self::Status;
    fn status_name(status: Self::Status) -> &'static str;
    /// The next version in `status`, telling nobody.
    fn settled(&self, status: Self::Status) -> Self;
}

/// The document stored under `id`, if any.
pub async fn stored_document<D: BillingDocument>(
    services: &ApiServices,
    tenant: &TenantId,
    id: &D::Id,
) -> Result<Option<D>, CommandError> {
    match services.records.get(&D::key(tenant, id)).await? {
        None => Ok(None),
        Some(record) => D::from_record(record).map(Some).ok_or_else(|| {
            StoreError::Corrupt(format!("the {} key holds another record", D::WHAT)).into()
        }),
    }
}

/// The document stored under `id`, or not found.
pub async fn load_document<D: BillingDocument>(
    services: &ApiServices,
    tenant: &TenantId,
    id: &D::Id,
) -> Result<D, CommandError> {
    stored_document(services, tenant, id)
        .await?
        .ok_or(CommandError::NotFound(D::WHAT))
}

/// Issues the document under the business's own id, or replaces the stored one.
pub async fn put_document<D: BillingDocument>(
    services: &ApiServices,
    tenant: &TenantId,
    id: D::Id,
    draft: DocumentDraft<D::Status>,
    expected_version: Option<u64>,
) -> Result<D, CommandError> {
    if draft.amount < 0 {
        return Err(CommandError::invalid(
            "invalid_field",
            "amount: a whole number of minor units, 0 or more",
        ));
    }
    let (current, retention, client_found) =
        read_for_write::<D>(services, tenant, &id, Some(&draft.client_id)).await?;
    if !client_found {
        return Err(CommandError::unknown(
            "unknown_client",
            format!("client_id: no client {}", draft.client_id),
        ));
    }
    let (expected, version) = match &current {
        Some(c) => {
            expect_version(D::WHAT, c.version(), expected_version)?;
            (Expected::Version(c.version()), c.version() + 1)
        }
        None => (Expected::Absent, 1),
    };
    let document = D::from_draft(tenant.clone(), id, draft, version);
    let now = services.clock.now();
    services
        .records
        .put_retained(document.clone().into_record(), expected, &retention, now)
        .await?;
    Ok(document)
}

/// The document under `id` if stored, the business's retention (a write states it) and,
/// given a `client`, whether they exist — in one round trip.
async fn read_for_write<D: BillingDocument>(
    services: &ApiServices,
    tenant: &TenantId,
    id: &D::Id,
    client: Option<&ClientId>,
) -> Result<(Option<D>, RetentionSettings, bool), CommandError> {
    let mut keys = vec![D::key(tenant, id), RecordKey::settings(tenant)];
    keys.extend(client.map(|c| Client::key_of(tenant, c)));
    let mut found = services.records.get_many(&keys).await?.into_iter();
    let current = match found.next().flatten() {
        None => None,
        Some(record) => Some(D::from_record(record).ok_or_else(|| {
            StoreError::Corrupt(format!("the {} key holds another record", D::WHAT))
        })?),
    };
    let retention = match found.next().flatten() {
        Some(Record::Settings(settings)) => settings.input.retention,
        _ => RetentionSettings::default(),
    };
    let client_found = matches!(found.next().flatten(), Some(Record::Client(_)));
    Ok((current, retention, client_found))
}

/// Settles an open document: `status` is paid or void, accepted or declined.
pub async fn settle_document<D: BillingDocument>(
    services: &ApiServices,
    tenant: &TenantId,
    id: &D::Id,
    status: D::Status,
    expected_version: Option<u64>,
) -> Result<D, CommandError> {
    let (current, retention, _) = read_for_write::<D>(services, tenant, id, None).await?;
    let current = current.ok_or(CommandError::NotFound(D::WHAT))?;
    expect_version(D::WHAT, current.version(), expected_version)?;
    if current.status() != D::OPEN {
        return Err(CommandError::InvalidTransition(format!(
            "the {} is already {}",
            D::WHAT,
            D::status_name(current.status())
        )));
    }
    let next = current.settled(status);
    services
        .records
        .put_retained(
            next.clone().into_record(),
            Expected::Version(current.version()),
            &retention,
            services.clock.now(),
        )
        .await?;
    Ok(next)
}

impl BillingDocument for Invoice {
    type Id = InvoiceId;
    type Status = InvoiceStatus;
    const WHAT: &'static str = "invoice";
    const KIND: RecordKind = RecordKind::Invoice;
    const OPEN: InvoiceStatus = InvoiceStatus::Issued;

    fn key(tenant: &TenantId, id: &InvoiceId) -> RecordKey {
        RecordKey::new(tenant, RecordKind::Invoice, id.as_str())
    }
    fn from_record(record: Record) -> Option<Self> {
        match record {
            Record::Invoice(invoice) => Some(invoice),
            _ => None,
        }
    }
    fn into_record(self) -> Record {
        Record::Invoice(self)
    }
    fn from_draft(
        tenant: TenantId,
        id: InvoiceId,
        draft: DocumentDraft<InvoiceStatus>,
        version: u64,
    ) -> Self {
        Self {
            tenant,
            id,
            client_id: draft.client_id,
            number: draft.number,
            amount: draft.amount,
            currency: draft.currency,
            issued_at: draft.issued_at,
            due_date: draft.day,
            url: draft.url,
            status: draft.status.unwrap_or(Self::OPEN),
            notify: draft.notify,
            version,
        }
    }
    fn version(&self) -> u64 {
        self.version
    }
    fn status(&self) -> InvoiceStatus {
        self.status
    }
    fn status_name(status: InvoiceStatus) -> &'static str {
        status.as_str()
    }
    fn settled(&self, status: InvoiceStatus) -> Self {
        Self {
            status,
            notify: false,
            version: self.version + 1,
            ..self.clone()
        }
    }
}

impl BillingDocument for Quote {
    type Id = QuoteId;
    type Status = QuoteStatus;
    const WHAT: &'static str = "quote";
    const KIND: RecordKind = RecordKind::Quote;
    const OPEN: QuoteStatus = QuoteStatus::Sent;

    fn key(tenant: &TenantId, id: &QuoteId) -> RecordKey {
        RecordKey::new(tenant, RecordKind::Quote, id.as_str())
    }
    fn from_record(record: Record) -> Option<Self> {
        match record {
            Record::Quote(quote) => Some(quote),
            _ => None,
        }
    }
    fn into_record(self) -> Record {
        Record::Quote(self)
    }
    fn from_draft(
        tenant: TenantId,
        id: QuoteId,
        draft: DocumentDraft<QuoteStatus>,
        version: u64,
    ) -> Self {
        Self {
            tenant,
            id,
            client_id: draft.client_id,
            number: draft.number,
            amount: draft.amount,
            currency: draft.currency,
            issued_at: draft.issued_at,
            expires_on: draft.day,
            url: draft.url,
            status: draft.status.unwrap_or(Self::OPEN),
            notify: draft.notify,
            version,
        }
    }
    fn version(&self) -> u64 {
        self.version
    }
    fn status(&self) -> QuoteStatus {
        self.status
    }
    fn status_name(status: QuoteStatus) -> &'static str {
        status.as_str()
    }
    fn settled(&self, status: QuoteStatus) -> Self {
        Self {
            status,
            notify: false,
            version: self.version + 1,
            ..self.clone()
        }
    }
}
