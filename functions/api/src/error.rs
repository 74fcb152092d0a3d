//! API errors: every failure is an HTTP problem with a machine-readable `code` and a human
//! `message`, `{"error": {"code": "...", "message": "..."}}`. Bad input is always a 4xx.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rappel_app::commands::{CommandError, Refusal};
use rappel_app::preview::PreviewError;
use rappel_ports::records::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no {what} with this id"),
        )
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }
}

/// The body of every error answer, as sent and as the contract describes it.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"error": {"code": "not_found", "message": "no appointment with this id"}}))]
pub struct Problem {
    error: ProblemDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProblemDetail {
    /// Machine-readable, stable: `not_found`, `version_conflict`, `invalid_field`, …
    code: String,
    /// For people; names the field at fault where there is one.
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            error: ProblemDetail {
                code: self.code.to_owned(),
                message: self.message,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        // A passing outage behind us (AWS throttling or 5xx beyond the SDK's retries): say
        // when to try again, as HTTP clients and API Gateway integrations expect.
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. } => Self::conflict(
                "version_conflict",
                "the record was changed by someone else; reload it and try again",
            ),
            StoreError::InvalidCursor => Self::new(
                StatusCode::BAD_REQUEST,
                "invalid_cursor",
                "cursor is not one this API gave for this list",
            ),
            StoreError::Unavailable(_) | StoreError::Corrupt(_) => {
                tracing::error!(error = %e, "record store failure");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "the service is temporarily unavailable",
                )
            }
        }
    }
}

/// The one place a command's refusal becomes an HTTP problem.
impl From<CommandError> for ApiError {
    fn from(e: CommandError) -> Self {
        let status = match e.refusal() {
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::Conflict => StatusCode::CONFLICT,
            Refusal::BadInput => StatusCode::BAD_REQUEST,
            Refusal::Unavailable => match e {
                CommandError::Store(store) => return store.into(),
                _ => StatusCode::SERVICE_UNAVAILABLE,
            },
        };
        let message = match &e {
            CommandError::Store(StoreError::Conflict { .. }) => {
                "the record was changed by someone else; reload it and try again".to_owned()
            }
            _ => e.to_string(),
        };
        Self::new(status, e.code(), message)
    }
}

impl From<rappel_ports::replan::ProgressError> for ApiError {
    fn from(e: rappel_ports::replan::ProgressError) -> Self {
        tracing::error!(error = %e, "re-plan progress unavailable");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "the service is temporarily unavailable",
        )
    }
}

/// The history could not be read (an outage): say when to try again.
pub fn history_unavailable(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "history unavailable");
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "history_unavailable",
        "the communication history is temporarily unavailable",
    )
}

impl From<PreviewError> for ApiError {
    fn from(e: PreviewError) -> Self {
        tracing::error!(error = %e, "cannot compute planned notifications");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "planning_unavailable",
            "planned notifications are temporarily unavailable",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unavailable_store_answers_503_saying_when_to_try_again() {
        let response = ApiError::from(StoreError::Unavailable("throttled".into())).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[axum::http::header::RETRY_AFTER], "1");
        let conflict = ApiError::conflict("version_conflict", "changed").into_response();
        assert!(
            conflict
                .headers()
                .get(axum::http::header::RETRY_AFTER)
                .is_none()
        );
    }
}
