//! Typed reads on top of any record reader, so callers never match on `Record` or an
//! [`Answer`] themselves: one getter generic over [`StoredRecord`], and each [`Query`] as a
//! method.

use super::query::ask;
use super::{
    Answer, AppointmentPage, KeyPage, Listing, Query, Record, RecordKind, RecordReader,
    StartingBetween, StoreError, StoredRecord, StoredTemplate,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
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

    /// Every appointment of one client ([`Query::AppointmentsOfClient`]).
    async fn appointments_of_client(
        &self,
        tenant: &TenantId,
        client: &ClientId,
    ) -> Result<Vec<Appointment>, StoreError>;
    /// [`Query::AppointmentsOfStaff`].
    async fn appointments_of_staff(
        &self,
        tenant: &TenantId,
        staff: &StaffId,
        from: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Vec<Appointment>, StoreError>;
    /// [`Query::AppointmentsStarting`].
    async fn appointments_starting(
        &self,
        tenant: &TenantId,
        range: &StartingBetween,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<AppointmentPage, StoreError>;
    /// [`Query::RecordsOfKind`].
    async fn records_of_kind(
        &self,
        tenant: &TenantId,
        kind: RecordKind,
    ) -> Result<Vec<Record>, StoreError>;
    /// [`Query::StaffMembers`].
    async fn staff_members(&self, tenant: &TenantId) -> Result<Vec<StaffMember>, StoreError>;
    /// [`Query::InboundFrom`].
    async fn inbound_from(
        &self,
        tenant: &TenantId,
        sender_key: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Inbound>, StoreError>;
    /// [`Query::AppointmentsOfType`].
    async fn appointments_of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        after: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError>;
    /// [`Query::WaitlistOfType`].
    async fn waitlist_of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        open_at: DateTime<Utc>,
    ) -> Result<Vec<WaitlistEntry>, StoreError>;
    /// [`Query::List`].
    async fn list(
        &self,
        tenant: &TenantId,
        listing: &Listing,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<KeyPage, StoreError>;
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

    async fn appointments_of_client(
        &self,
        tenant: &TenantId,
        client: &ClientId,
    ) -> Result<Vec<Appointment>, StoreError> {
        ask(
            self,
            tenant,
            Query::AppointmentsOfClient {
                client: client.clone(),
            },
            Answer::appointments,
        )
        .await
    }

    async fn appointments_of_staff(
        &self,
        tenant: &TenantId,
        staff: &StaffId,
        from: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Vec<Appointment>, StoreError> {
        ask(
            self,
            tenant,
            Query::AppointmentsOfStaff {
                staff: staff.clone(),
                from,
                until,
            },
            Answer::appointments,
        )
        .await
    }

    async fn appointments_starting(
        &self,
        tenant: &TenantId,
        range: &StartingBetween,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<AppointmentPage, StoreError> {
        ask(
            self,
            tenant,
            Query::AppointmentsStarting {
                range: range.clone(),
                cursor: cursor.map(str::to_owned),
                limit,
            },
            Answer::appointment_page,
        )
        .await
    }

    async fn records_of_kind(
        &self,
        tenant: &TenantId,
        kind: RecordKind,
    ) -> Result<Vec<Record>, StoreError> {
        ask(self, tenant, Query::RecordsOfKind { kind }, Answer::records).await
    }

    async fn staff_members(&self, tenant: &TenantId) -> Result<Vec<StaffMember>, StoreError> {
        ask(self, tenant, Query::StaffMembers, Answer::staff).await
    }

    async fn inbound_from(
        &self,
        tenant: &TenantId,
        sender_key: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Inbound>, StoreError> {
        ask(
            self,
            tenant,
            Query::InboundFrom {
                sender_key: sender_key.to_owned(),
                from,
                until,
            },
            Answer::inbound,
        )
        .await
    }

    async fn appointments_of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        after: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError> {
        ask(
            self,
            tenant,
            Query::AppointmentsOfType {
                type_id: type_id.clone(),
                after,
            },
            Answer::appointments,
        )
        .await
    }

    async fn waitlist_of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        open_at: DateTime<Utc>,
    ) -> Result<Vec<WaitlistEntry>, StoreError> {
        ask(
            self,
            tenant,
            Query::WaitlistOfType {
                type_id: type_id.clone(),
                open_at,
            },
            Answer::waitlist,
        )
        .await
    }

    async fn list(
        &self,
        tenant: &TenantId,
        listing: &Listing,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<KeyPage, StoreError> {
        ask(
            self,
            tenant,
            Query::List {
                listing: listing.clone(),
                cursor: cursor.map(str::to_owned),
                limit,
            },
            Answer::keys,
        )
        .await
    }
}
