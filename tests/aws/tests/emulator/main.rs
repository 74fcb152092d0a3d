//! The AWS side against the emulator, one binary: the real Lambda handlers and AWS adapters
//! over HTTP to moto server (`rappel_aws_tests::aws`).
//!
//! Every test is ignored, with the reason, unless the `emulator` feature is on: `infra/test.sh`
//! starts moto, sets `RAPPEL_EMULATOR_URL` and runs them. By hand, with an emulator running:
//! `cargo test -p rappel-aws-tests --features emulator --test emulator -- lifecycle::`.

mod api_keys;
mod big_business;
mod billing;
mod cold_start;
mod digests;
mod erasure;
mod events;
mod exactly_once;
mod faults;
mod feedback;
mod lanes;
mod lifecycle;
mod logs;
mod reengagement;
mod replay;
mod retention;
mod send_cap;
mod sending_identity;
mod sms_replies;
mod unsubscribe;
mod usage;
mod waitlist;
mod webhooks;
