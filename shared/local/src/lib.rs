//! # rappel-local — the embedded local stack
//!
//! The whole of Rappel on one machine, with no AWS account and no external service:
//!
//! ```text
//! HTTP API (axum, 127.0.0.1) ──► MemoryRecords ──change feed──► change handler ──► InProcessScheduler
//!                                                                     │                  │ (clock moves)
//!                                                                     ▼                  ▼
//!                                                               InProcessQueue ◄──── firings
//!                                                                     │
//!                                                      send handler: single delivery path
//!                                                                     │
//!                                              Outbox (stdout, .eml, GET /_local/outbox)
//! ```
//!
//! The same handler functions as on Lambda do the work; this crate only plays the parts AWS
//! plays there: it pumps the change feed after every API request (so a response is only
//! returned once its consequences are visible), puts due schedules' inputs on the send queue in
//! order as the clock moves, drains the queue through the send handler (a failed request is
//! received again, up to 10 times, as from SQS), retries failed change records a few times,
//! and keeps what still fails as dead letters (replayable). With a data dir, every step is
//! written to disk in an order that a kill at any point cannot break (see docs/LOCAL.md).

mod api_keys;
mod data_dir;
mod disturbance;
mod inbox;
mod local_routes;
mod runtime;
mod sending_domains;
mod sms_reply;
mod suspension;
mod webhook_poster;

pub use data_dir::{DATA_DIR_FORMAT, check_data_dir};
pub use disturbance::Disturbance;
pub use local_routes::{local_document_json, local_router};
pub use runtime::{DeadLetter, LocalConfig, LocalStack, synced};
