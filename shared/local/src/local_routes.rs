//! The full local router: the real API (tenant from `X-Tenant-Id`, or an integrator's API key
//! and `X-Rappel-Business`), settled after every request,
//! plus the local-only inspection routes under `/_local/`.

use crate::runtime::DeadLetter;
use crate::runtime::LocalStack;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, FixedOffset, Utc};
use rappel_api::error::ApiError;
use rappel_api::extract::ApiJson;
use rappel_ports::delivery::OutboxEntry;
use rappel_ports::group_commit::SyncDomain;
use rappel_ports::schedules::{PendingRecurring, ScheduleEntry};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn local_router(stack: Arc<LocalStack>) -> Router {
    let api = rappel_api::local_authentication(
        rappel_api::router(stack.api_services(), stack.delivery.links.clone()),
        stack.credentials.clone(),
    )
    .layer(middleware::from_fn_with_state(stack.clone(), settle_after));
    // The client's links: public, no tenant header (the signature is the authority).
    let links = rappel_api::links_router(rappel_api::LinksState {
        services: stack.api_services(),
        links: stack.delivery.links.clone(),
    })
    .layer(middleware::from_fn_with_state(stack.clone(), settle_after));
    let (inspection, _) = inspection_routes().split_for_parts();
    let local = inspection
        .route("/", get(crate::inbox::inbox))
        .route("/_local/", get(crate::inbox::inbox))
        .route("/_local/messages/{id}", get(crate::inbox::message))
        .route("/_local/ui/advance", post(crate::inbox::advance))
        .route("/_local/ui/replay", post(crate::inbox::replay))
        .route("/_local/ui/sms-reply", post(crate::inbox::sms_reply))
        .with_state(stack);
    // The API's contract at its AWS path; the local stack's (the API and the inspection
    // routes) at the root.
    let contract = rappel_api::public_router().route("/openapi.json", get(serve_local_document));
    local
        .merge(contract)
        .merge(links)
        .merge(api)
        .layer(middleware::from_fn(synced_before_answer))
}

/// Every API call returns once the change feed it caused has been handled, so what it sent
/// is already in the outbox.
async fn settle_after(
    State(stack): State<Arc<LocalStack>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    // What the request wrote ends here; the settle's own barrier syncs it with its work.
    let written = WrittenBeforeSettle(SyncDomain::global().mark());
    stack.settle().await;
    response.extensions_mut().insert(written);
    response
}

/// Where the writes stood when a request's handler was done: its answer waits for those only.
#[derive(Clone, Copy)]
struct WrittenBeforeSettle(u64);

/// Every answer (the API's, the links', the inspection routes') leaves once what the request
/// wrote is synced to the data dir — group commit: the requests answering at the same time
/// share one sync, and an API call whose settle has synced already waits for nothing. A sync
/// that fails is a 503: the change holds in memory but is not acknowledged as kept.
async fn synced_before_answer(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let synced = match response.extensions().get::<WrittenBeforeSettle>() {
        Some(written) => crate::runtime::synced_through(written.0).await,
        None => crate::runtime::synced().await,
    };
    match synced {
        Ok(()) => response,
        Err(error) => {
            tracing::error!(%error, "could not sync the data dir before answering");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "the change could not be kept; try again",
            )
            .into_response()
        }
    }
}

/// The inspection routes (JSON) with their description: the local stack's document.
fn inspection_routes() -> OpenApiRouter<Arc<LocalStack>> {
    OpenApiRouter::new()
        .routes(routes!(outbox))
        .routes(routes!(events))
        .routes(routes!(schedules))
        .routes(routes!(clock, move_clock))
        .routes(routes!(dead_letters))
        .routes(routes!(replay_dead_letters))
        .routes(routes!(simulate_bounce))
        .merge(crate::api_keys::routes())
        .merge(crate::suspension::routes())
        .merge(crate::sending_domains::routes())
        .merge(crate::sms_reply::routes())
}

/// The local stack's OpenAPI document: the API's, and the inspection routes (tag `local`).
pub fn local_document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let mut document = rappel_api::openapi::document().clone();
        let (_, inspection) = inspection_routes().split_for_parts();
        document.merge(inspection);
        document.info.title = "Rappel (local stack)".into();
        let tags = document.tags.get_or_insert_with(Vec::new);
        tags.push(utoipa::openapi::tag::Tag::new("local"));
        if let Some(tag) = tags.last_mut() {
            tag.description = Some(
                "The local stack only: what was sent (the outbox), what is scheduled, the clock, \
                 dead letters and simulated e-mail feedback. No tenant header."
                    .into(),
            );
        }
        rappel_api::openapi::written(&document)
    })
}

