//! `POST /v1/inbound`: the client sent a message, a document or filled the contact form — or
//! someone not yet a client did (a contact form with a name and an e-mail or phone). Answers
//! 202: the automatic reply, if the business has one for this kind, goes out through the
//! delivery path. `GET /v1/inbound/{id}` shows the message and what became of its reply.

use crate::error::ApiError;
use crate::extract::{ApiJson, Tenant, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rappel_core::message::Channel;
use rappel_core::model::{
    ClientId, DisplayName, EmailAddress, Inbound, InboundId, InboundKind, InboundSender,
    PhoneNumber, looks_automated,
};
use rappel_ports::history::CommunicationRecord;
use rappel_ports::records::{Expected, Record, TypedRecords};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU16, Ordering};

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

/// Tells apart two messages of one sender in the same millisecond, in arrival order within
/// this process (a counter), and across processes (random bits). The window rule orders ties
/// by id, so the first to arrive keeps the reply.
fn nonce() -> String {
    static ARRIVALS: AtomicU16 = AtomicU16::new(0);
    let arrival = ARRIVALS.fetch_add(1, Ordering::Relaxed);
    let random = uuid::Uuid::new_v4().as_u128() as u16;
    format!("{arrival:04x}{random:04x}")
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
    let records = &state.services.records;
    let (sender, address) = match input.client_id {
        Some(client_id) => {
            if input.name.is_some() || input.phone.is_some() {
                return Err(ApiError::unprocessable(
                    "invalid_field",
                    "name, phone: give client_id or the contact details, not both",
                ));
            }
            let Some(client) = records.client(&tenant, &client_id).await? else {
                return Err(ApiError::unprocessable(
                    "unknown_client",
                    format!("client_id: no client {client_id}"),
                ));
            };
            // The address it came from, when given, is what tells a machine apart.
            let address = input.email.or(client.email);
            (InboundSender::Client { client_id }, address)
        }
        None => {
            if input.kind != InboundKind::ContactForm {
                return Err(ApiError::unprocessable(
                    "invalid_field",
                    "client_id: required, except for a contact form",
                ));
            }
            let Some(name) = input.name else {
                return Err(ApiError::unprocessable(
                    "invalid_field",
                    "name: a contact form needs the sender's name",
                ));
            };
            if input.email.is_none() && input.phone.is_none() {
                return Err(ApiError::unprocessable(
                    "invalid_field",
                    "email, phone: a contact form needs an e-mail or a phone to answer",
                ));
            }
            let address = input.email.clone();
            (
                InboundSender::Contact {
                    name,
                    email: input.email,
                    phone: input.phone,
                },
                address,
            )
        }
    };
    let received_at = state.services.clock.now();
    let id = Inbound::id_for(&sender, received_at, &nonce()).ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "id_unavailable",
            "could not allocate an id",
        )
    })?;
    let automated = looks_automated(
        input.auto_submitted.as_deref(),
        input.precedence.as_deref(),
        address.as_ref(),
    );
    let inbound = Inbound {
        tenant,
        id: id.clone(),
        kind: input.kind,
        sender,
        channel: input.channel,
        received_at,
        automated,
        version: 1,
    };
    records
        .put(Record::Inbound(inbound), Expected::Absent)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted {
            id,
            received_at,
            automated,
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
    let history = match inbound.sender.client_id() {
        Some(client) => state.services.history.for_client(&tenant, client).await,
        None => {
            state
                .services
                .history
                .for_recipient(
                    &tenant,
                    &rappel_core::message::Recipient::Sender(id.clone()),
                )
                .await
        }
    }
    .map_err(|e| {
        tracing::error!(error = %e, "history unavailable");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "history_unavailable",
            "the communication history is temporarily unavailable",
        )
    })?;
    let subject = rappel_core::message::Subject::Inbound(id);
    let replies = history.into_iter().filter(|r| r.about == subject).collect();
    Ok(Json(InboundView { inbound, replies }))
}
