//! A client's text back to the local stack's two-way number (on AWS, End User Messaging SMS
//! delivers it to the inbound function): taken by the same use case, answered into the outbox.

use crate::runtime::LocalStack;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rappel_api::error::ApiError;
use rappel_api::extract::ApiJson;
use rappel_app::commands::sms_reply::{ReplyError, ReplyServices, take_sms_reply};
use rappel_core::model::PhoneNumber;
use rappel_core::replies::InboundSms;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<Arc<LocalStack>> {
    OpenApiRouter::new().routes(routes!(sms_reply))
}

/// A text from a client's phone.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SimulatedReply {
    /// The client's number, E.164.
    #[schema(example = "+33612345678")]
    pub from: String,
    #[schema(max_length = 1600)]
    pub body: String,
    /// The provider's id of the inbound message (a second delivery of the same id is one
    /// reply); a new one when absent.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub id: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct ReplyOutcome {
    /// What the reply did: `stopped`, `started`, `help`, `confirmed`, `cancelled`,
    /// `to_business`, `clarified`, `nothing_to_answer`, `unknown` (nobody texted that number)
    /// or `duplicate`.
    outcome: &'static str,
}

#[utoipa::path(
    post, path = "/_local/sms-reply", tag = "local", operation_id = "localSmsReply", security(()),
    summary = "A client texts back to the two-way number",
    request_body(content = SimulatedReply, example = json!({"from": "+33612345678", "body": "OUI"})),
    responses((status = 200, description = "What the reply did; its answer, if any, is in the outbox.", body = ReplyOutcome),
        (status = 400, description = "malformed_json, missing_body or unreadable_body.", body = rappel_api::error::Problem),
        (status = 413, description = "payload_too_large.", body = rappel_api::error::Problem),
        (status = 409, description = "reply_refused: the appointment changed meanwhile; send it again.", body = rappel_api::error::Problem),
        (status = 415, description = "unsupported_media_type: send application/json.", body = rappel_api::error::Problem),
        (status = 422, description = "invalid_field: not an E.164 number, a body over 1,600 characters or an id over 100.", body = rappel_api::error::Problem),
        (status = 503, description = "replies_unavailable: a passing outage.", body = rappel_api::error::Problem))
)]
async fn sms_reply(
    State(stack): State<Arc<LocalStack>>,
    ApiJson(request): ApiJson<SimulatedReply>,
) -> Result<Json<ReplyOutcome>, ApiError> {
    let outcome = take_reply(&stack, request).await?;
    Ok(Json(ReplyOutcome { outcome }))
}

/// Takes the reply, then lets what it caused run (the answer, the notices of a cancel).
pub(crate) async fn take_reply(
    stack: &LocalStack,
    request: SimulatedReply,
) -> Result<&'static str, ApiError> {
    let from = PhoneNumber::parse(&request.from)
        .map_err(|e| ApiError::unprocessable("invalid_field", format!("from: {e}")))?;
    if request.body.chars().count() > 1_600 {
        return Err(ApiError::unprocessable(
            "invalid_field",
            "body: at most 1,600 characters",
        ));
    }
    let id = match request.id {
        Some(id) if id.is_empty() || id.len() > 100 => {
            return Err(ApiError::unprocessable(
                "invalid_field",
                "id: 1 to 100 characters",
            ));
        }
        Some(id) => id,
        None => format!("local-{}", rappel_app::commands::ids::arrival_nonce()),
    };
    let Some(two_way) = stack.delivery.two_way.clone() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "replies_unavailable",
            "this stack has no two-way number",
        ));
    };
    let services = ReplyServices {
        records: stack.delivery.records.clone(),
        history: stack.delivery.history.clone(),
        ledger: stack.delivery.ledger.clone(),
        clock: stack.delivery.clock.clone(),
        send_queue: stack.delivery.settles.clone(),
        two_way: two_way.clone(),
        pseudonyms: stack.delivery.pseudonyms.clone(),
    };
    let sms = InboundSms {
        from,
        to: two_way.number.as_str().to_owned(),
        body: request.body,
        id,
        replying_to: None,
    };
    let taken = take_sms_reply(&services, &sms).await;
    stack.settle().await;
    match taken {
        Ok(taken) => Ok(taken.as_str()),
        Err(error @ ReplyError::Command(_)) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "reply_refused",
            error.to_string(),
        )),
        Err(error) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "replies_unavailable",
            error.to_string(),
        )),
    }
}
