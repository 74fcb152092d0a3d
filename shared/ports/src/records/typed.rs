//! Typed reads on top of any record reader, so callers never match on `Record` themselves.

use super::{RecordReader, StoreError, StoredRecord, StoredTemplate};
use async_trait::async_trait;
use rappel_core::message::{Channel, MessageKind};
use rappel_core::model::*;
use rappel_core::settings::BusinessSettings;

/// One getter for every kind ([`TypedRecords::record`], over [`StoredRecord`]), and the
/// names callers read best, each a line over it.
#[async_trait]
pub trait TypedRecords {
    /// The record `id` of `tenant`, as its type; a key holding another kind is corrupt.
    async fn record<T: StoredRecord>(
        &self,
        tenant: &TenantId,
        id: &T::Id,
    ) -> Result<Option<T>, StoreError>;

    async fn settings(&self, tenant: &TenantId) -> Result<BusinessSettings, StoreError>;

    async fn stored_settings(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<BusinessSettings>, StoreError> {
        self.record(tenant, &()).await
    }
    async fn appointment_type(
        &self,
        tenant: &TenantId,
        id: &AppointmentTypeId,
    ) -> Result<Option<AppointmentType>, StoreError> {
        self.record(tenant, id).await
    }
    async fn staff(
        &self,
        tenant: &TenantId,
        id: &StaffId,
    ) -> Result<Option<StaffMember>, StoreError> {
        self.record(tenant, id).await
    }
    async fn client(&self, tenant: &TenantId, id: &ClientId) -> Result<Option<Client>, StoreError> {
        self.record(tenant, id).await
    }
    async fn appointment(
        &self,
        tenant: &TenantId,
        id: &AppointmentId,
    ) -> Result<Option<Appointment>, StoreError> {
        self.record(tenant, id).await
    }
    async fn template(
        &self,
        tenant: &TenantId,
        kind: MessageKind,
        channel: Channel,
        locale: Language,
        type_id: Option<&AppointmentTypeId>,
    ) -> Result<Option<StoredTemplate>, StoreError> {
        let id = StoredTemplate::record_id(kind, channel, locale, type_id);
        self.record::<StoredTemplate>(tenant, id.as_str()).await
    }
    async fn invoice(
        &self,
        tenant: &TenantId,
        id: &InvoiceId,
    ) -> Result<Option<Invoice>, StoreError> {
        self.record(tenant, id).await
    }
    async fn quote(&self, tenant: &TenantId, id: &QuoteId) -> Result<Option<Quote>, StoreError> {
        self.record(tenant, id).await
    }
    async fn inbound(
        &self,
        tenant: &TenantId,
        id: &InboundId,
    ) -> Result<Option<Inbound>, StoreError> {
        self.record(tenant, id).await
    }
    async fn waitlist_entry(
        &self,
        tenant: &TenantId,
        id: &WaitlistId,
    ) -> Result<Option<WaitlistEntry>, StoreError> {
        self.record(tenant, id).await
    }
}

#[async_trait]
impl<R: RecordReader + ?Sized> TypedRecords for R {
    async fn record<T: StoredRecord>(
        &self,
        tenant: &TenantId,
        id: &T::Id,
    ) -> Result<Option<T>, StoreError> {
        let key = T::key_of(tenant, id);
        match self.get(&key).await? {
            Some(record) => T::from_record(record).map(Some).map_err(|other| {
                StoreError::Corrupt(format!("{key} holds a {} record", other.as_str()))
            }),
            None => Ok(None),
        }
    }

    /// The business's settings, or the defaults when it has not saved any.
    async fn settings(&self, tenant: &TenantId) -> Result<BusinessSettings, StoreError> {
        Ok(self
            .record::<BusinessSettings>(tenant, &())
            .await?
            .unwrap_or_else(|| BusinessSettings::defaults_for(tenant)))
    }
}
