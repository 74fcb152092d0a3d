//! What every operation may answer (unauthenticated, unparsable, an outage behind the API), and
//! the contract's own route.

use super::OPENAPI_PATH;
use crate::error::Problem;
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, RefOr};

pub(super) fn describe_contract_route(api: &mut utoipa::openapi::OpenApi) {
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
pub(super) fn add_shared_answers(api: &mut utoipa::openapi::OpenApi) {
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