async fn serve_local_document() -> Response {
    rappel_api::openapi::json_answer(local_document_json())
}

/// Every message the local stack sent, oldest first: what SES or SNS would have been given.
#[derive(Serialize, ToSchema)]
struct Outbox {
    messages: Vec<OutboxEntry>,
}

#[utoipa::path(
    get, path = "/_local/outbox", tag = "local", operation_id = "localOutbox", security(()),
    summary = "Every message sent, oldest first (e-mails with their MIME, SMS with their segments)",
    responses((status = 200, description = "The outbox.", body = Outbox))
)]
async fn outbox(State(stack): State<Arc<LocalStack>>) -> Json<Outbox> {
    Json(Outbox {
        messages: stack.outbox.messages(),
    })
}

/// Every business's delivery events, oldest first (no settle window: all of them at once).
#[derive(Serialize, ToSchema)]
struct LocalEvents {
    events: Vec<rappel_core::events::DeliveryEvent>,
}

#[utoipa::path(
    get, path = "/_local/events", tag = "local", operation_id = "localEvents", security(()),
    summary = "Every business's delivery events, oldest first",
    responses((status = 200, description = "The events.", body = LocalEvents))
)]
async fn events(State(stack): State<Arc<LocalStack>>) -> Json<LocalEvents> {
    Json(LocalEvents {
        events: stack.events.all(),
    })
}

#[derive(Serialize, ToSchema)]
struct Schedules {
    /// One-shot schedules, earliest first: a message due at `due`.
    schedules: Vec<ScheduleEntry>,
    /// Daily digests and their next firing.
    recurring: Vec<PendingRecurring>,
}

#[utoipa::path(
    get, path = "/_local/schedules", tag = "local", operation_id = "localSchedules", security(()),
    summary = "What is scheduled: one-shot messages and recurring digests",
    responses((status = 200, description = "The schedules.", body = Schedules))
)]
async fn schedules(State(stack): State<Arc<LocalStack>>) -> Json<Schedules> {
    Json(Schedules {
        schedules: stack.scheduler.list(),
        recurring: stack.scheduler.list_recurring(),
    })
}

#[derive(Serialize, ToSchema)]
struct Clock {
    /// The local stack's now, in UTC.
    now: DateTime<Utc>,
}

#[utoipa::path(
    get, path = "/_local/clock", tag = "local", operation_id = "localClock", security(()),
    responses((status = 200, description = "The local stack's clock.", body = Clock))
)]
async fn clock(State(stack): State<Arc<LocalStack>>) -> Json<Clock> {
    Json(Clock { now: stack.now() })
}

#[derive(Serialize, ToSchema)]
struct DeadLetters {
    dead_letters: Vec<DeadLetter>,
}

#[utoipa::path(
    get, path = "/_local/dead-letters", tag = "local", operation_id = "localDeadLetters", security(()),
    summary = "What kept failing, kept with what is needed to replay it",
    responses((status = 200, description = "The dead letters, oldest first.", body = DeadLetters))
)]
async fn dead_letters(State(stack): State<Arc<LocalStack>>) -> Json<DeadLetters> {
    Json(DeadLetters {
        dead_letters: stack.dead_letters(),
    })
}

#[derive(Serialize, ToSchema)]
struct Replayed {
    /// How many dead letters were put back through the normal path.
    replayed: usize,
    /// Those that failed again.
    dead_letters: Vec<DeadLetter>,
}

/// Puts every dead letter back through the normal path (what `infra/replay-dead-letters.sh`
/// does with the queues on AWS); answers how many were replayed and how many failed again.
#[utoipa::path(
    post, path = "/_local/dead-letters/replay", tag = "local", operation_id = "localReplayDeadLetters", security(()),
    summary = "Put every dead letter back through the normal path",
    responses((status = 200, description = "How many were replayed, and those that failed again.", body = Replayed))
)]
async fn replay_dead_letters(State(stack): State<Arc<LocalStack>>) -> Json<Replayed> {
    let replayed = stack.replay_dead_letters().await;
    Json(Replayed {
        replayed,
        dead_letters: stack.dead_letters(),
    })
}

