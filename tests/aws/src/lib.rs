//! # rappel-aws-tests — the AWS side, without AWS
//!
//! - [`aws`]: the emulator harness — the real Lambda handlers composed with the real AWS
//!   adapters against moto server over HTTP, this harness playing Lambda's part (stream
//!   polling, schedule firing, queue consumption). Its tests are one binary,
//!   `tests/emulator/main.rs`, ignored with the reason unless the `emulator` feature is on
//!   (`infra/test.sh` turns it on and starts moto).
//! - [`handler_fakes`]: the handlers called as Lambda calls them, on in-memory adapters; with the
//!   template checks, the binary `tests/lambda/main.rs`.
//! - [`recording`]: the emulator's request log, read as moto writes it (documents may share a
//!   line).
//! - [`provision`]: what the SAM template declares, created on the emulator under names of
//!   one's own (`src/bin/provision.rs` prints the environment for a demo).
//! - `src/bin/lambda_bench_fixture.rs`: what `infra/bench-lambda.sh` runs the binaries against.

pub mod aws;
pub mod handler_fakes;
pub mod provision;
pub mod recording;
