//! # rappel-app — use cases over the ports
//!
//! - [`services::Services`]: the ports a use case needs, composed once by each `main`.
//! - [`context`]: loads what a plan depends on (settings, type, client, staff, rebooked).
//! - [`deliver`]: **the single delivery path**, run by the send handler for every message,
//!   scheduled or immediate: claim → load current state → re-plan → send or record why not.
//! - [`react`]: what a record change means: immediate messages, schedules to create or
//!   withdraw, re-planning of booked appointments when settings, a client or staff change.
//! - [`preview`]: an appointment's planned messages with their status, for the API.

pub mod context;
pub mod deliver;
pub mod preview;
pub mod react;
pub mod services;

pub use deliver::{DeliveryError, DeliveryOutcome, deliver};
pub use react::{Reaction, ReactionError, react_to_change};
pub use services::{ApiServices, DeliveryServices, Services};
