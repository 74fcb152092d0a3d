//! A staff member: performs appointments, receives alerts and optional reminder copies.

use super::{DisplayName, EmailAddress, Locale, PhoneNumber, StaffId, TenantId, TimeZone};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StaffMember {
    pub tenant: TenantId,
    pub id: StaffId,
    pub name: DisplayName,
    pub email: Option<EmailAddress>,
    pub phone: Option<PhoneNumber>,
    pub locale: Locale,
    pub time_zone: TimeZone,
    pub version: u64,
}
