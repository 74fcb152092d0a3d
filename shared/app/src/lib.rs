//! # rappel-app — use cases over the ports
//!
//! - [`services`]: the ports each use case needs ([`ApiServices`], [`DeliveryServices`],
//!   [`ReactionServices`]), composed once by each `main`.
//! - [`subjects`]: the subjects of messages (an appointment, a client, a day, a document, an
//!   inbound message, a freed slot), one file each: loading what their plans depend on, once,
//!   and deciding at send time from one context ([`subjects::SubjectAtSend`]).
//! - [`mod@deliver`]: **the single delivery path**, run by the send handler for every message of
//!   every subject, scheduled or immediate: claim → load the subject's current state → its
//!   decision → send or record why not.
//! - [`react`]: what a record change means, one file per subject (every record kind named):
//!   immediate messages, schedules to create or withdraw, re-plans.
//! - [`effects`]: what a reaction or a re-plan step does about a plan (queue, schedule,
//!   withdraw), shared by [`react`] and [`replan`].
//! - [`replan`]: a change that affects many subjects (settings, a type, a staff member) as a
//!   job of bounded, idempotent, resumable steps on the re-plan queue, and its progress.
//! - [`erasure`]: a client's erasure as a job of bounded steps (their records, history, the
//!   ledger's copies, texts), woken through the erasure queue; the refusals kept by hash.
//! - [`export`]: everything Rappel holds about one client, in one answer.
//! - [`feedback`]: the provider's e-mail feedback: bounces and complaints mark addresses.
//! - [`access`]: integrators' API keys: the check for a request, and issuing, revoking and
//!   scoping keys.
//! - [`commands`]: every write a way in can make (the API, the links), one command each.
//! - [`lists`]: the API's lists, a page at a time, each from an index.
//! - [`template_preview`]: a template rendered with a real subject or sample values.
//! - [`preview`]: an appointment's or a client's planned messages with their status, for the API.

pub mod access;
pub mod commands;
pub mod deliver;
pub mod effects;
pub mod erasure;
pub mod export;
pub mod feedback;
pub mod lists;
pub mod preview;
pub mod react;
pub mod replan;
pub mod sending_identity;
pub mod services;
pub mod subjects;
pub mod template_preview;
pub mod test_send;
pub mod usage;
pub mod webhooks;

pub use deliver::{
    DeliveryError, DeliveryOutcome, Settlement, deliver, deliver_request, deliver_request_within,
};
pub use effects::{Reaction, ReactionError};
pub use react::react_to_change;
pub use services::{ApiPorts, ApiServices, DeliveryServices, ReactionServices, TwoWaySms};
