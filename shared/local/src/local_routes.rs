//! The full local router: the real API (tenant from `X-Tenant-Id`), settled after every request,
//! plus the local-only inspection routes under `/_local/`.

use crate::runtime::LocalStack;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, FixedOffset, Utc};
use rappel_api::error::ApiError;
use rappel_api::extract::ApiJson;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

pub fn local_router(stack: Arc<LocalStack>) -> Router {
    let api = rappel_api::dev_tenant_header(rappel_api::router(
        stack.delivery.api(),
        stack.delivery.links.clone(),
    ))
    .layer(middleware::from_fn_with_state(stack.clone(), settle_after));
    // The client's links: public, no tenant header (the signature is the authority).
    let links = rappel_api::links_router(rappel_api::LinksState {
        services: stack.delivery.api(),
        links: stack.delivery.links.clone(),
    })
    .layer(middleware::from_fn_with_state(stack.clone(), settle_after));
    let local = Router::new()
        .route("/_local/outbox", get(outbox))
        .route("/_local/schedules", get(schedules))
        .route("/_local/clock", get(clock).post(move_clock))
        .route("/_local/dead-letters", get(dead_letters))
        .route("/_local/dead-letters/replay", post(replay_dead_letters))
        .route("/_local/bounce", post(simulate_bounce))
        .route("/", get(crate::inbox::inbox))
        .route("/_local/", get(crate::inbox::inbox))
        .route("/_local/messages/{id}", get(crate::inbox::message))
        .route("/_local/ui/advance", post(crate::inbox::advance))
        .route("/_local/ui/replay", post(crate::inbox::replay))
        .with_state(stack);
    // The contract, at its AWS path and at the root.
    let contract = rappel_api::public_router().route(
        "/openapi.json",
        axum::routing::get(rappel_api::openapi::serve),
    );
    local.merge(contract).merge(links).merge(api)
}

/// Every API call returns once the change feed it caused has been handled, so what it sent
/// is already in the outbox.
async fn settle_after(
    State(stack): State<Arc<LocalStack>>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    stack.settle().await;
    response
}

async fn outbox(State(stack): State<Arc<LocalStack>>) -> Json<Value> {
    Json(json!({ "messages": stack.outbox.messages() }))
}

async fn schedules(State(stack): State<Arc<LocalStack>>) -> Json<Value> {
    Json(json!({
        "schedules": stack.scheduler.list(),
        "recurring": stack.scheduler.list_recurring(),
    }))
}

async fn clock(State(stack): State<Arc<LocalStack>>) -> Json<Value> {
    Json(json!({ "now": stack.now() }))
}

async fn dead_letters(State(stack): State<Arc<LocalStack>>) -> Json<Value> {
    Json(json!({ "dead_letters": stack.dead_letters() }))
}

/// Puts every dead letter back through the normal path (what `infra/replay-dead-letters.sh`
/// does with the queues on AWS); answers how many were replayed and how many failed again.
async fn replay_dead_letters(State(stack): State<Arc<LocalStack>>) -> Json<Value> {
    let replayed = stack.replay_dead_letters().await;
    Json(json!({ "replayed": replayed, "dead_letters": stack.dead_letters() }))
}

/// `{"advance": "90m" | "2h" | "3d"}` (exact durations) or `{"to": "<RFC 3339>"}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockMove {
    #[serde(default)]
    advance: Option<String>,
    #[serde(default)]
    to: Option<DateTime<FixedOffset>>,
}

/// A whole number and a unit; `None` for anything else, including amounts no clock can reach.
pub(crate) fn parse_duration(raw: &str) -> Option<chrono::Duration> {
    let mut chars = raw.trim().chars();
    let unit = chars.next_back()?;
    let n: i64 = chars.as_str().parse().ok().filter(|n| *n >= 0)?;
    match unit {
        's' => chrono::Duration::try_seconds(n),
        'm' => chrono::Duration::try_minutes(n),
        'h' => chrono::Duration::try_hours(n),
        'd' => chrono::Duration::try_days(n),
        _ => None,
    }
}

async fn move_clock(
    State(stack): State<Arc<LocalStack>>,
    ApiJson(request): ApiJson<ClockMove>,
) -> Result<Json<Value>, ApiError> {
    let now = stack.now();
    let target: DateTime<Utc> = match (request.advance, request.to) {
        (Some(by), None) => {
            let by = parse_duration(&by).ok_or_else(|| {
                ApiError::unprocessable(
                    "invalid_duration",
                    "advance: use a whole number followed by s, m, h or d, e.g. \"26h\"",
                )
            })?;
            now.checked_add_signed(by).ok_or_else(|| {
                ApiError::unprocessable("invalid_duration", "advance: too far ahead")
            })?
        }
        (None, Some(to)) => to.with_timezone(&Utc),
        _ => {
            return Err(ApiError::unprocessable(
                "invalid_body",
                "give exactly one of \"advance\" or \"to\"",
            ));
        }
    };
    if target < now {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "clock_backwards",
            "the clock only moves forward",
        ));
    }
    let before = stack.outbox.messages().len();
    stack.advance_to(target).await;
    Ok(Json(
        json!({ "now": stack.now(), "messages_sent": stack.outbox.messages().len() - before }),
    ))
}

/// `{"address": "…", "kind": "permanent" | "transient" | "complaint"}`: what SES would
/// report about the latest e-mail sent to that address.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulatedFeedback {
    address: String,
    kind: String,
}

/// Simulates the provider's feedback about the latest e-mail to an address, through the same
/// use case as the feedback function on AWS.
async fn simulate_bounce(
    State(stack): State<Arc<LocalStack>>,
    ApiJson(request): ApiJson<SimulatedFeedback>,
) -> Result<Json<Value>, ApiError> {
    use rappel_core::feedback::{FeedbackKind, MailFeedback, MailTags};
    let address = rappel_core::model::EmailAddress::parse(&request.address)
        .map_err(|e| ApiError::unprocessable("invalid_field", format!("address: {e}")))?;
    let kind = match request.kind.as_str() {
        "permanent" => FeedbackKind::PermanentBounce {
            sub_type: "General".into(),
        },
        "transient" => FeedbackKind::TransientBounce {
            sub_type: "MailboxFull".into(),
        },
        "complaint" => FeedbackKind::Complaint {
            feedback_type: Some("abuse".into()),
        },
        _ => {
            return Err(ApiError::unprocessable(
                "invalid_field",
                "kind: permanent, transient or complaint",
            ));
        }
    };
    let tags = stack
        .outbox
        .messages()
        .into_iter()
        .rev()
        .find_map(|m| match m {
            rappel_ports::delivery::OutboxEntry::Email { to, tags, .. }
                if to.eq_ignore_ascii_case(address.as_str()) =>
            {
                MailTags::from_pairs(|name| {
                    tags.iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.as_str())
                })
            }
            _ => None,
        })
        .ok_or_else(|| ApiError::not_found("e-mail sent to this address"))?;
    let feedback = MailFeedback {
        kind,
        addresses: vec![address],
        tags: Some(tags),
        at: stack.now(),
    };
    let services = rappel_app::feedback::FeedbackServices {
        marks: stack.delivery.marks.clone(),
        history: stack.delivery.history.clone(),
    };
    let outcome = rappel_app::feedback::apply_mail_feedback(&services, &feedback)
        .await
        .map_err(|e| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "feedback_unavailable",
                e.to_string(),
            )
        })?;
    Ok(Json(json!({ "outcome": outcome.name() })))
}
