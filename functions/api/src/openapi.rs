//! The API's contract: an OpenAPI 3.1 document generated from the routes themselves. Every
//! handler carries its `#[utoipa::path]` (method, path, parameters, body, answers) and is
//! registered through [`api_routes`], so a route cannot be served without being described;
//! the request and response types derive their schemas next to their `serde` derives.
//!
//! What every operation shares is added once by [`document`]: the errors any request can meet
//! (an unauthenticated call, a body that does not parse, an outage behind the API), the
//! tenant's security schemes, and the links from a created resource to its other operations.
//! `docs/openapi.json` is a copy, checked against this by a test.

use crate::error::Problem;
use crate::extract::MAX_IMPORT_BODY_BYTES;
use crate::routes::*;
use axum::extract::DefaultBodyLimit;
use std::sync::OnceLock;
use utoipa::OpenApi;
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
struct ApiDoc;

/// Every authenticated route with its description, in one router.
pub(crate) fn api_routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(settings::reschedule_keys))
        .routes(routes!(settings::get, settings::put))
        .routes(routes!(catalog::get_type, catalog::put_type))
        .routes(routes!(catalog::get_staff, catalog::put_staff))
        .routes(routes!(agenda::staff_day))
        .routes(routes!(digests::staff))
        .routes(routes!(digests::manager))
        .routes(routes!(clients::create, clients::list))
        .routes(routes!(clients::get, clients::put, clients::patch))
        .routes(routes!(clients::communications))
        .routes(routes!(clients::notifications))
        .routes(routes!(invoices::list))
        .routes(routes!(invoices::get, invoices::put))
        .routes(routes!(invoices::planned))
        .routes(routes!(invoices::act))
        .routes(routes!(quotes::list))
        .routes(routes!(quotes::get, quotes::put))
        .routes(routes!(quotes::planned))
        .routes(routes!(quotes::act))
        .routes(routes!(inbound::receive))
        .routes(routes!(inbound::get))
        .routes(routes!(waitlist::create))
        .routes(routes!(waitlist::get, waitlist::delete))
        .routes(routes!(waitlist::of_client))
        .routes(routes!(appointments::create, appointments::list))
        .routes(routes!(
            appointments::get,
            appointments::put,
            appointments::patch
        ))
        .routes(routes!(appointments::notifications))
        .routes(routes!(appointments::act))
        .routes(routes!(templates::get, templates::put))
        .routes(routes!(templates::preview))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(imports::create))
                .layer(DefaultBodyLimit::max(MAX_IMPORT_BODY_BYTES)),
        )
}

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

/// A type that flattens a request body into its answer (`BusinessSettings` holds
/// `SettingsInput`, a template view its body) is generated as `allOf` of the body and the
/// answer's own fields. The body refuses unknown fields, which makes every answer invalid
/// against the `allOf` (its own fields are unknown to the body); so such a schema is written
/// out as one object with the fields of both.
fn merge_flattened_answers(document: &mut serde_json::Value) {
    use serde_json::Value;
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let closed: std::collections::BTreeMap<String, Value> = schemas
        .iter()
        .filter(|(_, schema)| schema["additionalProperties"] == Value::Bool(false))
        .map(|(name, schema)| (format!("#/components/schemas/{name}"), schema.clone()))
        .collect();
    for schema in schemas.values_mut() {
        let Some(parts) = schema["allOf"].as_array() else {
            continue;
        };
        let mut merged = serde_json::Map::new();
        let (mut properties, mut required) = (serde_json::Map::new(), Vec::<Value>::new());
        let mut any_closed = false;
        for part in parts {
            let part = match part["$ref"].as_str() {
                Some(reference) => match closed.get(reference) {
                    Some(body) => {
                        any_closed = true;
                        body
                    }
                    None => part,
                },
                None => part,
            };
            if let Some(fields) = part["properties"].as_object() {
                properties.extend(fields.clone());
            }
            if let Some(names) = part["required"].as_array() {
                required.extend(names.iter().cloned());
            }
        }
        if !any_closed {
            continue;
        }
        merged.insert("type".into(), Value::from("object"));
        if let Some(description) = schema.get("description") {
            merged.insert("description".into(), description.clone());
        }
        merged.insert("required".into(), Value::Array(required));
        merged.insert("properties".into(), Value::Object(properties));
        *schema = Value::Object(merged);
    }
}

