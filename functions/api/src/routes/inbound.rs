//! `POST /v1/inbound`: the client sent a message, a document or filled the contact form — or
//! someone not yet a client did (a contact form with a name and an e-mail or phone). Answers
//! 202: the automatic reply, if the business has one for this kind, goes out through the
//! delivery path. `GET /v1/inbound/{id}` shows the message and what became of its reply.

use crate::error::{ApiError, history_unavailable};
use crate::extract::{ApiJson, Tenant, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rappel_app::commands::inbound::{InboundMessage, receive_inbound};
use rappel_app::lists;
use rappel_core::message::Channel;
use rappel_core::model::{
    ClientId, DisplayName, EmailAddress, Inbound, InboundId, InboundKind, PhoneNumber,
};
use rappel_ports::history::CommunicationRecord;
use rappel_ports::records::TypedRecords;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundInput {
    kind: InboundKind,
    #[serde(default)]
    client_id: Option<ClientId>,
    #[serde(default)]
    name: Option<DisplayName>,
    #[serde(default)]
    email: Option<EmailAddress>,
    #[serde(default)]
    phone: Option<PhoneNumber>,
    /// The channel it came by, if known: the reply goes back on it.
    #[serde(default)]
    channel: Option<Channel>,
    /// The message's `Auto-Submitted` header, if it was an e-mail (RFC 3834).
    #[serde(default)]
    auto_submitted: Option<String>,
    /// The message's `Precedence` header, if any (`bulk`, `list`, `junk`: a machine).
    #[serde(default)]
    precedence: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Accepted {
    id: InboundId,
    received_at: chrono::DateTime<chrono::Utc>,
    /// Whether it was taken for a machine's (never answered).
    automated: bool,
}

#[utoipa::path(
    post, path = "/v1/inbound", tag = "inbound", operation_id = "receiveInbound",
    params(crate::idempotency::IdempotencyKey),
    summary = "A client (or someone not yet one) sent a message, a document or the contact form",
    request_body(content = InboundInput, example = json!({"kind": "message", "client_id": "cl_3f9a1c", "channel": "email"})),
    responses((status = 202, description = "Recorded; its automatic reply, if any, goes out through the delivery path.", body = Accepted),
      (status = 422, description = "unknown_client or invalid_field (a sender needs a client id, or a name with an e-mail or phone).", body = crate::error::Problem))
)]
pub async fn receive(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiJson(input): ApiJson<InboundInput>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let message = InboundMessage {
        kind: input.kind,
        client_id: input.client_id,
        name: input.name,
        email: input.email,
        phone: input.phone,
        channel: input.channel,
        auto_submitted: input.auto_submitted,
        precedence: input.precedence,
    };
    let inbound = receive_inbound(&state.services, &tenant, message).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted {
            id: inbound.id,
            received_at: inbound.received_at,
            automated: inbound.automated,
        }),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InboundView {
    #[serde(flatten)]
    inbound: Inbound,
    /// What became of its automatic reply (empty until decided, or when replies are off).
    replies: Vec<CommunicationRecord>,
}

#[utoipa::path(
    get, path = "/v1/inbound/{id}", tag = "inbound", operation_id = "getInbound",
    summary = "An inbound message and what became of its automatic reply",
    params(("id" = String, Path, description = "The inbound message's id.", example = "in_01HV")),
    responses((status = 200, description = "The message and its reply's history.", body = InboundView), (status = 404, description = "not_found: no inbound message with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<InboundView>, ApiError> {
    let id: InboundId = path_id(&id, "inbound message")?;
    let inbound = state
        .services
        .records
        .inbound(&tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("inbound message"))?;
    let replies = lists::replies_to(&state.services, &inbound)
        .await
        .map_err(history_unavailable)?;
    Ok(Json(InboundView { inbound, replies }))
}
