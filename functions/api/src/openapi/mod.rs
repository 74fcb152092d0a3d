//! The API's contract: an OpenAPI 3.1 document generated from the routes themselves. Every
//! handler carries its `#[utoipa::path]` (method, path, parameters, body, answers) and is
//! registered through [`crate::route_table`]'s one list, so a route cannot be served without being described;
//! the request and response types derive their schemas next to their `serde` derives.
//!
//! What every operation shares is added once by [`document`]: the errors any request can meet
//! (an unauthenticated call, a body that does not parse, an outage behind the API), the
//! tenant's security schemes, and the links from a created resource to its other operations.
//! `docs/openapi.json` is a copy, checked against this by a test.

mod answers;
mod examples;
mod flattened;
mod links;
mod security;

use crate::route_table::api_routes;
use crate::routes::{invoices, quotes};
use answers::{add_shared_answers, describe_contract_route};
use examples::add_answer_examples;
use flattened::merge_flattened_answers;
use links::add_links;
use security::add_security;
use std::sync::OnceLock;
use utoipa::OpenApi;

/// Where the document is served (without authentication), on AWS and locally.
pub const OPENAPI_PATH: &str = "/v1/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rappel",
        description = "The notification backend booking software plugs in so clients never miss an appointment. \
A business (the tenant) describes its clients, staff, appointment types, appointments, invoices and quotes; \
Rappel plans and sends every confirmation, reminder, follow-up and alert from its settings, exactly once.\n\n\
Instants are RFC 3339 with an offset. An appointment's `start` and `end` come back in the appointment's own \
time zone; every recorded or planned instant (`created_at`, `updated_at`, `due`, `recorded_at`, a planned \
message's time) comes back in UTC. Errors are `{\"error\": {\"code\", \"message\"}}`; bad input is always a 4xx.",
        license(name = "MIT")
    ),
    tags(
        (name = "settings", description = "The business's notification matrix, identity and managers."),
        (name = "catalog", description = "Appointment types and staff members, under the business's own ids."),
        (name = "clients", description = "The people who book, their contact preferences and their history."),
        (name = "appointments", description = "Bookings, moves, the life-cycle actions and the planned notifications."),
        (name = "invoices", description = "Invoices announced and reminded while unpaid."),
        (name = "quotes", description = "Quotes announced and reminded while open."),
        (name = "inbound", description = "Messages clients send, and their automatic replies."),
        (name = "waitlist", description = "Clients waiting for a freed slot."),
        (name = "imports", description = "Clients and appointments in bulk, under your own ids."),
        (name = "templates", description = "The business's own texts per kind, channel and language."),
        (name = "digests", description = "The daily agenda of staff members and managers."),
        (name = "usage", description = "What the business sent in a month, and its SMS budget."),
        (name = "webhooks", description = "Endpoints that receive the business's delivery events, signed the Standard Webhooks way."),
        (name = "events", description = "Every transition of the business's messages, from a cursor: what webhooks will carry."),
        (name = "sending identity", description = "The business's own sending domain, verified by DKIM records in its DNS."),
        (name = "links", description = "The pages a client's links open: public, signed."),
        (name = "contract", description = "This document.")
    ),
    // Types only path parameters name (bodies and answers register their own).
    components(schemas(
        rappel_app::commands::appointments::AppointmentAction,
        invoices::InvoiceAction,
        crate::links::LinkActionName,
        quotes::QuoteAction,
        rappel_core::message::MessageKind,
        rappel_core::message::Channel
    ))
)]
pub(crate) struct ApiDoc;

/// The document, generated once per process.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (_, mut api) = api_routes().split_for_parts();
        let (_, links) = crate::links::links_routes().split_for_parts();
        api.merge(links);
        describe_contract_route(&mut api);
        add_shared_answers(&mut api);
        add_security(&mut api);
        api
    })
}

/// The document as served and committed: pretty JSON, ending with a newline.
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| written(document()))
}

/// A document as served: the generated tree with what `utoipa` cannot express written into
/// the JSON (see [`merge_flattened_answers`] and [`add_links`]) and written the way client
/// generators read it (`openapi_for_generators`), pretty, ending with a newline.
/// The local stack writes its own document (the API and its `/_local/` routes) with it.
pub fn written(api: &utoipa::openapi::OpenApi) -> String {
    let mut document = serde_json::to_value(api).unwrap_or_default();
    merge_flattened_answers(&mut document);
    crate::openapi_for_generators::for_generators(&mut document);
    add_links(&mut document);
    add_answer_examples(&mut document);
    let mut json = serde_json::to_string_pretty(&document).unwrap_or_default();
    json.push('\n');
    json
}

/// The document as committed (`docs/openapi.json`, which a test holds equal to
/// [`document_json`]), written compact and deflated by `build.rs`.
const SERVED_DEFLATED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/openapi.json.deflate"));

/// What the API serves: the committed document, compact, inflated at its first request (an
/// empty text if it did not inflate, which the build's own output cannot cause; a test reads it).
pub fn served() -> &'static str {
    static SERVED: OnceLock<String> = OnceLock::new();
    SERVED.get_or_init(|| {
        miniz_oxide::inflate::decompress_to_vec(SERVED_DEFLATED)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    })
}

/// `GET /v1/openapi.json`: this document (public, like the links), as committed — the
/// functions serve it without generating it, so the machinery that generates it is not part
/// of them (see [`crate::route_table`]).
pub async fn serve() -> axum::response::Response {
    use axum::response::IntoResponse;
    match served() {
        "" => crate::error::ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "contract_unavailable",
            "the API's description could not be read",
        )
        .into_response(),
        document => json_answer(document),
    }
}

/// A written document as an answer.
pub fn json_answer(document: &'static str) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        document,
    )
        .into_response()
}

/// Every operation of a written document (each method of each path).
fn json_operations_mut(
    document: &mut serde_json::Value,
) -> impl Iterator<Item = &mut serde_json::Value> {
    document["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(serde_json::Value::as_object_mut)
        .flat_map(|item| item.values_mut())
}
