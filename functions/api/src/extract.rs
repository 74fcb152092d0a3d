//! Request extractors that turn every malformed input into a clear [`ApiError`]: JSON bodies
//! parsed straight into validated types (the error names the field), ids in paths, and the
//! authenticated tenant.

use crate::error::ApiError;
use crate::objects_only::ObjectsOnly;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use rappel_core::model::TenantId;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// Largest accepted body: a settings document or a template is far below this.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// An import's body: up to 1,000 items of about 300 bytes, with room to spare.
pub const MAX_IMPORT_BODY_BYTES: usize = 1024 * 1024;

/// A JSON body parsed into `T`; parse errors name the field that failed.
pub struct ApiJson<T>(pub T);

/// Like [`ApiJson`], but an empty body or `null` means `T::default()` (for actions with
/// optional options, whose contract says the body may be `null`).
pub struct OptionalJson<T>(pub T);

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<(bool, Bytes), ApiError> {
    let is_json = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("application/json")
        });
    let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!(
                    "the body must be at most {MAX_BODY_BYTES} bytes ({MAX_IMPORT_BODY_BYTES} for an import)"
                ),
            )
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                "the request body could not be read",
            )
        }
    })?;
    if !bytes.is_empty() && is_json != Some(true) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as application/json",
        ));
    }
    Ok((is_json == Some(true), bytes))
}

/// Parses a whole body: every struct from an object only ([`ObjectsOnly`]: serde would read
/// `[null, null]` as a struct's fields in order), and nothing after the value.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(ObjectsOnly(&mut deserializer)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the body is not valid JSON: {inner}"),
            )
        } else if path == "." {
            ApiError::unprocessable("invalid_body", strip_position(&inner.to_string()))
        } else {
            ApiError::unprocessable(
                "invalid_field",
                format!("{path}: {}", strip_position(&inner.to_string())),
            )
        }
    })?;
    deserializer.end().map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    Ok(value)
}

/// serde_json appends " at line 1 column 42"; the field path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (_, bytes) = body_bytes(req, state).await?;
        if bytes.is_empty() {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "missing_body",
                "a JSON body is required",
            ));
        }
        parse(&bytes).map(ApiJson)
    }
}

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (_, bytes) = body_bytes(req, state).await?;
        let text = bytes.trim_ascii();
        if text.is_empty() || text == b"null" {
            return Ok(OptionalJson(T::default()));
        }
        parse(&bytes).map(OptionalJson)
    }
}

/// A query string parsed into `T`; one that does not parse (a parameter given twice, a value
/// of the wrong form) is a 400 problem like any bad input, not axum's plain-text rejection.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(query)| ApiQuery(query))
            .map_err(|rejection| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    format!("the query string does not parse: {}", rejection.body_text()),
                )
            })
    }
}

/// The tenant of the authenticated caller, set on the request by the authentication layer
/// (a dev header locally, the JWT authorizer's claim on AWS). Never taken from the body.
#[derive(Debug, Clone)]
pub struct Tenant(pub TenantId);

impl<S: Send + Sync> FromRequestParts<S> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Tenant>().cloned().ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "the caller's business could not be identified",
            )
        })
    }
}

/// Deserialises a field that may be absent (keep), `null` (clear) or a value (set).
pub fn patch_field<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Parses an id from the path; a malformed id cannot exist, so it is a 404 like an unknown one.
pub fn path_id<T>(raw: &str, what: &str) -> Result<T, ApiError>
where
    T: TryFrom<String>,
{
    T::try_from(raw.to_owned()).map_err(|_| ApiError::not_found(what))
}
