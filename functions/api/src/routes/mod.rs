//! One file per resource; [`ApiState`] is what every handler receives.

pub mod agenda;
pub mod appointments;
pub mod catalog;
pub mod clients;
pub mod digests;
mod documents;
pub mod erasure;
pub mod events;
pub mod export;
pub mod imports;
pub mod inbound;
pub mod invoices;
pub mod quotes;
pub mod sending_identity;
pub mod settings;
pub mod templates;
pub mod usage;
pub mod waitlist;
pub mod webhooks;

use rappel_app::ApiServices;

#[derive(Clone)]
pub struct ApiState {
    pub services: ApiServices,
    pub links: rappel_core::render::LinkSigner,
}
