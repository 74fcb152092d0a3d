//! # rappel-core — the pure planning core
//!
//! Everything Rappel decides is decided here, as plain functions of state: no I/O, no AWS types,
//! no clock (callers pass `now`). The runtime (ports, adapters, Lambda functions, local stack)
//! only executes what this crate decides.
//!
//! ## Map of the modules
//! - [`model`]: parsed newtypes (ids, e-mail, E.164 phone, IANA zone, locale, names) and the
//!   records: client, staff member, appointment type, appointment and its life-cycle transitions.
//! - [`settings`]: the per-business notification matrix, per-type overrides, offsets (exact
//!   minutes/hours, calendar days on the local wall clock) and the late-booking policy.
//! - [`message`]: message kinds, recipients, channels, the deterministic [`message::MessageKey`]
//!   and the EventBridge-safe schedule name derived from it; dispositions and verdicts.
//! - [`planning`]: the planner — channel rules, the timeline of future messages, the immediate
//!   messages of a change, the diff of two timelines, and the send-time verdict.
//! - [`access`]: integrators and their API keys (parsed, issued, digested; never stored in
//!   clear).
//! - [`feedback`]: the provider's e-mail feedback (SES event records, message tags) and the
//!   marks a permanent bounce or a complaint puts on an address.
//! - [`render`]: templates (minijinja) with FR/EN defaults, iCalendar invitations, MIME, SMS
//!   segments and signed links.
//!
//! ## Workspace layout
//! ```text
//! shared/core    this crate: pure decisions
//! shared/ports   ports (traits split by capability) + embedded adapters (memory/file, outbox)
//! shared/app     use cases over the ports: the single delivery path, reacting to changes
//! shared/local   the embedded local stack binary (API + feed + scheduler + outbox on 127.0.0.1)
//! functions/*    one crate per Lambda handler: api, authorizer, change-handler, feedback, replan, send
//! tests/         end-to-end tests through the HTTP API on the local stack
//! ```

pub mod access;
pub mod feedback;
pub mod message;
pub mod model;
pub mod planning;
pub mod render;
pub mod schema;
pub mod settings;
