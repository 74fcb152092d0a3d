//! One file per resource; [`ApiState`] is what every handler receives.

pub mod appointments;
pub mod catalog;
pub mod clients;
pub mod settings;
pub mod templates;

use rappel_app::Services;

#[derive(Clone)]
pub struct ApiState {
    pub services: Services,
}

impl ApiState {
    /// A fresh random id with a readable prefix ("cl_…", "ap_…").
    pub fn new_id(&self, prefix: &str) -> Option<String> {
        Some(format!("{prefix}_{}", uuid::Uuid::new_v4().simple()))
    }
}
