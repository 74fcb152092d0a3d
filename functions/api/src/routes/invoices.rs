//! `PUT/GET /v1/invoices/{id}`, `POST /v1/invoices/{id}/paid|void`,
//! `GET /v1/invoices/{id}/notifications`. Ids are the business's own. An invoice issued with
//! `notify` is announced to its client; while unpaid, reminders follow the billing settings.

use super::documents::{
    SettleInput, check_amount, check_client, check_version, notifications, yes,
};
use crate::error::ApiError;
use crate::extract::{ApiJson, OptionalJson, Tenant, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use rappel_core::message::Subject;
use rappel_core::model::{CalendarDate, CalendarInstant};
use rappel_core::model::{
    ClientId, Currency, DocumentNumber, DocumentUrl, Invoice, InvoiceId, InvoiceStatus,
};
use rappel_ports::records::{Expected, Record, TypedRecords};
use serde::Deserialize;

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

async fn load(
    state: &ApiState,
    tenant: &rappel_core::model::TenantId,
    id: &str,
) -> Result<Invoice, ApiError> {
    let id: InvoiceId = path_id(id, "invoice")?;
    state
        .services
        .records
        .invoice(tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("invoice"))
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
    Ok(Json(load(&state, &tenant, &id).await?))
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
    let id: InvoiceId = path_id(&id, "invoice")?;
    check_amount(input.amount)?;
    check_client(&state, &tenant, &input.client_id).await?;
    let records = &state.services.records;
    let current = records.invoice(&tenant, &id).await?;
    if let Some(c) = &current {
        check_version("invoice", c.version, input.expected_version)?;
    }
    let expected = current
        .as_ref()
        .map_or(Expected::Absent, |c| Expected::Version(c.version));
    let invoice = Invoice {
        tenant,
        id,
        client_id: input.client_id,
        number: input.number,
        amount: input.amount,
        currency: input.currency,
        issued_at: input.issued_at.utc(),
        due_date: input.due_date.date(),
        url: input.url,
        status: input.status.unwrap_or(InvoiceStatus::Issued),
        notify: input.notify,
        version: current.map_or(1, |c| c.version + 1),
    };
    records
        .put(Record::Invoice(invoice.clone()), expected)
        .await?;
    Ok(Json(invoice))
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
    params(("id" = String, Path, description = "The invoice's id.", example = "inv_2026_0042"), ("action" = InvoiceAction, Path, description = "paid or void.")),
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
    let status = match action.as_str() {
        "paid" => InvoiceStatus::Paid,
        "void" => InvoiceStatus::Void,
        _ => return Err(ApiError::not_found("invoice action (paid or void)")),
    };
    let current = load(&state, &tenant, &id).await?;
    check_version("invoice", current.version, input.expected_version)?;
    if current.status != InvoiceStatus::Issued {
        return Err(ApiError::conflict(
            "invalid_transition",
            format!("the invoice is already {}", current.status.as_str()),
        ));
    }
    let next = Invoice {
        status,
        notify: false,
        version: current.version + 1,
        ..current.clone()
    };
    state
        .services
        .records
        .put(
            Record::Invoice(next.clone()),
            Expected::Version(current.version),
        )
        .await?;
    Ok(Json(next))
}

#[utoipa::path(
    get, path = "/v1/invoices/{id}/notifications", tag = "invoices", operation_id = "getInvoiceNotifications",
    summary = "The reminders planned while the invoice stays unpaid",
    params(("id" = String, Path, description = "The invoice's id.", example = "inv_2026_0042")),
    responses((status = 200, description = "The planned reminders with their status.", body = super::documents::DocumentNotifications), (status = 404, description = "not_found: no invoice with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn planned(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<super::documents::DocumentNotifications>, ApiError> {
    let id: InvoiceId = path_id(&id, "invoice")?;
    notifications(&state, &tenant, Subject::Invoice(id), "invoice").await
}
