//! The contract is served by the stack it describes, without a tenant: the API's at its AWS
//! path, and locally the local stack's (the API and its `/_local/` routes) at the root.
//! (Schemathesis checks every answer against the latter: infra/contract-test.sh.)

use chrono::{TimeZone, Utc};
use rappel_testkit::{CallsApi, spawn_app};

#[tokio::test]
async fn the_local_stack_serves_the_api_document_and_its_own_to_anyone() {
    let app = spawn_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()).await;
    for (path, document) in [
        ("/v1/openapi.json", rappel_api::openapi::document_json()),
        ("/openapi.json", rappel_local::local_document_json()),
    ] {
        let response = app
            .http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{path}"
        );
        let body: serde_json::Value = response.json().await.expect("a JSON body");
        let expected: serde_json::Value = serde_json::from_str(document).expect("JSON");
        assert!(
            body["paths"].as_object().is_some_and(|p| !p.is_empty()),
            "{path}"
        );
        assert_eq!(body, expected, "{path}");
    }
}

#[tokio::test]
async fn the_document_describes_the_shapes_integrators_had_to_guess() {
    let document: serde_json::Value =
        serde_json::from_str(rappel_api::openapi::document_json()).expect("JSON");
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    assert!(!schemas.is_empty());
    // The settings: every section, the reminder and follow-up rules inside them.
    let notifications = &schemas["NotificationSettings"]["properties"];
    assert_eq!(
        notifications["reminders"]["allOf"][0]["$ref"],
        "#/components/schemas/Reminders"
    );
    assert_eq!(
        notifications["follow_ups"]["allOf"][0]["$ref"],
        "#/components/schemas/FollowUps"
    );
    assert_eq!(
        schemas["FollowUps"]["items"]["$ref"],
        "#/components/schemas/FollowUpRule"
    );
    assert_eq!(
        schemas["Reminders"]["items"]["$ref"],
        "#/components/schemas/ReminderRule"
    );
    let settings = schemas["NotificationSettings"]["properties"]
        .as_object()
        .expect("the settings' sections");
    assert!(!settings.is_empty());
    for section in settings.keys() {
        let described = &settings[section];
        assert!(
            ["$ref", "oneOf", "allOf"]
                .iter()
                .any(|k| described.get(*k).is_some()),
            "notifications.{section} has a schema of its own: {described}"
        );
    }
    // Each instant says its zone.
    let appointment = &schemas["AppointmentView"]["properties"];
    assert!(
        appointment["start"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("appointment's time zone"))
    );
    assert!(
        appointment["created_at"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("UTC"))
    );
}

#[test]
fn every_id_and_date_schema_says_what_its_parser_accepts() {
    let document: serde_json::Value =
        serde_json::from_str(rappel_api::openapi::document_json()).expect("JSON");
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    let ids: Vec<_> = schemas
        .iter()
        .filter(|(name, _)| name.ends_with("Id"))
        .collect();
    assert!(ids.len() >= 8, "{:?}", schemas.keys().collect::<Vec<_>>());
    for (name, schema) in ids {
        assert_eq!(
            schema["pattern"], "^[A-Za-z0-9_-]{1,64}$",
            "{name}: {schema}"
        );
    }
    for name in ["CalendarDate", "CalendarInstant"] {
        let pattern = schemas[name]["pattern"].as_str().unwrap_or_default();
        assert!(
            pattern.starts_with("^(19[7-9]"),
            "{name}: {}",
            schemas[name]
        );
    }
}

/// The routes are served from the same list as they are described, but built apart (the
/// functions serve them without their descriptions, `route_table`): every operation of the
/// contract reaches a handler — none meets the router's own "no such route" or "method not
/// allowed" — and a path it does not describe does not.
#[tokio::test]
async fn every_operation_the_contract_describes_is_served() {
    let app = spawn_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()).await;
    let document: serde_json::Value =
        serde_json::from_str(rappel_api::openapi::document_json()).expect("JSON");
    let paths = document["paths"].as_object().expect("paths");
    let mut operations = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().expect("a path item").keys() {
            if ["get", "put", "post", "patch", "delete"].contains(&method.as_str()) {
                operations.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    assert!(operations.len() >= 60, "{operations:?}");
    let by_router = ["no_such_route", "method_not_allowed"];
    for (method, path) in &operations {
        // Each parameter given a value of its own, which names nothing.
        let concrete = path
            .split('/')
            .map(|segment| match segment.strip_prefix('{') {
                Some(_) => "x_unknown",
                None => segment,
            })
            .collect::<Vec<_>>()
            .join("/");
        let body = (method != "GET" && method != "DELETE").then(|| serde_json::json!({}));
        let answer = app.call(method, &concrete, body).await;
        let code = answer.body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            !by_router.contains(&code.as_str()),
            "{method} {path} answered {} {code} by the router",
            answer.status
        );
    }
    let undescribed = app.call("GET", "/v1/clients/x/nothing", None).await;
    assert_eq!(undescribed.body["error"]["code"], "no_such_route");
    let wrong_method = app.call("PATCH", "/v1/settings", None).await;
    assert_eq!(wrong_method.body["error"]["code"], "method_not_allowed");
}
