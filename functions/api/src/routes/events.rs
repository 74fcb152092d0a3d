//! `GET /v1/events?after=&limit=`: the business's delivery events, oldest first, a page at a
//! time from a cursor — a message planned, moved, withdrawn, sent, suppressed, stale, failed,
//! bounced, complained; a client unsubscribed. The same events, in the same order, whenever
//! asked: what a webhook consumer replays from after an outage. Only events at least
//! [`EVENT_SETTLE`] old are listed, so that one written a moment late by a concurrent writer is
//! never skipped by a reader that has already passed its position.

use crate::error::ApiError;
use crate::extract::{ApiQuery, Tenant};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::State;
use chrono::Duration;
use rappel_core::events::DeliveryEvent;
use rappel_ports::events::is_position;
use serde::{Deserialize, Serialize};

/// How old an event must be to be listed.
pub const EVENT_SETTLE: Duration = rappel_core::events::SETTLE_WINDOW;
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 500;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct EventsQuery {
    after: Option<String>,
    limit: Option<usize>,
}

/// An event and its position in the business's stream (what `after=` takes).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub position: String,
    #[serde(flatten)]
    pub event: DeliveryEvent,
}

/// A page of events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventsPage {
    pub events: Vec<EventView>,
    /// The cursor of the next page (`after=`); `null` when the page reached the end so far —
    /// ask again later from the last event's `position` for what comes next.
    pub next_cursor: Option<String>,
    /// The last event's position (what to pass as `after=` to continue from it), `null` for an
    /// empty page.
    pub last_position: Option<String>,
}

#[utoipa::path(
    get, path = "/v1/events", tag = "events", operation_id = "listEvents",
    summary = "The business's delivery events from a cursor, oldest first",
    params(
        ("after" = Option<String>, Query, description = "A position (`next_cursor` or `last_position` of an earlier page); from the first event kept (30 days) without one.", example = "2026-03-20T09:00:00.000Z#ev_3f9a1c0e5b7d2a4c6e8f0a1b2c3d4e5f"),
        ("limit" = Option<usize>, Query, description = "1 to 500 (100).", example = 100)
    ),
    responses((status = 200, description = "A page of events.", body = EventsPage),
      (status = 422, description = "invalid_limit or invalid_cursor.", body = crate::error::Problem))
)]
pub async fn list(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> Result<Json<EventsPage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::unprocessable(
            "invalid_limit",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        ));
    }
    if let Some(after) = &query.after
        && !is_position(after)
    {
        return Err(ApiError::unprocessable(
            "invalid_cursor",
            "after must be a position from an earlier page",
        ));
    }
    let until = state.services.clock.now() - EVENT_SETTLE;
    let page = state
        .services
        .events
        .page(&tenant, query.after.as_deref(), limit, until)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "the event log did not answer");
            ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "storage_unavailable",
                "the event log is unavailable; try again",
            )
        })?;
    let last_position = page.events.last().map(|p| p.position.clone());
    Ok(Json(EventsPage {
        events: page
            .events
            .into_iter()
            .map(|p| EventView {
                position: p.position,
                event: p.event,
            })
            .collect(),
        next_cursor: page.next,
        last_position,
    }))
}