/// `GET /v1/openapi.json`: this document (public, like the links).
pub async fn serve() -> axum::response::Response {
    json_answer(document_json())
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

fn describe_contract_route(api: &mut utoipa::openapi::OpenApi) {
    let operation = utoipa::openapi::path::OperationBuilder::new()
        .tag("contract")
        .operation_id(Some("getOpenApi"))
        .summary(Some("This OpenAPI document"))
        .description(Some("Public: no authentication."))
        .security(utoipa::openapi::security::SecurityRequirement::default())
        .response(
            "200",
            ResponseBuilder::new()
                .description("The OpenAPI 3.1 document of this API.")
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(
                            utoipa::openapi::ObjectBuilder::new()
                                .schema_type(utoipa::openapi::schema::Type::Object),
                        ))
                        .build(),
                )
                .build(),
        )
        .build();
    let item = utoipa::openapi::path::PathItem::new(HttpMethod::Get, operation);
    api.paths.paths.insert(OPENAPI_PATH.to_owned(), item);
}

/// A problem answer with its codes and one example.
fn problem(description: &str, code: &str, message: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    "Problem",
                ))))
                .example(Some(
                    serde_json::json!({ "error": { "code": code, "message": message } }),
                ))
                .build(),
        )
        .build()
}

fn operations_mut(
    api: &mut utoipa::openapi::OpenApi,
) -> impl Iterator<Item = (&String, HttpMethod, &mut Operation)> {
    api.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            (HttpMethod::Get, item.get.as_mut()),
            (HttpMethod::Put, item.put.as_mut()),
            (HttpMethod::Post, item.post.as_mut()),
            (HttpMethod::Delete, item.delete.as_mut()),
            (HttpMethod::Patch, item.patch.as_mut()),
        ]
        .into_iter()
        .filter_map(move |(method, op)| op.map(|op| (path, method, op)))
    })
}

/// The answers any request can get, whatever its route: added where the route does not say
/// more.
fn add_shared_answers(api: &mut utoipa::openapi::OpenApi) {
    let components = api.components.get_or_insert_with(Default::default);
    let (name, schema) = (
        <Problem as utoipa::ToSchema>::name(),
        <Problem as utoipa::PartialSchema>::schema(),
    );
    components.schemas.insert(name.into_owned(), schema);
    for (path, _, op) in operations_mut(api) {
        // A public operation (the contract, the links) says all it answers itself.
        let public = op.security.as_ref().is_some_and(|requirements| {
            requirements.contains(&utoipa::openapi::security::SecurityRequirement::default())
        });
        if public {
            continue;
        }
        let has_body = op.request_body.is_some();
        let has_query = op
            .parameters
            .iter()
            .flatten()
            .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query));
        let has_id = path.contains("{id}");
        let responses = &mut op.responses.responses;
        let mut add = |status: &str, response: Response| {
            responses
                .entry(status.to_owned())
                .or_insert(RefOr::T(response));
        };
        add(
            "401",
            problem(
                "unauthenticated (no credentials), invalid_tenant (a tenant id that is not 1 to 64 letters, digits, '-' or '_'), invalid_api_key (an integrator's key unknown, revoked or mistyped) or missing_business (a key without X-Rappel-Business).",
                "unauthenticated",
                "missing X-Tenant-Id header (local mode)",
            ),
        );
        add(
            "403",
            problem(
                "business_not_granted: the integrator's key may not act for the business in X-Rappel-Business.",
                "business_not_granted",
                "this key's integrator may not act for the business in X-Rappel-Business",
            ),
        );
        add(
            "503",
            problem(
                "store_unavailable, history_unavailable or planning_unavailable: a passing outage behind the API (answered with Retry-After); try again.",
                "store_unavailable",
                "the service is temporarily unavailable",
            ),
        );
        if has_id {
            add(
                "404",
                problem(
                    "not_found: no record with this id, or an id that cannot be one (1 to 64 letters, digits, '-' or '_').",
                    "not_found",
                    "no record with this id",
                ),
            );
        }
        if has_query && has_body {
            add(
                "400",
                problem(
                    "invalid_query (the query string does not parse: a parameter given twice, for instance), or malformed_json, missing_body or unreadable_body (the body is not one JSON document).",
                    "malformed_json",
                    "the body is not valid JSON: expected value",
                ),
            );
        } else if has_query {
            add(
                "400",
                problem(
                    "invalid_query: the query string does not parse (a parameter given twice, for instance).",
                    "invalid_query",
                    "the query string does not parse: duplicate field `date`",
                ),
            );
        }
        if has_body {
            add(
                "400",
                problem(
                    "malformed_json, missing_body or unreadable_body: the body is not one JSON document.",
                    "malformed_json",
                    "the body is not valid JSON: expected value",
                ),
            );
            add(
                "413",
                problem(
                    "payload_too_large: the body is over 64 KiB.",
                    "payload_too_large",
                    "the body is over 65536 bytes",
                ),
            );
            add(
                "415",
                problem(
                    "unsupported_media_type: the body is not sent as application/json.",
                    "unsupported_media_type",
                    "send the body as application/json",
                ),
            );
            add(
                "422",
                problem(
                    "invalid_body or invalid_field: a field is missing, unknown or of the wrong form (the message names it).",
                    "invalid_field",
                    "email: not a valid e-mail address",
                ),
            );
        }
    }
}

