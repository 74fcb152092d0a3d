//! Typed reads on top of any record reader, so callers never match on `Record` themselves.

use super::{Record, RecordKey, RecordKind, RecordReader, StoreError, StoredTemplate};
use async_trait::async_trait;
use rappel_core::message::{Channel, MessageKind};
use rappel_core::model::*;
use rappel_core::settings::BusinessSettings;

#[async_trait]
pub trait TypedRecords {
    async fn settings(&self, tenant: &TenantId) -> Result<BusinessSettings, StoreError>;
    async fn stored_settings(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<BusinessSettings>, StoreError>;
    async fn appointment_type(
        &self,
        tenant: &TenantId,
        id: &AppointmentTypeId,
    ) -> Result<Option<AppointmentType>, StoreError>;
    async fn staff(
        &self,
        tenant: &TenantId,
        id: &StaffId,
    ) -> Result<Option<StaffMember>, StoreError>;
    async fn client(&self, tenant: &TenantId, id: &ClientId) -> Result<Option<Client>, StoreError>;
    async fn appointment(
        &self,
        tenant: &TenantId,
        id: &AppointmentId,
    ) -> Result<Option<Appointment>, StoreError>;
    async fn template(
        &self,
        tenant: &TenantId,
        kind: MessageKind,
        channel: Channel,
        locale: Language,
        type_id: Option<&AppointmentTypeId>,
    ) -> Result<Option<StoredTemplate>, StoreError>;
    async fn invoice(
        &self,
        tenant: &TenantId,
        id: &InvoiceId,
    ) -> Result<Option<Invoice>, StoreError>;
    async fn quote(&self, tenant: &TenantId, id: &QuoteId) -> Result<Option<Quote>, StoreError>;
    async fn inbound(
        &self,
        tenant: &TenantId,
        id: &InboundId,
    ) -> Result<Option<Inbound>, StoreError>;
    async fn waitlist_entry(
        &self,
        tenant: &TenantId,
        id: &WaitlistId,
    ) -> Result<Option<WaitlistEntry>, StoreError>;
}

macro_rules! typed_get {
    ($self:ident, $key:expr, $variant:ident) => {
        match $self.get(&$key).await? {
            Some(Record::$variant(value)) => Ok(Some(value)),
            Some(_) => Err(StoreError::Corrupt(format!(
                "{:?} holds another kind of record",
                $key.kind
            ))),
            None => Ok(None),
        }
    };
}

#[async_trait]
impl<R: RecordReader + ?Sized> TypedRecords for R {
    /// The business's settings, or the defaults when it has not saved any.
    async fn settings(&self, tenant: &TenantId) -> Result<BusinessSettings, StoreError> {
        Ok(self
            .stored_settings(tenant)
            .await?
            .unwrap_or_else(|| BusinessSettings::defaults_for(tenant)))
    }

    async fn stored_settings(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<BusinessSettings>, StoreError> {
        typed_get!(self, RecordKey::settings(tenant), Settings)
    }

    async fn appointment_type(
        &self,
        tenant: &TenantId,
        id: &AppointmentTypeId,
    ) -> Result<Option<AppointmentType>, StoreError> {
        typed_get!(
            self,
            RecordKey::new(tenant, RecordKind::AppointmentType, id.as_str()),
            AppointmentType
        )
    }

    async fn staff(
        &self,
        tenant: &TenantId,
        id: &StaffId,
    ) -> Result<Option<StaffMember>, StoreError> {
        typed_get!(
            self,
            RecordKey::new(tenant, RecordKind::Staff, id.as_str()),
            Staff
        )
    }

    async fn client(&self, tenant: &TenantId, id: &ClientId) -> Result<Option<Client>, StoreError> {
        typed_get!(
            self,
            RecordKey::new(tenant, RecordKind::Client, id.as_str()),
            Client
        )
    }

    async fn appointment(
        &self,
        tenant: &TenantId,
        id: &AppointmentId,
    ) -> Result<Option<Appointment>, StoreError> {
        typed_get!(
            self,
            RecordKey::new(tenant, RecordKind::Appointment, id.as_str()),
            Appointment
        )
    }

    async fn template(
        &self,
        tenant: &TenantId,
        kind: MessageKind,
        channel: Channel,
        locale: Language,
        type_id: Option<&AppointmentTypeId>,
    ) -> Result<Option<StoredTemplate>, StoreError> {
        let key = RecordKey::new(
            tenant,
            RecordKind::Template,
            StoredTemplate::record_id(kind, channel, locale, type_id),
        );
        typed_get!(self, key, Template)
    }

    async fn invoice(
        &self,
        tenant: &TenantId,
        id: &InvoiceId,
    ) -> Result<Option<Invoice>, StoreError> {
        typed_get!(
            self,
            RecordKey::new(tenant, RecordKind::Invoice, id.as_str()),
            Invoice
        )
    }

    async fn quote(&self, tenant: &TenantId, id: &QuoteId) -> Result<Option<Quote>, StoreError> {
        typed_get!(
            self,
            RecordKey::new(tenant, RecordKind::Quote, id.as_str()),
            Quote
        )
    }

    async fn inbound(
        &self,
        tenant: &TenantId,
        id: &InboundId,
    ) -> Result<Option<Inbound>, StoreError> {
        typed_get!(
            self,
            RecordKey::new(tenant, RecordKind::Inbound, id.as_str()),
            Inbound
        )
    }

    async fn waitlist_entry(
        &self,
        tenant: &TenantId,
        id: &WaitlistId,
    ) -> Result<Option<WaitlistEntry>, StoreError> {
        typed_get!(
            self,
            RecordKey::new(tenant, RecordKind::Waitlist, id.as_str()),
            Waitlist
        )
    }
}
