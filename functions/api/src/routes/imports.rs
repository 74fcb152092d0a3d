//! `POST /v1/imports`: clients and appointments in bulk under the integrator's own ids (up to
//! 1,000 items), answered per item. Each item is read on its own, so one bad item is refused
//! in its place and the rest are written; the use case is
//! `rappel_app::commands::import`.

use crate::error::ApiError;
use crate::extract::{ApiJson, Tenant, parse};
use crate::routes::ApiState;
use crate::routes::appointments::NewAppointment;
use crate::routes::clients::NewClient;
use axum::Json;
use axum::extract::State;
use rappel_app::commands::import::{
    self, AppointmentItem, ClientItem, Import, ImportReport, ItemOutcome, ItemReport,
    MAX_IMPORT_ITEMS, Unreadable,
};
use rappel_core::model::{AppointmentId, ClientId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportInput {
    /// Announce as a booking through the API would (confirmations, alerts, notices). Default
    /// `false`: an import tells nobody; reminders and later messages are planned as usual.
    #[serde(default)]
    notify: bool,
    /// Imported first, so the appointments may name them.
    #[serde(default)]
    #[schema(value_type = Vec<ImportedClient>)]
    clients: Vec<Value>,
    #[serde(default)]
    #[schema(value_type = Vec<ImportedAppointment>)]
    appointments: Vec<Value>,
}

/// A client under the integrator's id: `id` and the fields of `POST /v1/clients`.
#[derive(Deserialize, utoipa::ToSchema)]
#[allow(dead_code)] // only its schema: items are read one by one
pub struct ImportedClient {
    id: ClientId,
    #[serde(flatten)]
    client: NewClient,
}

/// An appointment under the integrator's id: `id` and the fields of `POST /v1/appointments`.
#[derive(Deserialize, utoipa::ToSchema)]
#[allow(dead_code)] // only its schema: items are read one by one
pub struct ImportedAppointment {
    id: AppointmentId,
    #[serde(flatten)]
    appointment: NewAppointment,
}

/// What became of one item, in the order given.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ItemResult {
    /// The item's id, when it had a readable one.
    id: Option<String>,
    /// `created`, `updated`, `unchanged` or `refused`.
    #[schema(example = "created")]
    outcome: &'static str,
    /// Why it was refused: the code a single request would have answered (`unknown_client`,
    /// `start_in_past`, `invalid_field`, `duplicate_id`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Counts {
    created: usize,
    updated: usize,
    unchanged: usize,
    refused: usize,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    clients: Vec<ItemResult>,
    appointments: Vec<ItemResult>,
    counts: Counts,
}

fn result(report: ItemReport) -> ItemResult {
    let (outcome, code, message) = match report.outcome {
        ItemOutcome::Created => ("created", None, None),
        ItemOutcome::Updated => ("updated", None, None),
        ItemOutcome::Unchanged => ("unchanged", None, None),
        ItemOutcome::Refused { code, message } => ("refused", Some(code), Some(message)),
    };
    ItemResult {
        id: report.id,
        outcome,
        code,
        message,
    }
}

/// One item: its `id`, then the rest read as `T` (a single request's body, strictly).
fn item<I, T: DeserializeOwned>(value: Value) -> Result<(I, T), Unreadable>
where
    I: TryFrom<String>,
{
    let refused = |id: Option<String>, e: ApiError| Unreadable {
        id,
        code: e.code,
        message: e.message,
    };
    let Value::Object(mut fields) = value else {
        return Err(refused(
            None,
            ApiError::unprocessable("invalid_field", "an item is a JSON object"),
        ));
    };
    let raw_id = match fields.remove("id") {
        Some(Value::String(id)) => id,
        _ => {
            return Err(refused(
                None,
                ApiError::unprocessable("invalid_field", "id: your id for it, required"),
            ));
        }
    };
    let Ok(id) = I::try_from(raw_id.clone()) else {
        return Err(refused(
            Some(raw_id),
            ApiError::unprocessable(
                "invalid_field",
                "id: 1 to 64 characters of letters, digits, '-' or '_'",
            ),
        ));
    };
    let bytes = serde_json::to_vec(&Value::Object(fields)).unwrap_or_default();
    parse::<T>(&bytes)
        .map(|rest| (id, rest))
        .map_err(|e| refused(Some(raw_id), e))
}

#[utoipa::path(
    post, path = "/v1/imports", tag = "imports", operation_id = "createImport",
    summary = "Import clients and appointments under your own ids, answered per item",
    params(crate::idempotency::IdempotencyKey),
    request_body(content = ImportInput, example = json!({"clients": [{"id": "crm-4411", "name": "Léa Dubois", "email": "lea@example.com"}], "appointments": [{"id": "rdv-981", "client_id": "crm-4411", "staff_id": "st_ana", "type_id": "haircut", "start": "2026-03-30T10:00:00+02:00", "end": "2026-03-30T10:30:00+02:00"}]})),
    responses((status = 200, description = "What became of each item, in the order given (a refused item is not written; the others are).", body = ImportResult),
      (status = 413, description = "payload_too_large: a body over 1 MiB.", body = crate::error::Problem),
      (status = 422, description = "too_many_items (over 1,000), or invalid_body (e.g. an item that is not an object: nothing is written).", body = crate::error::Problem))
)]
pub async fn create(
    State(state): State<ApiState>,
    Tenant(tenant): Tenant,
    ApiJson(input): ApiJson<ImportInput>,
) -> Result<Json<ImportResult>, ApiError> {
    let count = input.clients.len() + input.appointments.len();
    if count > MAX_IMPORT_ITEMS {
        return Err(ApiError::unprocessable(
            "too_many_items",
            format!("{count} items: an import takes at most {MAX_IMPORT_ITEMS}"),
        ));
    }
    // Items are objects (the contract's schema): any other value makes the request malformed,
    // refused whole before anything is written.
    for (list, items) in [
        ("clients", &input.clients),
        ("appointments", &input.appointments),
    ] {
        if let Some(at) = items.iter().position(|item| !item.is_object()) {
            return Err(ApiError::unprocessable(
                "invalid_body",
                format!("{list}[{at}]: an item is a JSON object"),
            ));
        }
    }
    let batch = Import {
        clients: input
            .clients
            .into_iter()
            .map(|v| {
                item::<ClientId, NewClient>(v).map(|(id, c)| ClientItem {
                    id,
                    details: c.details(),
                })
            })
            .collect(),
        appointments: input
            .appointments
            .into_iter()
            .map(|v| {
                item::<AppointmentId, NewAppointment>(v).map(|(id, a)| AppointmentItem {
                    id,
                    booking: a.booking(),
                })
            })
            .collect(),
        notify: input.notify,
    };
    let report = import::import(&state.services, &tenant, batch).await;
    Ok(Json(view(report)))
}

fn view(report: ImportReport) -> ImportResult {
    let counts = Counts {
        created: report.count(|o| *o == ItemOutcome::Created),
        updated: report.count(|o| *o == ItemOutcome::Updated),
        unchanged: report.count(|o| *o == ItemOutcome::Unchanged),
        refused: report.count(|o| matches!(o, ItemOutcome::Refused { .. })),
    };
    ImportResult {
        clients: report.clients.into_iter().map(result).collect(),
        appointments: report.appointments.into_iter().map(result).collect(),
        counts,
    }
}
