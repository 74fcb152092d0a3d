//! `/v1/sending-identity`: the business's own sending domain. `PUT` registers it and answers the
//! DNS records to publish; `GET` says where its verification stands (asking the provider while
//! it is pending); `DELETE` goes back to the platform's address. Until the domain is verified,
//! mail leaves from the platform's address with the business's name.

use crate::error::ApiError;
use crate::extract::{ApiJson, Tenant};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rappel_app::sending_identity::{
    IdentityError, current_identity, register_identity, remove_identity,
};
use rappel_core::model::DomainName;
use rappel_core::settings::{Mailbox, SendingIdentity};
use rappel_ports::sending_domains::DomainError;
use serde::Deserialize;

/// The domain to send from, and the mailbox (`rendez-vous` when absent).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendingIdentityInput {
    pub domain: DomainName,
    #[serde(default)]
    pub mailbox: Mailbox,
}

fn problem(error: IdentityError) -> ApiError {
    match error {
        IdentityError::Store(e) => e.into(),
        IdentityError::Domain(DomainError::TakenByAnother) => ApiError::conflict(
            "domain_taken",
            "this domain is another business's sending domain",
        ),
        IdentityError::Domain(DomainError::Unavailable(detail)) => {
            tracing::warn!(%detail, "the e-mail provider did not answer about a sending domain");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "provider_unavailable",
                "the e-mail provider is unavailable; try again",
            )
        }
    }
}

#[utoipa::path(
    put, path = "/v1/sending-identity", tag = "sending identity", operation_id = "putSendingIdentity",
    summary = "Send from the business's own domain",
    request_body(content = SendingIdentityInput, example = json!({"domain": "salon-lea.fr", "mailbox": "rendez-vous"})),
    responses((status = 200, description = "Registered: publish `dns_records`; mail leaves from the domain once `status` is `verified`.", body = SendingIdentity),
      (status = 409, description = "domain_taken: another business sends from this domain.", body = crate::error::Problem),
      (status = 422, description = "The domain or mailbox is not valid.", body = crate::error::Problem),
      (status = 503, description = "provider_unavailable: the e-mail provider did not answer.", body = crate::error::Problem))
)]
pub async fn put(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiJson(input): ApiJson<SendingIdentityInput>,
) -> Result<Json<SendingIdentity>, ApiError> {
    register_identity(&state.services, &tenant, input.domain, input.mailbox)
        .await
        .map(Json)
        .map_err(problem)
}

#[utoipa::path(
    get, path = "/v1/sending-identity", tag = "sending identity", operation_id = "getSendingIdentity",
    summary = "The business's sending domain and its verification",
    responses((status = 200, description = "The identity; its status asked of the provider while pending.", body = SendingIdentity),
      (status = 404, description = "no_sending_identity: mail leaves from the platform's address.", body = crate::error::Problem),
      (status = 503, description = "provider_unavailable: the e-mail provider did not answer.", body = crate::error::Problem))
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
) -> Result<Json<SendingIdentity>, ApiError> {
    match current_identity(&state.services, &tenant).await {
        Ok(Some(identity)) => Ok(Json(identity)),
        Ok(None) => Err(no_identity()),
        Err(error) => Err(problem(error)),
    }
}

#[utoipa::path(
    delete, path = "/v1/sending-identity", tag = "sending identity", operation_id = "deleteSendingIdentity",
    summary = "Go back to the platform's address",
    responses((status = 204, description = "Mail leaves from the platform's address; the domain is given up."),
      (status = 404, description = "no_sending_identity: there was none.", body = crate::error::Problem),
      (status = 503, description = "provider_unavailable: the e-mail provider did not answer.", body = crate::error::Problem))
)]
pub async fn delete(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
) -> Result<StatusCode, ApiError> {
    match remove_identity(&state.services, &tenant).await {
        Ok(true) => Ok(StatusCode::NO_CONTENT),
        Ok(false) => Err(no_identity()),
        Err(error) => Err(problem(error)),
    }
}

fn no_identity() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_sending_identity",
        "the business sends from the platform's address",
    )
}
