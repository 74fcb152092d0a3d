//! # rappel-local — the embedded local stack
//!
//! The whole of Rappel on one machine, with no AWS account and no external service:
//!
//! ```text
//! HTTP API (axum, 127.0.0.1) ──► MemoryRecords ──change feed──► change handler ──► InProcessScheduler
//!                                                      │                                   │ (clock moves)
//!                                                      └──► single delivery path ◄──── send handler
//!                                                                  │
//!                                                               Outbox (stdout, .eml, GET /_local/outbox)
//! ```
//!
//! The same handler functions as on Lambda do the work; this crate only plays the parts AWS
//! plays there: it pumps the change feed after every API request (so a response is only
//! returned once its consequences are visible), fires due schedules in order as the clock
//! moves, retries failed records and firings a few times, and keeps what still fails as dead
//! letters.

mod local_routes;
mod runtime;

pub use local_routes::local_router;
pub use runtime::{DeadLetter, LocalConfig, LocalStack};
