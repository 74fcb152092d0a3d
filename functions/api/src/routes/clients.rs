//! `POST /v1/clients`, `GET/PATCH /v1/clients/{id}`, `GET /v1/clients/{id}/communications`,
//! `GET /v1/clients/{id}/notifications` (the client's planned re-engagement steps).
//! A preference change (e.g. SMS refused) applies at once to every booked appointment.

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Tenant, patch_field, path_id};
use crate::routes::ApiState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rappel_app::preview::{PlannedNotification, client_planned_notifications};
use rappel_core::message::Recipient;
use rappel_core::model::{
    Client, ClientId, ContactPreferences, DisplayName, EmailAddress, Locale, PhoneNumber, TimeZone,
};
use rappel_ports::history::CommunicationRecord;
use rappel_ports::records::{Expected, Record, TypedRecords};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClient {
    name: DisplayName,
    #[serde(default)]
    email: Option<EmailAddress>,
    #[serde(default)]
    phone: Option<PhoneNumber>,
    #[serde(default)]
    locale: Option<Locale>,
    #[serde(default)]
    time_zone: Option<TimeZone>,
    #[serde(default)]
    preferences: ContactPreferences,
}

#[utoipa::path(
    post, path = "/v1/clients", tag = "clients", operation_id = "createClient",
    request_body(content = NewClient, example = json!({"name": "Léa Dubois", "email": "lea@example.com", "phone": "+33612345678", "locale": "fr-FR", "preferences": {"email": true, "sms": true, "marketing": false}})),
    responses((status = 201, description = "The client, with its new id.", body = Client))
)]
pub async fn create(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiJson(input): ApiJson<NewClient>,
) -> Result<(StatusCode, Json<Client>), ApiError> {
    let records = &state.services.records;
    let settings = records.settings(&tenant).await?;
    let client = Client {
        tenant,
        id: state.new_id::<ClientId>("cl")?,
        name: input.name,
        email: input.email,
        phone: input.phone,
        locale: input.locale.unwrap_or(settings.input.default_locale),
        time_zone: input.time_zone.unwrap_or(settings.input.time_zone),
        preferences: input.preferences,
        version: 1,
    };
    records
        .put(Record::Client(client.clone()), Expected::Absent)
        .await?;
    Ok((StatusCode::CREATED, Json(client)))
}

