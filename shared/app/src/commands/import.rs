//! A bulk import: up to [`MAX_IMPORT_ITEMS`] clients and appointments under the integrator's
//! own ids, answered per item — created, updated, unchanged or refused with its code. Each
//! item is an upsert, so sending the same import again changes nothing. By default an import
//! tells nobody: no confirmation, alert, "moved" notice or freed-slot offer (its appointments'
//! last change is [`ChangeAction::Imported`](rappel_core::model::ChangeAction::Imported));
//! reminders and later messages are planned as for any booking, never for the past.
//!
//! Bounded: one import is at most 1,000 items, written [`AT_ONCE`] at a time, each record the
//! items share (the settings, a staff member, a type) read once for the whole import.

use super::appointments::{Booking, Writer, put_appointment_as};
use super::clients::{ClientDetails, put_client};
use super::{CommandError, Upserted};
use crate::ApiServices;
use futures_util::stream::{self, StreamExt};
use rappel_core::model::{AppointmentId, ClientId, TenantId};
use rappel_ports::records::RecordsCache;
use std::collections::HashSet;
use std::sync::Arc;

/// The most items (clients and appointments together) one import takes.
pub const MAX_IMPORT_ITEMS: usize = 1_000;
/// Items written at once: the import's writes overlap without flooding the table.
pub const AT_ONCE: usize = 16;

/// A client to import under the integrator's id.
#[derive(Debug, Clone)]
pub struct ClientItem {
    pub id: ClientId,
    pub details: ClientDetails,
}

/// An appointment to import under the integrator's id.
#[derive(Debug, Clone)]
pub struct AppointmentItem {
    pub id: AppointmentId,
    pub booking: Booking,
}

/// An item the edge could not even read: refused as it is, reported in its place.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Its `id`, if it had a readable one.
    pub id: Option<String>,
    pub code: &'static str,
    pub message: String,
}

/// What to import. Items keep their place in the report.
#[derive(Debug, Clone, Default)]
pub struct Import {
    pub clients: Vec<Result<ClientItem, Unreadable>>,
    pub appointments: Vec<Result<AppointmentItem, Unreadable>>,
    /// Announce as a request would (confirmations, alerts, notices): `false` by default.
    pub notify: bool,
}

impl Import {
    pub fn len(&self) -> usize {
        self.clients.len() + self.appointments.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What became of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemOutcome {
    Created,
    Updated,
    Unchanged,
    Refused { code: &'static str, message: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemReport {
    pub id: Option<String>,
    pub outcome: ItemOutcome,
}

/// One report per item, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub clients: Vec<ItemReport>,
    pub appointments: Vec<ItemReport>,
}

impl ImportReport {
    /// How many items had `outcome`'s variant (refusals counted together).
    pub fn count(&self, wanted: fn(&ItemOutcome) -> bool) -> usize {
        self.clients
            .iter()
            .chain(&self.appointments)
            .filter(|r| wanted(&r.outcome))
            .count()
    }
}

fn outcome<T>(written: Result<Upserted<T>, CommandError>) -> ItemOutcome {
    match written {
        Ok(Upserted::Created(_)) => ItemOutcome::Created,
        Ok(Upserted::Updated(_)) => ItemOutcome::Updated,
        Ok(Upserted::Unchanged(_)) => ItemOutcome::Unchanged,
        Err(error) => ItemOutcome::Refused {
            code: error.code(),
            message: error.to_string(),
        },
    }
}

fn unreadable(item: Unreadable) -> ItemReport {
    ItemReport {
        id: item.id,
        outcome: ItemOutcome::Refused {
            code: item.code,
            message: item.message,
        },
    }
}

fn duplicate(id: String) -> ItemReport {
    ItemReport {
        outcome: ItemOutcome::Refused {
            code: "duplicate_id",
            message: format!("id: {id} is given more than once in this import"),
        },
        id: Some(id),
    }
}

/// Imports the clients, then the appointments (which may name the clients just imported).
/// Never fails as a whole: each item's refusal is in its report.
pub async fn import(services: &ApiServices, tenant: &TenantId, import: Import) -> ImportReport {
    // One memory of the records the items share, for this import only.
    let services = &ApiServices {
        records: Arc::new(RecordsCache::new(services.records.clone())),
        ..services.clone()
    };
    let writer = if import.notify {
        Writer::NotifyingImport
    } else {
        Writer::Import
    };
    let mut seen = HashSet::new();
    let clients: Vec<_> = import
        .clients
        .into_iter()
        .map(|item| item.map(|c| (seen.insert(c.id.to_string()), c)))
        .collect();
    let clients = stream::iter(clients)
        .map(|item| async move {
            match item {
                Err(item) => unreadable(item),
                Ok((false, c)) => duplicate(c.id.to_string()),
                Ok((true, c)) => ItemReport {
                    id: Some(c.id.to_string()),
                    outcome: outcome(put_client(services, tenant, c.id, c.details, None).await),
                },
            }
        })
        .buffered(AT_ONCE)
        .collect()
        .await;
    let mut seen = HashSet::new();
    let appointments: Vec<_> = import
        .appointments
        .into_iter()
        .map(|item| item.map(|a| (seen.insert(a.id.to_string()), a)))
        .collect();
    let appointments = stream::iter(appointments)
        .map(|item| async move {
            match item {
                Err(item) => unreadable(item),
                Ok((false, a)) => duplicate(a.id.to_string()),
                Ok((true, a)) => {
                    let id = a.id.to_string();
                    let written =
                        put_appointment_as(services, tenant, a.id, a.booking, None, writer).await;
                    ItemReport {
                        id: Some(id),
                        outcome: outcome(written),
                    }
                }
            }
        })
        .buffered(AT_ONCE)
        .collect()
        .await;
    ImportReport {
        clients,
        appointments,
    }
}
