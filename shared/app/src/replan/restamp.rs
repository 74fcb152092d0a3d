//! A retention job's step: the business changed its retention periods, so what it keeps is
//! stamped again — each listed record with what the new periods say of it (the store's TTL
//! alone changes), and for each listed client their history, a page of [`HISTORY_PAGE`]
//! entries at a time, with the ledger's copies of the messages sent. Nothing is planned,
//! sent or told. Idempotent: an entry already stamped so is not written again.

use super::plan::{AT_ONCE, BATCH_RESERVE, Planned};
use crate::effects::ReactionError;
use crate::services::ReactionServices;
use futures_util::future::join_all;
use rappel_core::model::{ClientId, TenantId};
use rappel_core::settings::RetentionSettings;
use rappel_ports::deadline::Deadline;
use rappel_ports::history::{CommunicationRecord, CommunicationStatus};
use rappel_ports::records::{Record, RecordKey};

/// History entries read (one `Query`) and re-stamped at a time.
pub const HISTORY_PAGE: usize = 100;

pub(super) async fn restamp(
    s: &ReactionServices,
    retention: &RetentionSettings,
    subjects: Vec<(RecordKey, Record)>,
    deadline: Deadline,
) -> Result<Planned, ReactionError> {
    let now = s.clock.now();
    let mut planned = Planned::default();
    let mut remaining = subjects.into_iter().peekable();
    while remaining.peek().is_some() {
        if !deadline.allows(BATCH_RESERVE) {
            planned.left = remaining.map(|(key, _)| key).collect();
            tracing::warn!(
                left = planned.left.len(),
                "retention step out of time: its remainder is handed on"
            );
            break;
        }
        let batch: Vec<(RecordKey, Record)> = remaining.by_ref().take(AT_ONCE).collect();
        let results = join_all(batch.iter().map(|(key, record)| async move {
            match record {
                Record::Client(client) => {
                    restamp_history(s, retention, &client.tenant, &client.id).await
                }
                _ => {
                    let kept_until = record.kept_until(retention, now);
                    Ok(s.records.restamp(key, record.version(), kept_until).await?)
                }
            }
        }))
        .await;
        for result in results {
            result?;
            planned.planned += 1;
        }
    }
    Ok(planned)
}

/// A client's whole history, a page at a time: each entry kept `history_days` from when it
/// was recorded, and the ledger's copy of a sent message's entry with it.
async fn restamp_history(
    s: &ReactionServices,
    retention: &RetentionSettings,
    tenant: &TenantId,
    client: &ClientId,
) -> Result<(), ReactionError> {
    let mut after: Option<String> = None;
    loop {
        let page = s
            .history
            .client_page(tenant, client, after.as_deref(), HISTORY_PAGE)
            .await?;
        let changed: Vec<CommunicationRecord> = page
            .entries
            .into_iter()
            .filter_map(|mut entry| {
                let kept = retention.history_kept_until(entry.recorded_at);
                (entry.kept_until != Some(kept)).then(|| {
                    entry.kept_until = Some(kept);
                    entry
                })
            })
            .collect();
        s.history.restamp(&changed).await?;
        for entry in changed
            .iter()
            .filter(|e| e.status == CommunicationStatus::Sent)
        {
            if let Some(kept) = entry.kept_until {
                s.ledger
                    .restamp_copy(&entry.message_key, entry.recorded_at, kept)
                    .await?;
            }
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(()),
        }
    }
}
