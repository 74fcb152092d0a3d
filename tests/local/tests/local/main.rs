//! The local stack end to end, one binary: each module an area of the product, through the
//! real HTTP API of an isolated local stack (`rappel_testkit::spawn_app`).
//!
//! Built without the AWS SDK or the Lambda runtime. One test:
//! `cargo test -p rappel-local-tests --test local -- lifecycle::an_online_booking` (any
//! substring of `module::test_name` selects).

mod bad_input;
mod billing;
mod contract;
mod delivery_guarantees;
mod digests;
mod erasure;
mod events;
mod exactly_once;
mod fairness;
mod feedback;
mod imports;
mod inbox;
mod isolation;
mod lifecycle;
mod link_domains;
mod links;
mod lists;
mod logs;
mod on_the_wire;
mod quiet_hours;
mod reengagement;
mod retention;
mod safe_retries;
mod send_cap;
mod sending_identity;
mod sms_budget;
mod sms_countries;
mod sms_replies;
mod soak;
mod suspension;
mod template_preview;
mod waitlist;
mod webhooks;
