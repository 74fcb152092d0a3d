//! `POST /v1/clients`, `PUT/GET/PATCH /v1/clients/{id}`, `GET /v1/clients/{id}/communications`,
//! `GET /v1/clients/{id}/notifications` (the client's planned re-engagement steps).
//! A preference change (e.g. SMS refused) applies at once to every booked appointment.

use crate::error::{ApiError, history_unavailable};
use crate::extract::{ApiJson, ApiQuery, Tenant, patch_field, path_id};
use crate::idempotency::RequestKey;
use crate::pages::{page_size, read_cursor, write_cursor};
use crate::routes::ApiState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use rappel_app::commands::Upserted;
use rappel_app::commands::clients::{self, ClientChange, ClientDetails, PreferencesChange};
use rappel_app::commands::ids::{created_once, id_for_key};
use rappel_app::lists::{self, HistoryReadError};
use rappel_app::preview::{PlannedNotification, client_planned_notifications};
use rappel_core::model::{
    Client, ClientId, ContactPreferences, DisplayName, EmailAddress, Locale, PhoneNumber, TimeZone,
};
use rappel_ports::history::CommunicationRecord;
use rappel_ports::records::TypedRecords;
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

impl NewClient {
    pub(crate) fn details(self) -> ClientDetails {
        ClientDetails {
            name: self.name,
            email: self.email,
            phone: self.phone,
            locale: self.locale,
            time_zone: self.time_zone,
            preferences: self.preferences,
        }
    }
}

#[utoipa::path(
    post, path = "/v1/clients", tag = "clients", operation_id = "createClient",
    params(crate::idempotency::IdempotencyKey),
    request_body(content = NewClient, example = json!({"name": "Léa Dubois", "email": "lea@example.com", "phone": "+33612345678", "locale": "fr-FR", "preferences": {"email": true, "sms": true, "marketing": false}})),
    responses((status = 201, description = "The client, with its new id.", body = Client))
)]
pub async fn create(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    key: Option<Extension<RequestKey>>,
    ApiJson(input): ApiJson<NewClient>,
) -> Result<(StatusCode, Json<Client>), ApiError> {
    let s = &state.services;
    let id: ClientId = id_for_key("cl", key.as_ref().map(|k| k.0.0.as_str()))?;
    let created = clients::create_client(s, &tenant, id.clone(), input.details());
    let client = match key {
        Some(_) => created_once(created, s.records.client(&tenant, &id)).await?,
        None => created.await?,
    };
    Ok((StatusCode::CREATED, Json(client)))
}

/// A client under the caller's own id: all their details, and the version last read.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutClient {
    name: DisplayName,
    #[serde(default)]
    email: Option<EmailAddress>,
    #[serde(default)]
    phone: Option<PhoneNumber>,
    /// The business's when absent (a stored client keeps theirs).
    #[serde(default)]
    locale: Option<Locale>,
    /// The business's when absent (a stored client keeps theirs).
    #[serde(default)]
    time_zone: Option<TimeZone>,
    #[serde(default)]
    preferences: ContactPreferences,
    /// The version last read; absent (or 0 for a new one) to write whatever is stored.
    #[serde(default)]
    expected_version: Option<u64>,
}

#[utoipa::path(
    put, path = "/v1/clients/{id}", tag = "clients", operation_id = "putClient",
    summary = "Create a client under your own id, or replace their details (absent e-mail or phone clears it)",
    params(("id" = String, Path, description = "Your id for the client.", example = "cl_3f9a1c")),
    request_body(content = PutClient, example = json!({"name": "Léa Dubois", "email": "lea@example.com", "phone": "+33612345678", "preferences": {"email": true, "sms": true, "marketing": false}})),
    responses((status = 201, description = "Created under this id.", body = Client),
      (status = 200, description = "The client as saved (unchanged when the details are the stored ones).", body = Client),
      (status = 409, description = "version_conflict: `expected_version` is not the stored version, or someone changed the record meanwhile.", body = crate::error::Problem))
)]
pub async fn put(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PutClient>,
) -> Result<(StatusCode, Json<Client>), ApiError> {
    let id: ClientId = path_id(&id, "client")?;
    let details = ClientDetails {
        name: input.name,
        email: input.email,
        phone: input.phone,
        locale: input.locale,
        time_zone: input.time_zone,
        preferences: input.preferences,
    };
    let written = clients::put_client(
        &state.services,
        &tenant,
        id,
        details,
        input.expected_version,
    )
    .await?;
    let status = match written {
        Upserted::Created(_) => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    Ok((status, Json(written.into_record())))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ClientList {
    clients: Vec<Client>,
    /// Ask again with `cursor` set to this for the next page; `null` when this page is the last.
    next_cursor: Option<String>,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientListQuery {
    /// At most this many clients (1 to 100, default 100).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(
    get, path = "/v1/clients", tag = "clients", operation_id = "listClients",
    summary = "The business's clients, by id, a page at a time",
    params(ClientListQuery),
    responses((status = 200, description = "A page of clients, with the cursor of the next one.", body = ClientList), (status = 400, description = "invalid_cursor (a cursor this list did not give) or invalid_query (a limit outside 1 to 100).", body = crate::error::Problem))
)]
pub async fn list(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiQuery(query): ApiQuery<ClientListQuery>,
) -> Result<Json<ClientList>, ApiError> {
    let limit = page_size(
        query.limit,
        lists::MAX_RECORDS_PAGE,
        lists::MAX_RECORDS_PAGE,
    )?;
    let cursor = read_cursor(query.cursor.as_deref())?;
    let page = lists::clients(&state.services, &tenant, cursor.as_deref(), limit).await?;
    Ok(Json(ClientList {
        clients: page.items,
        next_cursor: write_cursor(page.next),
    }))
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
    let wanted = change.preferences.unwrap_or_default();
    let change = ClientChange {
        name: change.name,
        email: change.email,
        phone: change.phone,
        locale: change.locale,
        time_zone: change.time_zone,
        preferences: PreferencesChange {
            email: wanted.email,
            sms: wanted.sms,
            marketing: wanted.marketing,
            earlier_slot_offers: wanted.earlier_slot_offers,
        },
        expected_version: change.expected_version,
    };
    Ok(Json(
        clients::update_client(&state.services, &tenant, &id, change).await?,
    ))
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
    let limit = page_size(
        query.limit,
        DEFAULT_COMMUNICATIONS_PAGE,
        MAX_COMMUNICATIONS_PAGE,
    )?;
    let after = read_cursor(query.cursor.as_deref())?;
    let page = lists::client_communications(&state.services, &tenant, &id, after.as_deref(), limit)
        .await
        .map_err(|e| match e {
            HistoryReadError::Store(e) => ApiError::from(e),
            HistoryReadError::History(e) => history_unavailable(e),
        })?
        .ok_or_else(|| ApiError::not_found("client"))?;
    Ok(Json(Communications {
        client_id: id,
        communications: page.items,
        next_cursor: write_cursor(page.next),
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
