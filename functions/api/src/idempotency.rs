//! Safe retries: a `POST` with an `Idempotency-Key` header. The first request with a key runs
//! and its answer is kept a day under the business and the key; the same request asked again
//! gets that answer (`Idempotent-Replayed: true`) and changes nothing; another request under
//! the same key is refused (422 `idempotency_key_reused`); while the first still runs, 409
//! `idempotency_key_in_use`. An outage (5xx), a conflict (409) or a 429 frees the key: it is
//! an answer to try again, not one to keep.
//!
//! The request is told apart by a digest of its method, path, query and body: a client that
//! retries sends the same bytes.

use crate::error::ApiError;
use crate::extract::{MAX_IMPORT_BODY_BYTES, Tenant};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rappel_app::ApiServices;
use rappel_core::model::TenantId;
use rappel_ports::idempotency::{KeptAnswer, KeyClaim};
use sha2::{Digest, Sha256};

/// The request header.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// The answer header of a replayed answer.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// The longest key: room for a UUID, a ULID or the integrator's own composite ids.
pub const MAX_KEY_LENGTH: usize = 255;

/// The key a `POST` runs under, for the routes that create a record: its id is derived from
/// the key and the request's fingerprint, so the same request run again after its answer was
/// lost finds its own record instead of making a second one (and a key reused a day later
/// for another request makes another).
#[derive(Debug, Clone)]
pub struct RequestKey(pub String);

impl RequestKey {
    fn of(tenant: &TenantId, key: &str, fingerprint: &str) -> Self {
        Self(format!("{tenant}\n{key}\n{fingerprint}"))
    }
}

/// The header a `POST` may carry (described for the contract).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // only its description
pub struct IdempotencyKey {
    /// Your key for this request (1 to 255 visible ASCII characters, e.g. a UUID): the same
    /// key with the same body within 24 hours answers the first answer (header
    /// `Idempotent-Replayed: true`) and does nothing more; with another body, 422
    /// `idempotency_key_reused`; while the first is still running, 409
    /// `idempotency_key_in_use`. A 409, 429 or 5xx answer is not kept: ask again.
    #[param(
        rename = "Idempotency-Key",
        example = "6f1c2a7e-0b3d-4a55-9a10-2f4c8e7d9b31"
    )]
    idempotency_key: Option<String>,
}

/// The key a request carries, checked: `None` without the header.
fn key_of(request: &Request) -> Result<Option<String>, ApiError> {
    let Some(raw) = request.headers().get(&IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = raw.to_str().ok().filter(|k| {
        !k.is_empty() && k.len() <= MAX_KEY_LENGTH && k.bytes().all(|b| b.is_ascii_graphic())
    });
    match key {
        Some(key) => Ok(Some(key.to_owned())),
        None => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            format!("Idempotency-Key: 1 to {MAX_KEY_LENGTH} visible ASCII characters"),
        )),
    }
}

fn fingerprint(method: &Method, path_and_query: &str, body: &[u8]) -> String {
    let mut digest = Sha256::new();
    for part in [method.as_str().as_bytes(), path_and_query.as_bytes(), body] {
        digest.update((part.len() as u64).to_be_bytes());
        digest.update(part);
    }
    hex::encode(digest.finalize())
}

/// Whether an answer is kept for the key: a success or a refusal that asking again would
/// repeat — not an outage, a conflict or a throttle, which a retry may get past.
fn is_final(status: StatusCode) -> bool {
    !(status.is_server_error()
        || status == StatusCode::CONFLICT
        || status == StatusCode::TOO_MANY_REQUESTS)
}

fn unavailable(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "idempotency keys unavailable");
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "store_unavailable",
        "the service is temporarily unavailable",
    )
    .into_response()
}

/// The layer: runs inside authentication (the tenant is known), around every route.
pub async fn safe_retries(
    State(services): State<ApiServices>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let key = match key_of(&request) {
        Ok(Some(key)) => key,
        Ok(None) => return next.run(request).await,
        Err(refused) => return refused.into_response(),
    };
    let Some(Tenant(tenant)) = request.extensions().get::<Tenant>().cloned() else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    // The largest body of any route; each route's own limit is checked inside.
    let Ok(bytes) = to_bytes(body, MAX_IMPORT_BODY_BYTES).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body must be at most {MAX_IMPORT_BODY_BYTES} bytes"),
        )
        .into_response();
    };
    let target = parts.uri.path_and_query().map_or("", |p| p.as_str());
    let print = fingerprint(&parts.method, target, &bytes);
    let now = services.clock.now();
    let keys = &services.idempotency;
    match keys.claim(&tenant, &key, &print, now).await {
        Ok(KeyClaim::Fresh) => {}
        Ok(KeyClaim::Answered(answer)) => return replay(answer),
        Ok(KeyClaim::InProgress) => {
            let mut busy = ApiError::conflict(
                "idempotency_key_in_use",
                "a request with this Idempotency-Key is still running; ask again shortly",
            )
            .into_response();
            busy.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return busy;
        }
        Ok(KeyClaim::OtherRequest) => {
            return ApiError::unprocessable(
                "idempotency_key_reused",
                "this Idempotency-Key was used for another request: use a new key",
            )
            .into_response();
        }
        Err(error) => return unavailable(error),
    }
    let mut parts = parts;
    parts
        .extensions
        .insert(RequestKey::of(&tenant, &key, &print));
    let answer = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    keep(&services, &tenant, &key, &print, answer).await
}

/// Keeps a final answer under the key (or frees the key) and sends it.
async fn keep(
    services: &ApiServices,
    tenant: &TenantId,
    key: &str,
    print: &str,
    answer: Response,
) -> Response {
    let keys = &services.idempotency;
    let status = answer.status();
    if !is_final(status) {
        if let Err(error) = keys.release(tenant, key, print).await {
            // The claim's lease frees the key in a minute anyway.
            tracing::warn!(%error, "could not free an idempotency key");
        }
        return answer;
    }
    let (parts, body) = answer.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return unavailable("an answer could not be read");
    };
    let kept = KeptAnswer {
        status: status.as_u16(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let now = services.clock.now();
    if let Err(error) = keys.keep(tenant, key, print, kept, now).await {
        // Done, but not kept: a retry within the claim's lease waits, later runs again (and a
        // write under the caller's own id, or a version check, refuses to do it twice).
        tracing::warn!(%error, "an answer could not be kept under its idempotency key");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(answer: KeptAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (REPLAYED, HeaderValue::from_static("true")),
        ],
        answer.body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_answers_a_retry_would_repeat_are_kept() {
        for kept in [200, 201, 202, 204, 400, 404, 413, 422] {
            assert!(is_final(StatusCode::from_u16(kept).unwrap()), "{kept}");
        }
        for freed in [409, 429, 500, 503] {
            assert!(!is_final(StatusCode::from_u16(freed).unwrap()), "{freed}");
        }
    }

    #[test]
    fn a_request_is_told_apart_by_method_target_and_body() {
        let post = Method::POST;
        let one = fingerprint(&post, "/v1/clients", br#"{"name":"L"}"#);
        assert_eq!(one, fingerprint(&post, "/v1/clients", br#"{"name":"L"}"#));
        assert_ne!(one, fingerprint(&post, "/v1/clients", br#"{"name":"M"}"#));
        assert_ne!(one, fingerprint(&post, "/v1/inbound", br#"{"name":"L"}"#));
        // Parts are length-prefixed: moving bytes from the path to the body is another request.
        assert_ne!(
            fingerprint(&post, "/v1/a", b"bc"),
            fingerprint(&post, "/v1/ab", b"c")
        );
    }
}