/// On AWS the tenant is a claim of the caller's JWT, or the business an integrator's key acts
/// for; the local stack takes it from a header, or from an integrator's key too.
fn add_security(api: &mut utoipa::openapi::OpenApi) {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "jwt",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "On AWS: a JWT from the business's identity provider; its tenant claim names the business.",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "tenant_header",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-Tenant-Id",
            "The local stack only: the business's id (1 to 64 letters, digits, '-' or '_').",
        ))),
    );
    components.add_security_scheme(
        "integrator_key",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("rk_<integrator>_<key id>_<secret>")
                .description(Some(
                    "An integrator's API key (the integrators' API on AWS; the local stack too), with the business it acts for in X-Rappel-Business. 401 for an unknown, revoked or mistyped key or a missing business, 403 for a business not granted to the integrator.",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "business_header",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-Rappel-Business",
            "With an integrator's key: the business (tenant id) this request acts for.",
        ))),
    );
    let requirement = |names: &[&str]| {
        utoipa::openapi::security::SecurityRequirement::new(names[0], Vec::<String>::new()).add(
            names.get(1).copied().unwrap_or(names[0]),
            Vec::<String>::new(),
        )
    };
    api.security = Some(vec![
        requirement(&["jwt"]),
        requirement(&["integrator_key", "business_header"]),
        requirement(&["tenant_header"]),
    ]);
}

/// From a created (or saved) resource to the operations on it: what a client does next, and
/// what a stateful test follows. (Written into the JSON: `utoipa`'s `Link` names its fields in
/// snake_case, which no OpenAPI reader understands.)
fn add_links(document: &mut serde_json::Value) {
    // (operation whose answer holds the id, its status, the operations that take it as `id`)
    const CLIENT: &[&str] = &[
        "getClient",
        "patchClient",
        "getClientCommunications",
        "getClientNotifications",
        "getClientWaitlist",
    ];
    const APPOINTMENT: &[&str] = &[
        "getAppointment",
        "patchAppointment",
        "actOnAppointment",
        "getAppointmentNotifications",
    ];
    let links: [(&str, &str, &[&str]); 10] = [
        ("createClient", "201", CLIENT),
        ("putClient", "201", CLIENT),
        ("putClient", "200", CLIENT),
        ("createAppointment", "201", APPOINTMENT),
        ("putAppointment", "201", APPOINTMENT),
        (
            "putInvoice",
            "200",
            &["getInvoice", "actOnInvoice", "getInvoiceNotifications"],
        ),
        (
            "putQuote",
            "200",
            &["getQuote", "actOnQuote", "getQuoteNotifications"],
        ),
        (
            "putStaff",
            "200",
            &["getStaff", "getStaffAgenda", "getStaffDigest"],
        ),
        ("putAppointmentType", "200", &["getAppointmentType"]),
        (
            "createWaitlistEntry",
            "201",
            &["getWaitlistEntry", "deleteWaitlistEntry"],
        ),
    ];
    for operation in json_operations_mut(document) {
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        for (_, status, targets) in links.iter().filter(|(source, _, _)| id == *source) {
            link_to(operation, status, targets);
        }
    }
    add_client_links(document);
    add_next_page_links(document);
}

