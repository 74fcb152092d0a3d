//! One file per resource; [`ApiState`] is what every handler receives.

pub mod agenda;
pub mod appointments;
pub mod catalog;
pub mod clients;
pub mod digests;
mod documents;
pub mod inbound;
pub mod invoices;
pub mod quotes;
pub mod settings;
pub mod templates;
pub mod waitlist;

use rappel_app::ApiServices;

#[derive(Clone)]
pub struct ApiState {
    pub services: ApiServices,
    pub links: rappel_core::render::LinkSigner,
}

impl ApiState {
    /// A fresh random id with a readable prefix ("cl_…", "ap_…"), as the id type it is for.
    pub fn new_id<T: TryFrom<String>>(&self, prefix: &str) -> Result<T, crate::error::ApiError> {
        T::try_from(format!("{prefix}_{}", uuid::Uuid::new_v4().simple())).map_err(|_| {
            crate::error::ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "id_unavailable",
                "could not allocate an id",
            )
        })
    }
}
