//! A kind of appointment a business offers, with its own overrides of the business's message
//! timing (texts are overridden per type through templates).

use super::{AppointmentTypeId, DisplayName, TenantId};
use crate::settings::NotificationOverride;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AppointmentType {
    pub tenant: TenantId,
    pub id: AppointmentTypeId,
    pub name: DisplayName,
    pub overrides: NotificationOverride,
    pub version: u64,
}
