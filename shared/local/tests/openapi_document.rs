//! The local stack's contract (`docs/openapi-local.json`: the API and the inspection routes
//! under `/_local/`) is the one the code generates. To accept a change, run
//! `RAPPEL_WRITE_OPENAPI=1 cargo test -p rappel-local --test openapi_document` and commit it.

use std::path::PathBuf;

#[test]
fn the_committed_local_document_is_the_one_the_code_generates() {
    let generated = rappel_local::local_document_json();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi-local.json");
    if std::env::var_os("RAPPEL_WRITE_OPENAPI").is_some() {
        std::fs::write(&path, generated).expect("docs/openapi-local.json is writable");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let first_difference = committed
        .lines()
        .zip(generated.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
    assert!(
        committed == generated,
        "docs/openapi-local.json differs from the generated document from line {}: run \
         RAPPEL_WRITE_OPENAPI=1 cargo test -p rappel-local --test openapi_document and commit it",
        first_difference + 1
    );
}

#[test]
fn the_local_document_holds_the_api_and_describes_the_outbox_entries() {
    let local: serde_json::Value =
        serde_json::from_str(rappel_local::local_document_json()).expect("JSON");
    let api: serde_json::Value =
        serde_json::from_str(rappel_api::openapi::document_json()).expect("JSON");
    let api_paths = api["paths"].as_object().expect("paths");
    assert!(!api_paths.is_empty());
    for path in api_paths.keys() {
        assert_eq!(local["paths"][path], api["paths"][path], "{path}");
    }
    let entry = &local["components"]["schemas"]["OutboxEntry"];
    let variants = entry["oneOf"].as_array().expect("one schema per channel");
    assert_eq!(variants.len(), 2);
    let channels: Vec<&serde_json::Value> = variants
        .iter()
        .map(|v| &v["properties"]["channel"]["enum"][0])
        .collect();
    assert_eq!(channels, ["email", "sms"]);
}
