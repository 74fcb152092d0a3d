//! An appointment's planned messages as the API shows them: what will be sent, when, on which
//! channel, and what already happened to each. Computed from the current state, so a settings
//! change shows at once.

use crate::context::{ContextError, load_context};
use crate::services::ApiServices;
use chrono::{DateTime, Utc};
use rappel_core::message::{Channel, Disposition, MessageKind, Recipient};
use rappel_core::model::Appointment;
use rappel_core::planning::timeline;
use rappel_ports::ledger::{LedgerError, LedgerState};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlannedStatus {
    /// Will be sent at `due`.
    Scheduled,
    /// Its time has come; delivery is under way.
    Due,
    Sent,
    Suppressed,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedNotification {
    pub kind: MessageKind,
    pub ordinal: u64,
    pub recipient: Recipient,
    pub channel: Channel,
    pub due: DateTime<Utc>,
    pub status: PlannedStatus,
    pub reason: Option<String>,
    pub schedule_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreviewError {
    #[error(transparent)]
    Context(#[from] ContextError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

pub async fn planned_notifications(
    s: &ApiServices,
    appointment: &Appointment,
) -> Result<Vec<PlannedNotification>, PreviewError> {
    let ctx = load_context(s.records.as_ref(), appointment).await?;
    let now = s.clock.now();
    let mut out = Vec::new();
    for planned in timeline(appointment, &ctx.planning()) {
        let settled = s.ledger.entry(&planned.key.id()).await?.map(|e| e.state);
        let (status, reason) = match (settled, planned.disposition) {
            (Some(LedgerState::Sent), _) => (PlannedStatus::Sent, None),
            (Some(LedgerState::Failed), _) => (PlannedStatus::Failed, None),
            (_, Disposition::Suppressed(r)) => (PlannedStatus::Suppressed, Some(r.to_string())),
            (Some(LedgerState::Suppressed), Disposition::Deliver) => {
                (PlannedStatus::Suppressed, None)
            }
            (_, Disposition::Deliver) if planned.key.due > now => (PlannedStatus::Scheduled, None),
            (_, Disposition::Deliver) => (PlannedStatus::Due, None),
        };
        out.push(PlannedNotification {
            kind: planned.key.kind,
            ordinal: planned.key.ordinal,
            recipient: planned.key.recipient.clone(),
            channel: planned.key.channel,
            due: planned.key.due,
            status,
            reason,
            schedule_name: planned.key.schedule_name().to_string(),
        });
    }
    Ok(out)
}
