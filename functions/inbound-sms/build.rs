//! Links the Lambda binary as a position-dependent executable: no relocations for the loader
//! to apply at each cold start (why, and what it saves: functions/change-handler/build.rs).
fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
}
