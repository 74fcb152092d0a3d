//! An invoice or a quote written: the notice of a document newly issued is queued at once;
//! its reminder steps are the diff between the plan of the old image and the plan of the
//! **current** state (a document paid meanwhile withdraws them, and the withdrawn reminders
//! are recorded `stale` with the reason). After a settings change, every open document is
//! re-planned by the settings' re-plan job (`crate::replan`).

use crate::effects::{QueueAs, Reaction, ReactionError, apply_diff, queue_change_messages};
use crate::services::ReactionServices;
use crate::subjects::{BillingRecords, OwnedDocument};
use rappel_core::message::PlannedMessage;
use rappel_core::planning::billing::{BillingContext, change_messages, timeline};
use rappel_core::planning::diff;
use rappel_ports::records::TypedRecords;
use rappel_ports::schedules::SendRequest;

/// An invoice or quote was written (`old` is its previous image, if any).
pub(super) async fn document_changed(
    s: &ReactionServices,
    old: Option<OwnedDocument>,
    new: OwnedDocument,
) -> Result<Reaction, ReactionError> {
    let mut reaction = Reaction::default();
    let view = new.view();
    let tenant = view.tenant().clone();
    let current = match &new {
        OwnedDocument::Invoice(i) => s
            .records
            .invoice(&tenant, &i.id)
            .await?
            .map(OwnedDocument::Invoice),
        OwnedDocument::Quote(q) => s
            .records
            .quote(&tenant, &q.id)
            .await?
            .map(OwnedDocument::Quote),
    };
    let loaded = BillingRecords::around(s.records.as_ref(), new.clone(), None).await?;
    fn ctx<'a>(loaded: &'a BillingRecords, document: &'a OwnedDocument) -> BillingContext<'a> {
        BillingContext {
            document: document.view(),
            ..loaded.context()
        }
    }

    let notices = change_messages(
        old.as_ref().map(OwnedDocument::view),
        new.view(),
        &ctx(&loaded, &new),
    );
    queue_change_messages(s, notices, QueueAs::ItsKind, &mut reaction).await?;
    let before: Vec<PlannedMessage> = old
        .as_ref()
        .map(|o| timeline(&ctx(&loaded, o)))
        .unwrap_or_default();
    let now: Vec<PlannedMessage> = current
        .as_ref()
        .map(|c| timeline(&ctx(&loaded, c)))
        .unwrap_or_default();
    let change = diff(&before, &now);
    // Closed (paid, void, answered): each withdrawn reminder still goes through the delivery
    // path, which records it `stale` with the reason — the history says why nothing came.
    // Stale is not final in the ledger, so a document re-opened later plans them again.
    let closed_now = current.as_ref().is_none_or(|c| c.view().closed().is_some());
    let told: Vec<SendRequest> = if closed_now {
        change
            .to_withdraw
            .iter()
            .map(|key| SendRequest::message(key.clone()))
            .collect()
    } else {
        Vec::new()
    };
    apply_diff(s, change, QueueAs::ItsKind, &mut reaction).await?;
    if !told.is_empty() {
        s.queue.enqueue(&told).await?;
        reaction.queued_now += told.len();
    }
    Ok(reaction)
}