/// Links from `operation`'s `status` answer to each of `targets`, taking its `id`.
fn link_to(operation: &mut serde_json::Value, status: &str, targets: &[&str]) {
    let Some(response) = operation
        .pointer_mut(&format!("/responses/{status}"))
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    let links: serde_json::Map<String, serde_json::Value> = targets
        .iter()
        .map(|target| {
            (
                (*target).to_owned(),
                serde_json::json!({
                    "operationId": target,
                    "parameters": { "id": "$response.body#/id" },
                    "description": "Its `id` is this answer's `id`.",
                }),
            )
        })
        .collect();
    response.insert("links".into(), serde_json::Value::Object(links));
}

/// From each list's page to the next one (its `next_cursor`, the same window and filters),
/// so the stateful phase walks the cursors; and from a new client to its appointments.
fn add_next_page_links(document: &mut serde_json::Value) {
    let carried: [(&str, &[&str]); 4] = [
        ("listClients", &["limit"]),
        ("listInvoices", &["status", "limit"]),
        ("listQuotes", &["status", "limit"]),
        (
            "listAppointments",
            &["from", "to", "staff_id", "client_id", "status", "limit"],
        ),
    ];
    for operation in json_operations_mut(document) {
        if operation["operationId"] == "createClient" {
            let link = serde_json::json!({
                "operationId": "listAppointments",
                "parameters": {
                    "client_id": "$response.body#/id",
                    "from": "2026-03-01T00:00:00Z",
                    "to": "2027-03-01T00:00:00Z",
                },
                "description": "The new client's appointments over a year.",
            });
            if let Some(response) = operation
                .pointer_mut("/responses/201")
                .and_then(serde_json::Value::as_object_mut)
            {
                let links = response
                    .entry("links")
                    .or_insert_with(|| serde_json::json!({}));
                links["listAppointments"] = link;
            }
            continue;
        }
        let Some((id, params)) = carried
            .iter()
            .find(|(id, _)| operation["operationId"] == *id)
        else {
            continue;
        };
        let mut parameters = serde_json::Map::new();
        parameters.insert("cursor".into(), "$response.body#/next_cursor".into());
        for param in *params {
            parameters.insert((*param).into(), format!("$request.query.{param}").into());
        }
        if let Some(response) = operation
            .pointer_mut("/responses/200")
            .and_then(serde_json::Value::as_object_mut)
        {
            response.insert(
                "links".into(),
                serde_json::json!({ "nextPage": {
                    "operationId": id,
                    "parameters": parameters,
                    "description": "The next page: `cursor` is this page's `next_cursor`.",
                }}),
            );
        }
    }
}

