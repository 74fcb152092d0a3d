//! `PUT/GET /v1/invoices/{id}`, `POST /v1/invoices/{id}/paid|void`,
//! `GET /v1/invoices/{id}/notifications`. Ids are the business's own. An invoice issued with
//! `notify` is announced to its client; while unpaid, reminders follow the billing settings.

use super::documents::{self, CommonFields, SettleInput, yes};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, OptionalJson, Tenant};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use rappel_core::message::Subject;
use rappel_core::model::{CalendarDate, CalendarInstant};
use rappel_core::model::{ClientId, Currency, DocumentNumber, DocumentUrl, Invoice, InvoiceStatus};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceInput {
    client_id: ClientId,
    number: DocumentNumber,
    amount: i64,
    currency: Currency,
    issued_at: CalendarInstant,
    due_date: CalendarDate,
    #[serde(default)]
    url: Option<DocumentUrl>,
    #[serde(default)]
    status: Option<InvoiceStatus>,
    #[serde(default = "yes")]
    notify: bool,
    #[serde(default)]
    expected_version: Option<u64>,
}

impl InvoiceInput {
    fn common(self) -> CommonFields<InvoiceStatus> {
        CommonFields {
            client_id: self.client_id,
            number: self.number,
            amount: self.amount,
            currency: self.currency,
            issued_at: self.issued_at,
            url: self.url,
            status: self.status,
            notify: self.notify,
            expected_version: self.expected_version,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceListQuery {
    /// Only in this status (applied to each page: a page may hold fewer than `limit`).
    status: Option<InvoiceStatus>,
    /// At most this many (1 to 100, default 100).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InvoiceList {
    invoices: Vec<Invoice>,
    /// Ask again with `cursor` set to this for the next page; `null` when this page is the last.
    next_cursor: Option<String>,
}

#[utoipa::path(
    get, path = "/v1/invoices", tag = "invoices", operation_id = "listInvoices",
    summary = "The business's invoices, by id, a page at a time",
    params(InvoiceListQuery),
    responses((status = 200, description = "A page of invoices, with the cursor of the next one.", body = InvoiceList), (status = 400, description = "invalid_cursor (a cursor this list did not give) or invalid_query (a limit outside 1 to 100).", body = crate::error::Problem))
)]
pub async fn list(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiQuery(query): ApiQuery<InvoiceListQuery>,
) -> Result<Json<InvoiceList>, ApiError> {
    let (invoices, next_cursor) = documents::list::<Invoice>(
        &state,
        &tenant,
        query.status,
        query.limit,
        query.cursor.as_deref(),
    )
    .await?;
    Ok(Json(InvoiceList {
        invoices,
        next_cursor,
    }))
}

#[utoipa::path(
    get, path = "/v1/invoices/{id}", tag = "invoices", operation_id = "getInvoice",
    params(("id" = String, Path, description = "The invoice's id.", example = "inv_2026_0042")),
    responses((status = 200, description = "The invoice.", body = Invoice), (status = 404, description = "not_found: no invoice with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<Invoice>, ApiError> {
    documents::get(&state, &tenant, &id).await
}

#[utoipa::path(
    put, path = "/v1/invoices/{id}", tag = "invoices", operation_id = "putInvoice",
    summary = "Issue or change an invoice under the business's own id",
    params(("id" = String, Path, description = "The invoice's id.", example = "inv_2026_0042")),
    request_body(content = InvoiceInput, example = json!({"client_id": "cl_3f9a1c", "number": "F-2026-0042", "amount": 4500, "currency": "EUR", "issued_at": "2026-03-30T10:00:00+02:00", "due_date": "2026-04-13"})),
    responses((status = 200, description = "The invoice as saved.", body = Invoice), (status = 409, description = "version_conflict: `expected_version` is not the stored version, or someone changed the record meanwhile.", body = crate::error::Problem),
      (status = 422, description = "unknown_client or invalid_field (e.g. a negative amount).", body = crate::error::Problem))
)]
pub async fn put(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<InvoiceInput>,
) -> Result<Json<Invoice>, ApiError> {
    let day = input.due_date.date();
    documents::put(&state, &tenant, &id, input.common(), day).await
}

/// What happens to an issued invoice (`POST /v1/invoices/{id}/{action}`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // only its schema: the path segment is matched as a string, unknown ones 404
pub enum InvoiceAction {
    Paid,
    Void,
}

/// `paid` or `void`: only an issued invoice can be either.
#[utoipa::path(
    post, path = "/v1/invoices/{id}/{action}", tag = "invoices", operation_id = "actOnInvoice",
    summary = "Mark an issued invoice paid or void (its reminders are withdrawn)",
    params(("id" = String, Path, description = "The invoice's id.", example = "inv_2026_0042"), ("action" = InvoiceAction, Path, description = "paid or void."), crate::idempotency::IdempotencyKey),
    request_body(content = Option<SettleInput>, description = "Optional: the expected version.", example = json!({"expected_version": 1})),
    responses((status = 200, description = "The invoice after the action.", body = Invoice),
      (status = 404, description = "not_found: no invoice with this id, or an action other than paid or void.", body = crate::error::Problem),
      (status = 409, description = "version_conflict or invalid_transition (only an issued invoice can be paid or void).", body = crate::error::Problem))
)]
pub async fn act(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path((id, action)): Path<(String, String)>,
    OptionalJson(input): OptionalJson<SettleInput>,
) -> Result<Json<Invoice>, ApiError> {
    let settle = match action.as_str() {
        "paid" => Some(InvoiceStatus::Paid),
        "void" => Some(InvoiceStatus::Void),
        _ => None,
    };
    documents::act(&state, &tenant, &id, settle, "paid or void", input).await
}

#[utoipa::path(
    get, path = "/v1/invoices/{id}/notifications", tag = "invoices", operation_id = "getInvoiceNotifications",
    summary = "The reminders planned while the invoice stays unpaid",
    params(("id" = String, Path, description = "The invoice's id.", example = "inv_2026_0042")),
    responses((status = 200, description = "The planned reminders with their status.", body = documents::DocumentNotifications), (status = 404, description = "not_found: no invoice with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn planned(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<documents::DocumentNotifications>, ApiError> {
    documents::planned::<Invoice>(&state, &tenant, &id, Subject::Invoice).await
}
