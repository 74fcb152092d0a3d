//! A subject's planned messages as the API shows them (an appointment's reminders and
//! follow-ups, a client's re-engagement steps): what will be sent, when, on which channel, and
//! what already happened to each. Computed from the current state, so a settings change shows
//! at once.

use crate::services::ApiServices;
use crate::subjects::{AppointmentRecords, ClientRecords, ContextError};
use chrono::{DateTime, Utc};
use rappel_core::message::{Channel, Disposition, MessageKind, PlannedMessage, Recipient};
use rappel_core::model::{Appointment, ClientId};
use rappel_core::planning::client::reengagement;
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
    let loaded = AppointmentRecords::load(
        s.records.as_ref(),
        &appointment.tenant,
        &[appointment],
        None,
        None,
    )
    .await?;
    let plan = timeline(appointment, &loaded.planning(appointment, None)?);
    with_status(s, plan).await
}

/// A client's planned re-engagement steps (`None` if the client is unknown).
pub async fn client_planned_notifications(
    s: &ApiServices,
    tenant: &rappel_core::model::TenantId,
    client: &ClientId,
) -> Result<Option<Vec<PlannedNotification>>, PreviewError> {
    let Some(loaded) = ClientRecords::load(s.records.as_ref(), tenant, client, None).await? else {
        return Ok(None);
    };
    let plan = reengagement(&loaded.context());
    Ok(Some(with_status(s, plan).await?))
}

async fn with_status(
    s: &ApiServices,
    plan: Vec<PlannedMessage>,
) -> Result<Vec<PlannedNotification>, PreviewError> {
    let now = s.clock.now();
    let mut out = Vec::new();
    for planned in plan {
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