/// From a created client to what is created for a client: a booking, an invoice, a quote, a
/// waitlist entry (the staff member and type are the document's examples).
fn add_client_links(document: &mut serde_json::Value) {
    let client = "$response.body#/id";
    let bodies = [
        (
            "createAppointment",
            serde_json::json!({"client_id": client, "staff_id": "st_ana", "type_id": "haircut",
                "start": "2026-03-30T10:00:00+02:00", "end": "2026-03-30T10:30:00+02:00"}),
        ),
        (
            "createWaitlistEntry",
            serde_json::json!({"client_id": client, "type_id": "haircut",
                "from": "2026-03-30T08:00:00+02:00", "until": "2026-04-10T20:00:00+02:00"}),
        ),
        (
            "putInvoice",
            serde_json::json!({"client_id": client, "number": "F-2026-0042", "amount": 4500,
                "currency": "EUR", "issued_at": "2026-03-30T10:00:00+02:00", "due_date": "2026-04-13"}),
        ),
        (
            "putQuote",
            serde_json::json!({"client_id": client, "number": "D-2026-0007", "amount": 12000,
                "currency": "EUR", "issued_at": "2026-03-30T10:00:00+02:00", "expires_on": "2026-04-30"}),
        ),
    ];
    let Some(links) = document
        .pointer_mut("/paths/~1v1~1clients/post/responses/201/links")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    for (target, body) in bodies {
        links.insert(
            format!("{target}ForClient"),
            serde_json::json!({
                "operationId": target,
                "requestBody": body,
                "description": "A record for this client.",
            }),
        );
    }
}

/// An example for each successful answer (see [`crate::openapi_examples`]), where the route
/// did not give one.
fn add_answer_examples(document: &mut serde_json::Value) {
    let examples = crate::openapi_examples::answers();
    for operation in json_operations_mut(document) {
        add_problem_examples(operation);
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        for (_, status, example) in examples.iter().filter(|(of, _, _)| *of == id) {
            let pointer = format!("/responses/{status}/content/application~1json");
            if let Some(content) = operation
                .pointer_mut(&pointer)
                .and_then(serde_json::Value::as_object_mut)
            {
                content.entry("example").or_insert_with(|| example.clone());
            }
        }
    }
}

/// A route's own error answers say their codes in their description ("unknown_client or
/// invalid_field: ..."): the first one, with the rest of the sentence, is their example.
fn add_problem_examples(operation: &mut serde_json::Value) {
    let Some(answers) = operation["responses"].as_object_mut() else {
        return;
    };
    for answer in answers.values_mut() {
        let description = answer["description"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let Some(content) = answer
            .pointer_mut("/content/application~1json")
            .and_then(serde_json::Value::as_object_mut)
        else {
            continue;
        };
        if content.contains_key("example")
            || content["schema"]["$ref"] != "#/components/schemas/Problem"
        {
            continue;
        }
        let code: String = description
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        let message =
            example_message(&code).unwrap_or_else(|| description.trim_end_matches('.').to_owned());
        content.insert(
            "example".into(),
            serde_json::json!({ "error": { "code": code, "message": message } }),
        );
    }
}

/// What the API says with each code, as an example: the real error's own wording where the
/// core or the API has one, else what the route writes (naming the example's records).
fn example_message(code: &str) -> Option<String> {
    use rappel_core::model::{AppointmentError, InvalidWaitlistEntry};
    let from = |e: AppointmentError| {
        crate::error::ApiError::from(rappel_app::commands::CommandError::from(e)).message
    };
    Some(match code {
        "not_found" => crate::error::ApiError::not_found("appointment").message,
        "invalid_transition" => from(AppointmentError::InvalidTransition {
            action: "complete",
            status: "cancelled",
        }),
        "not_started" => from(AppointmentError::NotStartedYet("completed")),
        "end_before_start" => from(AppointmentError::EndNotAfterStart),
        "invalid_waitlist_entry" => InvalidWaitlistEntry::EmptyWindow.to_string(),
        "version_conflict" => "the appointment is at version 3, not 2".into(),
        "unknown_client" => "client_id: no client cl_3f9a1c".into(),
        "unknown_staff" => "staff_id: no staff member st_ana".into(),
        "unknown_appointment_type" => "type_id: no appointment type haircut".into(),
        "unknown_action" => {
            "no action \"postpone\": use cancel, accept, refuse, complete, no-show or paid".into()
        }
        "missing_date" => "date is required, as YYYY-MM-DD".into(),
        "invalid_date" => "date must be a calendar day, as YYYY-MM-DD".into(),
        "invalid_field" => "amount: a whole number of minor units, 0 or more".into(),
        "unknown_kind" => "no message kind \"remind\"".into(),
        "invalid_template" => {
            "text: the variable client_nme is not one this kind of message has".into()
        }
        _ => return None,
    })
}
