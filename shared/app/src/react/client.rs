//! A client changed: the plans of their booked appointments and their re-engagement. A client
//! deleted (erased): everything planned for them — their appointments', their open documents'
//! and their re-engagement — withdrawn, telling no one.

use super::appointment::replan;
use crate::effects::{QueueAs, Reaction, ReactionError, apply_diff};
use crate::services::ReactionServices;
use crate::subjects::{
    AppointmentRecords, BillingRecords, ContextError, OtherBookings, OwnedDocument,
    PLANNING_HORIZON, Substitute,
};
use rappel_core::planning::{billing, diff};
use rappel_ports::records::{Listing, Record, RecordKey, RecordKind};

/// A client's records read per page when their deletion withdraws their documents' plans.
const DOCUMENTS_PAGE: usize = 100;
use rappel_core::model::Client;
use rappel_core::planning::client::{ClientContext, reengagement};
use rappel_core::planning::diff_deciding_early;
use rappel_ports::records::TypedRecords;

/// A client's contact details or consent changed: the plans of their booked appointments and
/// their re-engagement steps, old image against current.
pub(super) async fn client_changed(
    s: &ReactionServices,
    old: &Client,
    new: &Client,
) -> Result<Reaction, ReactionError> {
    let booked = s
        .records
        .appointments_of_client(&new.tenant, &new.id)
        .await?;
    let settings = s.records.settings(&new.tenant).await?;
    let mut reaction = replan(
        s,
        &new.tenant,
        booked.clone(),
        &Substitute::Client(old.clone()),
        Some(&settings),
    )
    .await?;
    let plan = |client: &Client| {
        reengagement(&ClientContext {
            settings: &settings,
            client,
            appointments: &booked,
        })
    };
    apply_diff(
        s,
        diff_deciding_early(&plan(old), &plan(new)),
        QueueAs::ItsKind,
        &mut reaction,
    )
    .await?;
    Ok(reaction)
}

/// A client's record was deleted (their erasure began): every message still planned for them
/// and for their booked appointments — the staff's included — is withdrawn, from their last
/// image; nothing is sent about it. Their appointments are deleted afterwards by the erasure
/// job, and their own deletions find nothing left to withdraw.
pub(super) async fn client_removed(
    s: &ReactionServices,
    old: &Client,
) -> Result<Reaction, ReactionError> {
    let booked = s
        .records
        .appointments_of_client(&old.tenant, &old.id)
        .await?;
    let settings = s.records.settings(&old.tenant).await?;
    let mut reaction = Reaction::default();
    let horizon = s.clock.now() - PLANNING_HORIZON;
    for appointment in booked.iter().filter(|a| a.end > horizon) {
        let loaded = AppointmentRecords::load_as(
            s.records.as_ref(),
            &old.tenant,
            &[appointment],
            None,
            Some(settings.clone()),
            OtherBookings::Skip,
            Some(old),
        )
        .await;
        let loaded = match loaded {
            Ok(loaded) => loaded,
            Err(ContextError::Store(e)) => return Err(e.into()),
            Err(error @ ContextError::Missing(_)) => {
                tracing::warn!(%error, "an erased client's appointment lacks a record; its messages are withdrawn at send time");
                continue;
            }
        };
        let planned = loaded.plan_of(appointment);
        apply_diff(
            s,
            diff_deciding_early(&planned, &[]),
            QueueAs::Bulk,
            &mut reaction,
        )
        .await?;
    }
    // Their open invoices' and quotes' reminders.
    let mut cursor = None;
    loop {
        let listing = Listing::RecordsOfClient {
            client: old.id.clone(),
        };
        let page = s
            .records
            .list(&old.tenant, &listing, cursor.as_deref(), DOCUMENTS_PAGE)
            .await?;
        let documents: Vec<RecordKey> = page
            .keys
            .into_iter()
            .filter(|k| matches!(k.kind, RecordKind::Invoice | RecordKind::Quote))
            .collect();
        let found = s.records.get_many(&documents).await?.into_iter().flatten();
        for record in found.filter(Record::is_open_document) {
            let document = match record {
                Record::Invoice(i) => OwnedDocument::Invoice(i),
                Record::Quote(q) => OwnedDocument::Quote(q),
                _ => continue,
            };
            let loaded = BillingRecords {
                settings: settings.clone(),
                document,
                client: Some(old.clone()),
            };
            let planned = billing::timeline(&loaded.context());
            apply_diff(s, diff(&planned, &[]), QueueAs::Bulk, &mut reaction).await?;
        }
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    let planned = reengagement(&ClientContext {
        settings: &settings,
        client: old,
        appointments: &booked,
    });
    apply_diff(
        s,
        diff_deciding_early(&planned, &[]),
        QueueAs::Bulk,
        &mut reaction,
    )
    .await?;
    Ok(reaction)
}
