//! Links the Lambda binary as a position-dependent executable: no relocations for the loader
//! to apply at each cold start (why, and what it saves: functions/change-handler/build.rs).
//!
//! Writes the committed contract (`docs/openapi.json`, pretty for review) compact and deflated
//! into `OUT_DIR` for `GET /v1/openapi.json` to serve: the same document in 35 KB of the binary
//! instead of 0.52 MB (docs/PERFORMANCE.md, issue 31).
use std::path::PathBuf;

fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    println!("cargo:rerun-if-changed={}", committed.display());
    println!("cargo:rerun-if-changed=build.rs");
    let pretty = std::fs::read_to_string(&committed).expect("docs/openapi.json is readable");
    // Written from a `Value` as the committed one is (keys sorted), so nothing moves.
    let document: serde_json::Value =
        serde_json::from_str(&pretty).expect("docs/openapi.json is JSON");
    let compact = serde_json::to_string(&document).expect("a JSON value writes");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let deflated = miniz_oxide::deflate::compress_to_vec(compact.as_bytes(), 10);
    std::fs::write(out.join("openapi.json.deflate"), deflated).expect("OUT_DIR is writable");
}
