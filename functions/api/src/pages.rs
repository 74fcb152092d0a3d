//! A list's page in the API: `limit` checked against the list's maximum, and the cursor — the
//! store's own, hex-encoded: opaque to the caller, read back only by the list that gave it
//! (the store refuses another business's or another list's as `invalid_cursor`).

use crate::error::ApiError;
use axum::http::StatusCode;

/// `limit` (or `default`), if it is 1 to `max`.
pub fn page_size(limit: Option<usize>, default: usize, max: usize) -> Result<usize, ApiError> {
    let limit = limit.unwrap_or(default);
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("limit must be 1 to {max}"),
        ))
    }
}

/// The store's cursor a `cursor` parameter carries.
pub fn read_cursor(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    raw.map(|raw| {
        hex::decode(raw)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_cursor",
                    "cursor is not one this API gave",
                )
            })
    })
    .transpose()
}

/// The `next_cursor` of a page.
pub fn write_cursor(next: Option<String>) -> Option<String> {
    next.map(hex::encode)
}
