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
//! - [`planning`]: the planner, one folder per subject (`appointment`, `client`, `day`,
//!   `billing`, `inbound`, `slot`), each with its context, timeline or change messages,
//!   send-time verdict and rendering variables; shared by all: the channel rules, quiet hours
//!   and the diff of two timelines.
//! - [`access`]: integrators and their API keys (parsed, issued, digested; never stored in
//!   clear).
//! - [`budget`]: what an SMS costs (parts × the price to its country) and a business's monthly
//!   SMS budget.
//! - [`events`]: the delivery events an integrator receives (a message planned, sent,
//!   bounced…): ids only, a derived id per transition.
//! - [`feedback`]: the provider's e-mail feedback (SES event records, message tags) and the
//!   marks a permanent bounce or a complaint puts on an address.
//! - [`render`]: templates (minijinja) with FR/EN defaults, iCalendar invitations, MIME, SMS
//!   segments and signed links.
//! - [`privacy`]: keyed hashes of the addresses a refusal outlives an erasure under, and a
//!   provider's words kept without the addresses they quote.
//! - [`replies`]: what a client texts back — a keyword (confirm, cancel, stop, start, help) or
//!   a message for the business — and the inbound SMS as AWS End User Messaging delivers it.
//!
//! ## Workspace layout
//! ```text
//! shared/core    this crate: pure decisions
//! shared/ports   ports (traits split by capability) + embedded adapters (memory/file, outbox)
//! shared/app     use cases over the ports: subjects, the single delivery path, reactions
//! shared/aws     the AWS adapters of the same ports, and each function's wiring
//! shared/local   the embedded local stack binary (API + feed + scheduler + outbox on 127.0.0.1)
//! functions/*    one crate per Lambda handler: api, authorizer, change-handler, feedback, replan, send
//! tests/kit      what tests share; tests/local: the local stack end to end; tests/aws: the AWS side
//! ```

pub mod access;
pub mod budget;
pub mod events;
pub mod feedback;
pub mod message;
pub mod model;
pub mod planning;
pub mod privacy;
pub mod render;
pub mod replies;
pub mod schema;
pub mod settings;
