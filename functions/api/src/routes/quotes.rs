//! `PUT/GET /v1/quotes/{id}`, `POST /v1/quotes/{id}/accept|decline`,
//! `GET /v1/quotes/{id}/notifications`. Ids are the business's own. A quote sent with
//! `notify` is announced to its client; before it expires, reminders follow the settings.

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
    ClientId, Currency, DocumentNumber, DocumentUrl, Quote, QuoteId, QuoteStatus,
};
use rappel_ports::records::{Expected, Record, TypedRecords};
use serde::Deserialize;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    client_id: ClientId,
    number: DocumentNumber,
    amount: i64,
    currency: Currency,
    issued_at: CalendarInstant,
    expires_on: CalendarDate,
    #[serde(default)]
    url: Option<DocumentUrl>,
    #[serde(default)]
    status: Option<QuoteStatus>,
    #[serde(default = "yes")]
    notify: bool,
    #[serde(default)]
    expected_version: Option<u64>,
}

/// The answers a client gives a quote (`POST /v1/quotes/{id}/{action}`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // only its schema: the path segment is matched as a string, unknown ones 404
pub enum QuoteAction {
    Accept,
    Decline,
}

async fn load(
    state: &ApiState,
    tenant: &rappel_core::model::TenantId,
    id: &str,
) -> Result<Quote, ApiError> {
    let id: QuoteId = path_id(id, "quote")?;
    state
        .services
        .records
        .quote(tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("quote"))
}

#[utoipa::path(
    get, path = "/v1/quotes/{id}", tag = "quotes", operation_id = "getQuote",
    params(("id" = String, Path, description = "The quote's id.", example = "q_2026_0007")),
    responses((status = 200, description = "The quote.", body = Quote), (status = 404, description = "not_found: no quote with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<Quote>, ApiError> {
    Ok(Json(load(&state, &tenant, &id).await?))
}

#[utoipa::path(
    put, path = "/v1/quotes/{id}", tag = "quotes", operation_id = "putQuote",
    summary = "Send or change a quote under the business's own id",
    params(("id" = String, Path, description = "The quote's id.", example = "q_2026_0007")),
    request_body(content = QuoteInput, example = json!({"client_id": "cl_3f9a1c", "number": "D-2026-0007", "amount": 12000, "currency": "EUR", "issued_at": "2026-03-30T10:00:00+02:00", "expires_on": "2026-04-30"})),
    responses((status = 200, description = "The quote as saved.", body = Quote), (status = 409, description = "version_conflict: `expected_version` is not the stored version, or someone changed the record meanwhile.", body = crate::error::Problem),
      (status = 422, description = "unknown_client or invalid_field (e.g. a negative amount).", body = crate::error::Problem))
)]
pub async fn put(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<QuoteInput>,
) -> Result<Json<Quote>, ApiError> {
    let id: QuoteId = path_id(&id, "quote")?;
    check_amount(input.amount)?;
    check_client(&state, &tenant, &input.client_id).await?;
    let records = &state.services.records;
    let current = records.quote(&tenant, &id).await?;
    if let Some(c) = &current {
        check_version("quote", c.version, input.expected_version)?;
    }
    let expected = current
        .as_ref()
        .map_or(Expected::Absent, |c| Expected::Version(c.version));
    let quote = Quote {
        tenant,
        id,
        client_id: input.client_id,
        number: input.number,
        amount: input.amount,
        currency: input.currency,
        issued_at: input.issued_at.utc(),
        expires_on: input.expires_on.date(),
        url: input.url,
        status: input.status.unwrap_or(QuoteStatus::Sent),
        notify: input.notify,
        version: current.map_or(1, |c| c.version + 1),
    };
    records.put(Record::Quote(quote.clone()), expected).await?;
    Ok(Json(quote))
}

/// `accept` or `decline`: only a quote still open can be answered.
#[utoipa::path(
    post, path = "/v1/quotes/{id}/{action}", tag = "quotes", operation_id = "actOnQuote",
    summary = "Record the client's answer: accepted or declined (its reminders are withdrawn)",
    params(("id" = String, Path, description = "The quote's id.", example = "q_2026_0007"), ("action" = QuoteAction, Path, description = "accept or decline.")),
    request_body(content = Option<SettleInput>, description = "Optional: the expected version.", example = json!({"expected_version": 1})),
    responses((status = 200, description = "The quote after the action.", body = Quote),
      (status = 404, description = "not_found: no quote with this id, or an action other than accept or decline.", body = crate::error::Problem),
      (status = 409, description = "version_conflict or invalid_transition (only a sent quote can be answered).", body = crate::error::Problem))
)]
pub async fn act(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path((id, action)): Path<(String, String)>,
    OptionalJson(input): OptionalJson<SettleInput>,
) -> Result<Json<Quote>, ApiError> {
    let status = match action.as_str() {
        "accept" => QuoteStatus::Accepted,
        "decline" => QuoteStatus::Declined,
        _ => return Err(ApiError::not_found("quote action (accept or decline)")),
    };
    let current = load(&state, &tenant, &id).await?;
    check_version("quote", current.version, input.expected_version)?;
    if current.status != QuoteStatus::Sent {
        return Err(ApiError::conflict(
            "invalid_transition",
            format!("the quote is already {}", current.status.as_str()),
        ));
    }
    let next = Quote {
        status,
        notify: false,
        version: current.version + 1,
        ..current.clone()
    };
    state
        .services
        .records
        .put(
            Record::Quote(next.clone()),
            Expected::Version(current.version),
        )
        .await?;
    Ok(Json(next))
}

#[utoipa::path(
    get, path = "/v1/quotes/{id}/notifications", tag = "quotes", operation_id = "getQuoteNotifications",
    summary = "The reminders planned while the quote stays open",
    params(("id" = String, Path, description = "The quote's id.", example = "q_2026_0007")),
    responses((status = 200, description = "The planned reminders with their status.", body = super::documents::DocumentNotifications), (status = 404, description = "not_found: no quote with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn planned(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<super::documents::DocumentNotifications>, ApiError> {
    let id: QuoteId = path_id(&id, "quote")?;
    notifications(&state, &tenant, Subject::Quote(id), "quote").await
}
