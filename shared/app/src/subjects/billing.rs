//! Loading what a billing document's plan depends on: the settings, the invoice or quote, and
//! its client.

use super::{ContextError, MissingRecord, SendTime, SubjectAtSend};
use chrono::{DateTime, Utc};
use rappel_core::message::{MessageKey, Verdict};
use rappel_core::model::{Client, ClientId, Invoice, InvoiceId, Quote, QuoteId, TenantId};
use rappel_core::planning::billing::{self, BillingContext, Document};
use rappel_core::render::{ComposeError, Rendering};
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{RecordStore, StoreError, TypedRecords};

/// An invoice or a quote, owned.
#[derive(Debug, Clone)]
pub enum OwnedDocument {
    Invoice(Invoice),
    Quote(Quote),
}

impl OwnedDocument {
    pub fn view(&self) -> Document<'_> {
        match self {
            Self::Invoice(i) => Document::Invoice(i),
            Self::Quote(q) => Document::Quote(q),
        }
    }
}

#[derive(Debug, Clone)]
pub struct BillingRecords {
    pub settings: BusinessSettings,
    pub document: OwnedDocument,
    pub client: Option<Client>,
}

impl BillingRecords {
    pub async fn load_invoice(
        records: &dyn RecordStore,
        tenant: &TenantId,
        id: &InvoiceId,
    ) -> Result<Option<Self>, ContextError> {
        let Some(invoice) = records.invoice(tenant, id).await? else {
            return Ok(None);
        };
        Ok(Some(
            Self::around(records, OwnedDocument::Invoice(invoice), None).await?,
        ))
    }

    pub async fn load_quote(
        records: &dyn RecordStore,
        tenant: &TenantId,
        id: &QuoteId,
    ) -> Result<Option<Self>, ContextError> {
        let Some(quote) = records.quote(tenant, id).await? else {
            return Ok(None);
        };
        Ok(Some(
            Self::around(records, OwnedDocument::Quote(quote), None).await?,
        ))
    }

    /// The settings (unless given) and the client of `document`.
    pub async fn around(
        records: &dyn RecordStore,
        document: OwnedDocument,
        settings: Option<BusinessSettings>,
    ) -> Result<Self, StoreError> {
        let view = document.view();
        let tenant = view.tenant().clone();
        let client = records.client(&tenant, view.client_id()).await?;
        let settings = match settings {
            Some(s) => s,
            None => records.settings(&tenant).await?,
        };
        Ok(Self {
            settings,
            document,
            client,
        })
    }

    pub fn context(&self) -> BillingContext<'_> {
        BillingContext {
            settings: &self.settings,
            document: self.document.view(),
            client: self.client.as_ref(),
        }
    }
}

impl SubjectAtSend for BillingRecords {
    type Context<'a> = BillingContext<'a>;

    fn context(&self, _: &MessageKey) -> Result<BillingContext<'_>, MissingRecord> {
        Ok(BillingRecords::context(self))
    }

    fn client(&self) -> Option<&ClientId> {
        Some(self.document.view().client_id())
    }

    fn verdict(key: &MessageKey, ctx: &BillingContext<'_>, now: DateTime<Utc>) -> Verdict {
        billing::verdict(key, ctx, now)
    }

    fn rendering<'a>(
        key: &MessageKey,
        ctx: &BillingContext<'a>,
        at: SendTime<'_>,
    ) -> Result<Rendering<'a>, ComposeError>
    where
        Self: 'a,
    {
        billing::rendering(key, ctx, at.now)
    }
}
