//! `PUT/GET /v1/quotes/{id}`, `POST /v1/quotes/{id}/accept|decline`,
//! `GET /v1/quotes/{id}/notifications`. Ids are the business's own. A quote sent with
//! `notify` is announced to its client; before it expires, reminders follow the settings.

use super::documents::{self, CommonFields, SettleInput, yes};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, OptionalJson, Tenant};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use rappel_core::message::Subject;
use rappel_core::model::{CalendarDate, CalendarInstant};
use rappel_core::model::{ClientId, Currency, DocumentNumber, DocumentUrl, Quote, QuoteStatus};
use serde::{Deserialize, Serialize};

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

impl QuoteInput {
    fn common(self) -> CommonFields<QuoteStatus> {
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
pub struct QuoteListQuery {
    /// Only in this status (applied to each page: a page may hold fewer than `limit`).
    status: Option<QuoteStatus>,
    /// At most this many (1 to 100, default 100).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct QuoteList {
    quotes: Vec<Quote>,
    /// Ask again with `cursor` set to this for the next page; `null` when this page is the last.
    next_cursor: Option<String>,
}

#[utoipa::path(
    get, path = "/v1/quotes", tag = "quotes", operation_id = "listQuotes",
    summary = "The business's quotes, by id, a page at a time",
    params(QuoteListQuery),
    responses((status = 200, description = "A page of quotes, with the cursor of the next one.", body = QuoteList), (status = 400, description = "invalid_cursor (a cursor this list did not give) or invalid_query (a limit outside 1 to 100).", body = crate::error::Problem))
)]
pub async fn list(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiQuery(query): ApiQuery<QuoteListQuery>,
) -> Result<Json<QuoteList>, ApiError> {
    let (quotes, next_cursor) = documents::list::<Quote>(
        &state,
        &tenant,
        query.status,
        query.limit,
        query.cursor.as_deref(),
    )
    .await?;
    Ok(Json(QuoteList {
        quotes,
        next_cursor,
    }))
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
    documents::get(&state, &tenant, &id).await
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
    let day = input.expires_on.date();
    documents::put(&state, &tenant, &id, input.common(), day).await
}

/// `accept` or `decline`: only a quote still open can be answered.
#[utoipa::path(
    post, path = "/v1/quotes/{id}/{action}", tag = "quotes", operation_id = "actOnQuote",
    summary = "Record the client's answer: accepted or declined (its reminders are withdrawn)",
    params(("id" = String, Path, description = "The quote's id.", example = "q_2026_0007"), ("action" = QuoteAction, Path, description = "accept or decline."), crate::idempotency::IdempotencyKey),
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
    let settle = match action.as_str() {
        "accept" => Some(QuoteStatus::Accepted),
        "decline" => Some(QuoteStatus::Declined),
        _ => None,
    };
    documents::act(&state, &tenant, &id, settle, "accept or decline", input).await
}

#[utoipa::path(
    get, path = "/v1/quotes/{id}/notifications", tag = "quotes", operation_id = "getQuoteNotifications",
    summary = "The reminders planned while the quote stays open",
    params(("id" = String, Path, description = "The quote's id.", example = "q_2026_0007")),
    responses((status = 200, description = "The planned reminders with their status.", body = documents::DocumentNotifications), (status = 404, description = "not_found: no quote with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn planned(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<documents::DocumentNotifications>, ApiError> {
    documents::planned::<Quote>(&state, &tenant, &id, Subject::Quote).await
}
