//! Where each stored appointment sits in the orders the store's queries walk — by client, by
//! staff and start, by type and start, by start, by end — so that a query reads what it
//! returns and nothing else, however many appointments the store holds (the embedded store's
//! stand-in for DynamoDB's indexes; without it every booking scanned and copied all of a
//! business's appointments, and the local stack slowed down as it filled).

use chrono::{DateTime, Utc};
use rappel_core::model::{
    Appointment, AppointmentId, AppointmentTypeId, ClientId, StaffId, TenantId,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

/// Appointment ids by an instant (start or end), walked as a range of instants.
#[derive(Default)]
struct Timeline(BTreeMap<DateTime<Utc>, BTreeSet<AppointmentId>>);

impl Timeline {
    fn insert(&mut self, at: DateTime<Utc>, id: &AppointmentId) {
        self.0.entry(at).or_default().insert(id.clone());
    }

    fn remove(&mut self, at: DateTime<Utc>, id: &AppointmentId) {
        if let Some(ids) = self.0.get_mut(&at) {
            ids.remove(id);
            if ids.is_empty() {
                self.0.remove(&at);
            }
        }
    }

    /// The ids whose instant lies within the bounds, by instant then id.
    fn between(
        &self,
        from: Bound<DateTime<Utc>>,
        until: Bound<DateTime<Utc>>,
    ) -> Vec<AppointmentId> {
        if let (Bound::Included(a) | Bound::Excluded(a), Bound::Included(b) | Bound::Excluded(b)) =
            (from, until)
            && a > b
        {
            // An empty window (BTreeMap::range would panic on it).
            return Vec::new();
        }
        if let (Bound::Excluded(a), Bound::Excluded(b)) = (from, until)
            && a == b
        {
            return Vec::new();
        }
        self.0
            .range((from, until))
            .flat_map(|(_, ids)| ids.iter().cloned())
            .collect()
    }
}

#[derive(Default)]
struct TenantIndex {
    by_client: HashMap<ClientId, BTreeSet<AppointmentId>>,
    by_staff: HashMap<StaffId, Timeline>,
    by_type: HashMap<AppointmentTypeId, Timeline>,
    by_start: Timeline,
    by_end: Timeline,
}

#[derive(Default)]
pub(super) struct AppointmentIndex {
    tenants: HashMap<TenantId, TenantIndex>,
}

impl AppointmentIndex {
    pub fn insert(&mut self, a: &Appointment) {
        let t = self.tenants.entry(a.tenant.clone()).or_default();
        t.by_client
            .entry(a.client_id.clone())
            .or_default()
            .insert(a.id.clone());
        t.by_staff
            .entry(a.staff_id.clone())
            .or_default()
            .insert(a.start, &a.id);
        t.by_type
            .entry(a.type_id.clone())
            .or_default()
            .insert(a.start, &a.id);
        t.by_start.insert(a.start, &a.id);
        t.by_end.insert(a.end, &a.id);
    }

    pub fn remove(&mut self, a: &Appointment) {
        let Some(t) = self.tenants.get_mut(&a.tenant) else {
            return;
        };
        if let Some(ids) = t.by_client.get_mut(&a.client_id) {
            ids.remove(&a.id);
        }
        if let Some(timeline) = t.by_staff.get_mut(&a.staff_id) {
            timeline.remove(a.start, &a.id);
        }
        if let Some(timeline) = t.by_type.get_mut(&a.type_id) {
            timeline.remove(a.start, &a.id);
        }
        t.by_start.remove(a.start, &a.id);
        t.by_end.remove(a.end, &a.id);
    }

    /// The client's appointments, in id order.
    pub fn of_client(&self, tenant: &TenantId, client: &ClientId) -> Vec<AppointmentId> {
        self.tenants
            .get(tenant)
            .and_then(|t| t.by_client.get(client))
            .map(|ids| ids.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The staff member's appointments starting in `[from, until)`, by start.
    pub fn of_staff(
        &self,
        tenant: &TenantId,
        staff: &StaffId,
        from: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    ) -> Vec<AppointmentId> {
        let until = until.map_or(Bound::Unbounded, Bound::Excluded);
        self.tenants
            .get(tenant)
            .and_then(|t| t.by_staff.get(staff))
            .map(|timeline| timeline.between(Bound::Included(from), until))
            .unwrap_or_default()
    }

    /// The appointments of a type starting strictly after `after`, by start.
    pub fn of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        after: DateTime<Utc>,
    ) -> Vec<AppointmentId> {
        self.tenants
            .get(tenant)
            .and_then(|t| t.by_type.get(type_id))
            .map(|timeline| timeline.between(Bound::Excluded(after), Bound::Unbounded))
            .unwrap_or_default()
    }

    /// The appointments starting in `[from, until)`, by start.
    pub fn starting_between(
        &self,
        tenant: &TenantId,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Vec<AppointmentId> {
        self.tenants
            .get(tenant)
            .map(|t| {
                t.by_start
                    .between(Bound::Included(from), Bound::Excluded(until))
            })
            .unwrap_or_default()
    }

    /// The appointments ending strictly after `after`.
    pub fn ending_after(&self, tenant: &TenantId, after: DateTime<Utc>) -> Vec<AppointmentId> {
        self.tenants
            .get(tenant)
            .map(|t| t.by_end.between(Bound::Excluded(after), Bound::Unbounded))
            .unwrap_or_default()
    }
}
