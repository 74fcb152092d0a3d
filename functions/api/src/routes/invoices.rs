//! `PUT/GET /v1/invoices/{id}`, `POST /v1/invoices/{id}/paid|void`,
//! `GET /v1/invoices/{id}/notifications`. Ids are the business's own. An invoice issued with
//! `notify` is announced to its client; while unpaid, reminders follow the billing settings.

use super::documents::{check_amount, check_client, check_version, notifications, yes};
use crate::error::ApiError;
use crate::extract::{ApiJson, OptionalJson, Tenant, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rappel_core::message::Subject;
use rappel_core::model::{
    ClientId, Currency, DocumentNumber, DocumentUrl, Invoice, InvoiceId, InvoiceStatus,
};
use rappel_ports::records::{Expected, Record, TypedRecords};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceInput {
    client_id: ClientId,
    number: DocumentNumber,
    amount: i64,
    currency: Currency,
    issued_at: DateTime<FixedOffset>,
    due_date: NaiveDate,
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

pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<Invoice>, ApiError> {
    Ok(Json(load(&state, &tenant, &id).await?))
}

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
        issued_at: input.issued_at.with_timezone(&Utc),
        due_date: input.due_date,
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

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SettleInput {
    #[serde(default)]
    expected_version: Option<u64>,
}

/// `paid` or `void`: only an issued invoice can be either.
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

pub async fn planned(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<super::documents::DocumentNotifications>, ApiError> {
    let id: InvoiceId = path_id(&id, "invoice")?;
    notifications(&state, &tenant, Subject::Invoice(id), "invoice").await
}
