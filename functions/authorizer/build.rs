//! Links the Lambda binary as a position-dependent executable (`-no-pie`): its addresses are
//! fixed at link time, so the loader has no relocations to apply at each cold start (a PIE
//! build of this binary carries ~73,000 of them, ~1.7 MB, and applying them was a quarter of
//! its init time — docs/PERFORMANCE.md). Lambda runs one process per sandbox: address-space
//! randomisation of the executable buys nothing there that the sandbox does not.
fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
}
