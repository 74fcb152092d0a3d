//! What a record change means, one file per subject as in [`crate::subjects`] and
//! `rappel_core::planning`, plus `business` for the records many subjects depend on
//! (settings, types, staff). What they do about it — queue, schedule, withdraw — is
//! [`crate::effects`].
//!
//! [`react_to_change`] names every record kind: a new kind is a compile error here until its
//! reaction (or its reason for none) is written.

mod appointment;
mod billing;
mod business;
mod client;
mod inbound;
mod slot;

use crate::effects::{Reaction, ReactionError};
use crate::services::ReactionServices;
use crate::subjects::OwnedDocument;
use rappel_core::settings::BusinessSettings;
use rappel_ports::records::{ChangeRecord, Record};

/// The two images of a change as one kind of record (`None` where the image is absent or,
/// which a key never allows, of another kind).
macro_rules! images {
    ($change:expr, $kind:ident) => {
        (
            match &$change.old {
                Some(Record::$kind(old)) => Some(old),
                _ => None,
            },
            match &$change.new {
                Some(Record::$kind(new)) => Some(new),
                _ => None,
            },
        )
    };
}

pub async fn react_to_change(
    s: &ReactionServices,
    change: &ChangeRecord,
) -> Result<Reaction, ReactionError> {
    let Some(either) = change.new.as_ref().or(change.old.as_ref()) else {
        return Ok(Reaction::default());
    };
    // Its retention ran out: an ended appointment long past its follow-ups and re-engagement
    // (the business's periods are checked against its rules), a request, a closed document.
    // Nothing was planned from it any more, and nobody is told.
    if change.expired {
        return Ok(Reaction::default());
    }
    // Written again unchanged: its business changed its retention, and a retention job
    // stamped its TTL again (DynamoDB's stream carries the update with both images the same).
    if change.old.is_some() && change.old == change.new {
        return Ok(Reaction::default());
    }
    match either {
        Record::Appointment(_) => {
            let (old, new) = images!(change, Appointment);
            appointment::appointment_changed(s, old, new).await
        }
        Record::Client(_) => match images!(change, Client) {
            (Some(old), Some(new)) => client::client_changed(s, old, new).await,
            (Some(old), None) => client::client_removed(s, old).await,
            // A new client has no plan yet; their bookings bring one.
            _ => Ok(Reaction::default()),
        },
        Record::Staff(_) => match images!(change, Staff) {
            (Some(old), Some(new)) => business::staff_changed(s, old, new).await,
            (None, Some(new)) => business::staff_created(s, new).await,
            _ => Ok(Reaction::default()),
        },
        Record::AppointmentType(_) => match images!(change, AppointmentType) {
            (Some(old), Some(new)) => business::type_changed(s, old, new).await,
            // A new type has no appointments yet.
            _ => Ok(Reaction::default()),
        },
        Record::Settings(_) => match images!(change, Settings) {
            (old, Some(new)) => {
                let old = old
                    .cloned()
                    .unwrap_or_else(|| BusinessSettings::defaults_for(&new.tenant));
                business::settings_changed(s, &old, new).await
            }
            _ => Ok(Reaction::default()),
        },
        Record::Invoice(_) => match images!(change, Invoice) {
            (old, Some(new)) => {
                let old = old.map(|o| OwnedDocument::Invoice(o.clone()));
                billing::document_changed(s, old, OwnedDocument::Invoice(new.clone())).await
            }
            _ => Ok(Reaction::default()),
        },
        Record::Quote(_) => match images!(change, Quote) {
            (old, Some(new)) => {
                let old = old.map(|o| OwnedDocument::Quote(o.clone()));
                billing::document_changed(s, old, OwnedDocument::Quote(new.clone())).await
            }
            _ => Ok(Reaction::default()),
        },
        Record::Inbound(_) => match images!(change, Inbound) {
            // Received once; a later write of the same message (there is none through the
            // API) would not be answered again.
            (None, Some(new)) => inbound::inbound_received(s, new).await,
            _ => Ok(Reaction::default()),
        },
        // A template is read at send time; it changes no plan.
        Record::Template(_) => Ok(Reaction::default()),
        // A waitlist entry is read when a slot is freed (`slot`); it changes no plan.
        Record::Waitlist(_) => Ok(Reaction::default()),
        // An erasure's progress: the client's own deletion withdrew their plans.
        Record::Erasure(_) => Ok(Reaction::default()),
    }
}