/// `{"advance": "90m" | "2h" | "3d"}` (exact durations) or `{"to": "<RFC 3339>"}`.
#[derive(Deserialize, ToSchema)]
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

#[derive(Serialize, ToSchema)]
struct ClockMoved {
    /// The clock after the move, in UTC.
    now: DateTime<Utc>,
    /// How many messages went out on the way.
    messages_sent: usize,
}

#[utoipa::path(
    post, path = "/_local/clock", tag = "local", operation_id = "localMoveClock", security(()),
    summary = "Move the clock forward, firing every schedule due on the way",
    request_body(content = ClockMove, example = json!({"advance": "26h"})),
    responses((status = 200, description = "Where the clock is now, and what went out.", body = ClockMoved),
        (status = 400, description = "malformed_json, missing_body or unreadable_body.", body = rappel_api::error::Problem),
        (status = 413, description = "payload_too_large.", body = rappel_api::error::Problem),
        (status = 415, description = "unsupported_media_type: send application/json.", body = rappel_api::error::Problem),
        (status = 422, description = "invalid_duration, invalid_body (not exactly one of advance and to) or clock_backwards.", body = rappel_api::error::Problem))
)]
async fn move_clock(
    State(stack): State<Arc<LocalStack>>,
    ApiJson(request): ApiJson<ClockMove>,
) -> Result<Json<ClockMoved>, ApiError> {
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
    Ok(Json(ClockMoved {
        now: stack.now(),
        messages_sent: stack.outbox.messages().len() - before,
    }))
}

/// `{"address": "…", "kind": "permanent" | "transient" | "complaint" | "delivery" |
/// "delay"}`: what SES would report about the latest e-mail sent to that address.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SimulatedFeedback {
    address: String,
    kind: String,
}

/// Simulates the provider's feedback about the latest e-mail to an address, through the same
/// use case as the feedback function on AWS.
#[derive(Serialize, ToSchema)]
struct FeedbackApplied {
    /// What the feedback did (`marked`: the address; `recorded`: a delivery or delay against
    /// its message; `transient`, `ignored`, `untraceable`).
    outcome: &'static str,
}

#[utoipa::path(
    post, path = "/_local/bounce", tag = "local", operation_id = "localSimulateFeedback", security(()),
    summary = "What SES would report about the latest e-mail to an address",
    request_body(content = SimulatedFeedback, example = json!({"address": "lea@example.com", "kind": "permanent"})),
    responses((status = 200, description = "What the feedback did.", body = FeedbackApplied),
        (status = 400, description = "malformed_json, missing_body or unreadable_body.", body = rappel_api::error::Problem),
        (status = 413, description = "payload_too_large.", body = rappel_api::error::Problem),
        (status = 415, description = "unsupported_media_type: send application/json.", body = rappel_api::error::Problem),
        (status = 404, description = "not_found: no e-mail was sent to this address.", body = rappel_api::error::Problem),
        (status = 422, description = "invalid_field: not an e-mail address, or a kind other than permanent, transient, complaint, delivery or delay.", body = rappel_api::error::Problem),
        (status = 503, description = "feedback_unavailable: a passing outage.", body = rappel_api::error::Problem))
)]
async fn simulate_bounce(
    State(stack): State<Arc<LocalStack>>,
    ApiJson(request): ApiJson<SimulatedFeedback>,
) -> Result<Json<FeedbackApplied>, ApiError> {
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
        "delivery" => FeedbackKind::Delivery,
        "delay" => FeedbackKind::DeliveryDelay {
            delay_type: "MailboxFull".into(),
        },
        _ => {
            return Err(ApiError::unprocessable(
                "invalid_field",
                "kind: permanent, transient, complaint, delivery or delay",
            ));
        }
    };
    let tags = stack
        .outbox
        .messages()
        .into_iter()
        .rev()
        .find_map(|m| match m {
            OutboxEntry::Email { to, tags, .. } if to.eq_ignore_ascii_case(address.as_str()) => {
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
        ledger: stack.delivery.ledger.clone(),
        pseudonyms: stack.delivery.pseudonyms.clone(),
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
    Ok(Json(FeedbackApplied {
        outcome: outcome.name(),
    }))
}
