//! What the invoice and quote routes share — all of it but their field names and their
//! descriptions: read, write under the business's own id, settle, and the planned reminders.
//! The use cases are `rappel_app::commands::documents`, one implementation for both kinds.

use crate::error::ApiError;
use crate::extract::path_id;
use crate::pages::{page_size, read_cursor, write_cursor};
use crate::routes::ApiState;
use axum::Json;
use chrono::NaiveDate;
use rappel_app::commands::documents::{
    BillingDocument, DocumentDraft, load_document, put_document, settle_document,
};
use rappel_app::lists;
use rappel_app::preview::{PlannedNotification, document_planned_notifications};
use rappel_core::message::Subject;
use rappel_core::model::{
    CalendarInstant, ClientId, Currency, DocumentNumber, DocumentUrl, TenantId,
};
use serde::{Deserialize, Serialize};

/// The optional body of an invoice's or a quote's action (`paid`, `void`, `accept`, `decline`).
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleInput {
    #[serde(default)]
    pub expected_version: Option<u64>,
}

pub fn yes() -> bool {
    true
}

/// The fields an invoice's and a quote's body share (each names its own day).
pub struct CommonFields<S> {
    pub client_id: ClientId,
    pub number: DocumentNumber,
    pub amount: i64,
    pub currency: Currency,
    pub issued_at: CalendarInstant,
    pub url: Option<DocumentUrl>,
    pub status: Option<S>,
    pub notify: bool,
    pub expected_version: Option<u64>,
}

fn id_of<D: BillingDocument>(raw: &str) -> Result<D::Id, ApiError>
where
    D::Id: TryFrom<String>,
{
    path_id(raw, D::WHAT)
}

pub async fn get<D: BillingDocument>(
    state: &ApiState,
    tenant: &TenantId,
    raw_id: &str,
) -> Result<Json<D>, ApiError>
where
    D::Id: TryFrom<String>,
{
    let id = id_of::<D>(raw_id)?;
    Ok(Json(
        load_document::<D>(&state.services, tenant, &id).await?,
    ))
}

pub async fn put<D: BillingDocument>(
    state: &ApiState,
    tenant: &TenantId,
    raw_id: &str,
    fields: CommonFields<D::Status>,
    day: NaiveDate,
) -> Result<Json<D>, ApiError>
where
    D::Id: TryFrom<String>,
{
    let id = id_of::<D>(raw_id)?;
    let draft = DocumentDraft {
        client_id: fields.client_id,
        number: fields.number,
        amount: fields.amount,
        currency: fields.currency,
        issued_at: fields.issued_at.utc(),
        day,
        url: fields.url,
        status: fields.status,
        notify: fields.notify,
    };
    let saved =
        put_document::<D>(&state.services, tenant, id, draft, fields.expected_version).await?;
    Ok(Json(saved))
}

/// `settle` is the status the action's name leads to (`None`: no such action, a 404).
pub async fn act<D: BillingDocument>(
    state: &ApiState,
    tenant: &TenantId,
    raw_id: &str,
    settle: Option<D::Status>,
    actions: &str,
    input: SettleInput,
) -> Result<Json<D>, ApiError>
where
    D::Id: TryFrom<String>,
{
    let Some(status) = settle else {
        return Err(ApiError::not_found(&format!(
            "{} action ({actions})",
            D::WHAT
        )));
    };
    let id = id_of::<D>(raw_id)?;
    let next =
        settle_document::<D>(&state.services, tenant, &id, status, input.expected_version).await?;
    Ok(Json(next))
}

/// A page of a business's invoices or quotes (the list's query: `status`, `limit`, `cursor`).
pub async fn list<D: BillingDocument>(
    state: &ApiState,
    tenant: &TenantId,
    status: Option<D::Status>,
    limit: Option<usize>,
    cursor: Option<&str>,
) -> Result<(Vec<D>, Option<String>), ApiError> {
    let limit = page_size(limit, lists::MAX_RECORDS_PAGE, lists::MAX_RECORDS_PAGE)?;
    let cursor = read_cursor(cursor)?;
    let page =
        lists::documents::<D>(&state.services, tenant, status, cursor.as_deref(), limit).await?;
    Ok((page.items, write_cursor(page.next)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentNotifications {
    /// The reminders planned while it stays open, with their status.
    notifications: Vec<PlannedNotification>,
}

pub async fn planned<D: BillingDocument>(
    state: &ApiState,
    tenant: &TenantId,
    raw_id: &str,
    subject: fn(D::Id) -> Subject,
) -> Result<Json<DocumentNotifications>, ApiError>
where
    D::Id: TryFrom<String>,
{
    let subject = subject(id_of::<D>(raw_id)?);
    let notifications = document_planned_notifications(&state.services, tenant, &subject)
        .await?
        .ok_or_else(|| ApiError::not_found(D::WHAT))?;
    Ok(Json(DocumentNotifications { notifications }))
}
