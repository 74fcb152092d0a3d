//! Every write a way in can make — the HTTP API, the client's links, and later the SMS replies
//! and the import — as one command each, over the ports. A way in translates only: it parses
//! its input into a command's, runs it, and shows the result its own way; a
//! [`CommandError`] becomes an HTTP problem, a page or an SMS answer once, at that edge.
//!
//! - [`appointments`]: book, upsert under the caller's id, modify, the life-cycle actions;
//! - [`clients`]: create, upsert, change, withdraw marketing consent;
//! - [`documents`]: invoices and quotes, one implementation ([`documents::BillingDocument`]);
//! - [`import`]: clients and appointments in bulk under the integrator's ids, per item;
//! - [`inbound`], [`waitlist`], [`settings`], [`templates`], [`catalog`];
//! - [`references`]: the records a write names, read with the settings in one round trip.

pub mod appointments;
pub mod catalog;
pub mod clients;
pub mod documents;
pub mod erasure;
mod error;
pub mod ids;
pub mod import;
pub mod inbound;
pub mod references;
pub mod settings;
pub mod sms_reply;
pub mod templates;
mod upserted;
pub mod waitlist;

pub use error::{CommandError, Refusal, expect_version};
pub use upserted::Upserted;