#[utoipa::path(
    get, path = "/v1/clients/{id}", tag = "clients", operation_id = "getClient",
    params(("id" = String, Path, description = "The client's id.", example = "cl_3f9a1c")),
    responses((status = 200, description = "The client.", body = Client), (status = 404, description = "not_found: no client with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn get(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<Client>, ApiError> {
    let id: ClientId = path_id(&id, "client")?;
    let found = state.services.records.client(&tenant, &id).await?;
    found.map(Json).ok_or_else(|| ApiError::not_found("client"))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientPatch {
    #[serde(default)]
    name: Option<DisplayName>,
    #[serde(default, deserialize_with = "patch_field")]
    email: Option<Option<EmailAddress>>,
    #[serde(default, deserialize_with = "patch_field")]
    phone: Option<Option<PhoneNumber>>,
    #[serde(default)]
    locale: Option<Locale>,
    #[serde(default)]
    time_zone: Option<TimeZone>,
    #[serde(default)]
    preferences: Option<PreferencesPatch>,
    #[serde(default)]
    expected_version: Option<u64>,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesPatch {
    email: Option<bool>,
    sms: Option<bool>,
    marketing: Option<bool>,
    earlier_slot_offers: Option<bool>,
}

#[utoipa::path(
    patch, path = "/v1/clients/{id}", tag = "clients", operation_id = "patchClient",
    summary = "Change some of a client's fields (`null` clears e-mail or phone)",
    params(("id" = String, Path, description = "The client's id.", example = "cl_3f9a1c")),
    request_body(content = ClientPatch, example = json!({"phone": null, "preferences": {"sms": false}})),
    responses((status = 200, description = "The client as saved.", body = Client), (status = 404, description = "not_found: no client with this id (another business's ids too).", body = crate::error::Problem), (status = 409, description = "version_conflict: `expected_version` is not the stored version, or someone changed the record meanwhile.", body = crate::error::Problem))
)]
pub async fn patch(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<ClientPatch>,
) -> Result<Json<Client>, ApiError> {
    let id: ClientId = path_id(&id, "client")?;
    let records = &state.services.records;
    let current = records
        .client(&tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("client"))?;
    if change
        .expected_version
        .is_some_and(|v| v != current.version)
    {
        return Err(ApiError::conflict(
            "version_conflict",
            format!("the client is at version {}", current.version),
        ));
    }
    let mut next = current.clone();
    if let Some(name) = change.name {
        next.name = name;
    }
    if let Some(email) = change.email {
        next.email = email;
    }
    if let Some(phone) = change.phone {
        next.phone = phone;
    }
    if let Some(locale) = change.locale {
        next.locale = locale;
    }
    if let Some(zone) = change.time_zone {
        next.time_zone = zone;
    }
    if let Some(p) = change.preferences {
        next.preferences.email = p.email.unwrap_or(next.preferences.email);
        next.preferences.sms = p.sms.unwrap_or(next.preferences.sms);
        next.preferences.marketing = p.marketing.unwrap_or(next.preferences.marketing);
        next.preferences.earlier_slot_offers = p
            .earlier_slot_offers
            .unwrap_or(next.preferences.earlier_slot_offers);
    }
    if next == current {
        return Ok(Json(current));
    }
    next.version = current.version + 1;
    records
        .put(
            Record::Client(next.clone()),
            Expected::Version(current.version),
        )
        .await?;
    Ok(Json(next))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Communications {
    client_id: ClientId,
    communications: Vec<CommunicationRecord>,
    /// Ask again with `cursor` set to this for the next page; `null` when this page is the last.
    next_cursor: Option<String>,
}

/// The largest page of a client's communications.
pub const MAX_COMMUNICATIONS_PAGE: usize = 500;
const DEFAULT_COMMUNICATIONS_PAGE: usize = 100;

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommunicationsQuery {
    /// At most this many entries (1 to 500, default 100). A page may hold fewer: entries
    /// addressed to the client's staff about the client are not listed here.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A cursor is the position a page ended at, hex-encoded: opaque to the caller, read only
/// within the caller's own client's history (another business's cursor reaches nothing).
fn read_cursor(raw: &str) -> Result<String, ApiError> {
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
}

#[utoipa::path(
    get, path = "/v1/clients/{id}/communications", tag = "clients", operation_id = "getClientCommunications",
    summary = "What was sent to the client, suppressed or found stale, oldest first, a page at a time",
    params(("id" = String, Path, description = "The client's id.", example = "cl_3f9a1c"), CommunicationsQuery),
    responses((status = 200, description = "A page of the client's history, with the cursor of the next one.", body = Communications), (status = 400, description = "invalid_cursor (a cursor this API did not give) or invalid_query (a limit outside 1 to 500).", body = crate::error::Problem), (status = 404, description = "not_found: no client with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn communications(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<CommunicationsQuery>,
) -> Result<Json<Communications>, ApiError> {
    let id: ClientId = path_id(&id, "client")?;
    let limit = query.limit.unwrap_or(DEFAULT_COMMUNICATIONS_PAGE);
    if !(1..=MAX_COMMUNICATIONS_PAGE).contains(&limit) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("limit must be 1 to {MAX_COMMUNICATIONS_PAGE}"),
        ));
    }
    let after = query.cursor.as_deref().map(read_cursor).transpose()?;
    if state.services.records.client(&tenant, &id).await?.is_none() {
        return Err(ApiError::not_found("client"));
    }
    let page = state
        .services
        .history
        .client_page(&tenant, &id, after.as_deref(), limit)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "history unavailable");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "history_unavailable",
                "the communication history is temporarily unavailable",
            )
        })?;
    let to_client = Recipient::Client(id.clone());
    let communications = page
        .entries
        .into_iter()
        .filter(|r| r.recipient == to_client)
        .collect();
    Ok(Json(Communications {
        client_id: id,
        communications,
        next_cursor: page.next.map(hex::encode),
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ClientNotifications {
    client_id: ClientId,
    /// The re-engagement steps planned from the client's last visit, with their status.
    notifications: Vec<PlannedNotification>,
}

#[utoipa::path(
    get, path = "/v1/clients/{id}/notifications", tag = "clients", operation_id = "getClientNotifications",
    summary = "The re-engagement steps planned from the client's last visit",
    params(("id" = String, Path, description = "The client's id.", example = "cl_3f9a1c")),
    responses((status = 200, description = "The planned steps with their status.", body = ClientNotifications), (status = 404, description = "not_found: no client with this id (another business's ids too).", body = crate::error::Problem))
)]
pub async fn notifications(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<ClientNotifications>, ApiError> {
    let id: ClientId = path_id(&id, "client")?;
    let notifications = client_planned_notifications(&state.services, &tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("client"))?;
    Ok(Json(ClientNotifications {
        client_id: id,
        notifications,
    }))
}
