//! `GET /v1/usage?month=YYYY-MM`: what the business sent in a month (by kind and channel), its
//! SMS parts and their cost, and where that stands against its SMS budget.

use crate::error::{ApiError, history_unavailable};
use crate::extract::{ApiQuery, Tenant};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::State;
use rappel_app::usage::{UsageView, UsageViewError, usage_of};
use rappel_core::budget::UsageMonth;
use serde::Deserialize;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct UsageQuery {
    month: Option<String>,
}

#[utoipa::path(
    get, path = "/v1/usage", tag = "usage", operation_id = "getUsage",
    summary = "A month's messages, SMS parts and cost, against the SMS budget",
    params(("month" = Option<String>, Query, description = "The calendar month (UTC), YYYY-MM; this month when absent.", example = "2026-03")),
    responses((status = 200, description = "The month's usage.", body = UsageView),
      (status = 422, description = "invalid_month: `month` must be YYYY-MM.", body = crate::error::Problem))
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiQuery(query): ApiQuery<UsageQuery>,
) -> Result<Json<UsageView>, ApiError> {
    let month = match query.month {
        Some(raw) => UsageMonth::parse(&raw).ok_or_else(|| {
            ApiError::unprocessable("invalid_month", "month must be YYYY-MM, e.g. 2026-03")
        })?,
        None => UsageMonth::of(state.services.clock.now()),
    };
    match usage_of(&state.services, &tenant, &month).await {
        Ok(view) => Ok(Json(view)),
        Err(UsageViewError::Store(e)) => Err(e.into()),
        Err(UsageViewError::Usage(e)) => Err(history_unavailable(e)),
    }
}
