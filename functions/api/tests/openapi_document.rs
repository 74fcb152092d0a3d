//! The committed contract (`docs/openapi.json`) is the one the code generates: a route, a
//! field or an answer changed without the document fails here. To accept a change, run
//! `RAPPEL_WRITE_OPENAPI=1 cargo test -p rappel-api --test openapi_document` and commit the file.

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[test]
fn the_committed_openapi_document_is_the_one_the_code_generates() {
    let generated = rappel_api::openapi::document_json();
    let path = committed_path();
    if std::env::var_os("RAPPEL_WRITE_OPENAPI").is_some() {
        std::fs::write(&path, generated).expect("docs/openapi.json is writable");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "docs/openapi.json differs from the generated document from line {}: \
             run RAPPEL_WRITE_OPENAPI=1 cargo test -p rappel-api --test openapi_document \
             and commit it",
            line + 1
        );
    }
}

#[test]
fn the_document_is_openapi_3_1_and_describes_every_route_with_an_operation_id() {
    let document: serde_json::Value =
        serde_json::from_str(rappel_api::openapi::document_json()).expect("valid JSON");
    assert!(
        document["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.1")
    );
    let paths = document["paths"].as_object().expect("paths");
    assert!(!paths.is_empty());
    let mut ids = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("a path item") {
            let id = operation["operationId"].as_str();
            assert!(id.is_some(), "{method} {path} has no operationId");
            ids.push(id.unwrap_or_default().to_owned());
            assert!(
                operation["responses"]
                    .as_object()
                    .is_some_and(|r| !r.is_empty()),
                "{method} {path} documents no answer"
            );
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operationIds are unique");
    assert_eq!(count, 60, "operations documented");
}

#[test]
fn every_request_body_and_every_json_answer_comes_with_an_example() {
    let document: serde_json::Value =
        serde_json::from_str(rappel_api::openapi::document_json()).expect("valid JSON");
    let mut missing = Vec::new();
    let mut seen = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if operation["operationId"] == "getOpenApi" {
                continue; // the document itself
            }
            let bodies = operation["requestBody"]["content"].as_object().into_iter();
            let answers = operation["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(_, answer)| answer["content"].as_object());
            for content in bodies.chain(answers) {
                for (media, body) in content {
                    seen += 1;
                    if body.get("example").is_none() && media == "application/json" {
                        missing.push(format!("{method} {path} {media}"));
                    }
                }
            }
        }
    }
    assert!(seen > 100, "{seen} bodies");
    assert!(missing.is_empty(), "no example: {missing:?}");
}

#[test]
fn the_served_document_is_the_committed_one_written_compact() {
    let committed_text = std::fs::read_to_string(committed_path()).unwrap();
    let committed: serde_json::Value = serde_json::from_str(&committed_text).unwrap();
    let served_text = rappel_api::openapi::served();
    let served: serde_json::Value = serde_json::from_str(served_text).unwrap();
    assert!(committed["paths"].as_object().is_some_and(|p| p.len() > 10));
    assert_eq!(served, committed);
    assert!(!served_text.contains('\n'), "written compact");
    assert!(served_text.len() < committed_text.len() * 6 / 10);
}
