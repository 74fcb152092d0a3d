//! A subject's planned messages as the API shows them (an appointment's reminders and
//! follow-ups, a client's re-engagement steps): what will be sent, when, on which channel, and
//! what already happened to each. Computed from the current state, so a settings change shows
//! at once.

use crate::services::ApiServices;
use crate::subjects::{
    AppointmentRecords, BillingRecords, ClientRecords, ContextError, DayRecords, OtherBookings,
};
use chrono::{DateTime, NaiveDate, Utc};
use rappel_core::message::{Channel, Disposition, MessageKind, PlannedMessage, Recipient, Subject};
use rappel_core::model::{Appointment, ClientId, StaffMember, TenantId};
use rappel_core::planning::billing;
use rappel_core::planning::client::reengagement;
use rappel_core::planning::day::{digest_messages, digest_schedules, next_firing};
use rappel_core::planning::timeline;
use rappel_core::settings::DigestDay;
use rappel_ports::history::{CommunicationRecord, HistoryError};
use rappel_ports::ledger::{LedgerError, LedgerState, OutcomeKind};
use rappel_ports::records::{StoreError, TypedRecords};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlannedStatus {
    /// Will be sent at `due`.
    Scheduled,
    /// Its time has come; delivery is under way.
    Due,
    /// The provider accepted it (and has reported nothing since).
    Sent,
    /// The recipient's mail server accepted it (an e-mail: SES `Delivery`).
    Delivered,
    /// It bounced for good.
    Bounced,
    /// The recipient marked it as spam.
    Complained,
    Suppressed,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PlannedNotification {
    pub kind: MessageKind,
    pub ordinal: u64,
    pub recipient: Recipient,
    pub channel: Channel,
    /// When it goes (or went) out, in UTC.
    pub due: DateTime<Utc>,
    pub status: PlannedStatus,
    pub reason: Option<String>,
    pub schedule_name: String,
    /// Set when the business's quiet hours moved it: when it was due before, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<Moved>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Moved {
    /// When it was due before quiet hours moved it, in UTC.
    pub from: DateTime<Utc>,
    /// Always `quiet_hours` today.
    pub because: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreviewError {
    #[error(transparent)]
    Context(#[from] ContextError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    History(#[from] HistoryError),
}

impl From<StoreError> for PreviewError {
    fn from(e: StoreError) -> Self {
        Self::Context(ContextError::Store(e))
    }
}

/// A staff member's or manager's next digest: its recurring schedule, when it fires next and
/// which day that covers, the messages it would send with what is booked so far, and the
/// digests already recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DigestPreview {
    pub recipient: Recipient,
    /// `None` when digests are off for this recipient.
    pub schedule: Option<DigestSchedule>,
    /// The next firing's messages (empty when off).
    pub notifications: Vec<PlannedNotification>,
    /// Appointments listed so far for the day the next firing covers.
    pub appointments_so_far: usize,
    /// Digests already decided, newest last.
    pub recent: Vec<CommunicationRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DigestSchedule {
    pub schedule_name: String,
    /// Daily at this local time (`HH:MM`)…
    pub at: String,
    /// …in this zone (the recipient's).
    pub time_zone: String,
    pub when: DigestDay,
    /// In UTC.
    pub next_firing: DateTime<Utc>,
    pub covers: NaiveDate,
}

/// `None` if the recipient is unknown.
pub async fn digest_preview(
    s: &ApiServices,
    tenant: &TenantId,
    recipient: &Recipient,
) -> Result<Option<DigestPreview>, PreviewError> {
    let settings = s.records.settings(tenant).await?;
    let staff: Vec<StaffMember> = match recipient {
        Recipient::Staff(id) => match s.records.staff(tenant, id).await? {
            Some(member) => vec![member],
            None => return Ok(None),
        },
        Recipient::Manager(id) if settings.manager(id).is_some() => Vec::new(),
        Recipient::Manager(_) | Recipient::Client(_) | Recipient::Sender(_) => return Ok(None),
    };
    let recent = s.history.for_recipient(tenant, recipient).await?;
    let Some(schedule) = digest_schedules(&settings, &staff)
        .into_iter()
        .find(|r| &r.trigger.recipient == recipient)
    else {
        return Ok(Some(DigestPreview {
            recipient: recipient.clone(),
            schedule: None,
            notifications: Vec::new(),
            appointments_so_far: 0,
            recent,
        }));
    };
    let when = settings.input.notifications.digest.when;
    let next = next_firing(schedule.at, schedule.zone, s.clock.now());
    let Some(day) =
        DayRecords::load_firing(s.records.as_ref(), settings.clone(), recipient, next).await?
    else {
        return Ok(None);
    };
    let ctx = day.context();
    let appointments_so_far = ctx.count();
    let mut notifications = with_status(s, digest_messages(&ctx)).await?;
    for n in &mut notifications {
        // The firing instant, not the day's start the key carries.
        n.due = next;
    }
    Ok(Some(DigestPreview {
        recipient: recipient.clone(),
        schedule: Some(DigestSchedule {
            schedule_name: schedule.name.to_string(),
            at: schedule.at.to_string(),
            time_zone: schedule.zone.name().to_owned(),
            when,
            next_firing: next,
            covers: day.date,
        }),
        notifications,
        appointments_so_far,
        recent,
    }))
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
        OtherBookings::Read,
    )
    .await?;
    let plan = timeline(
        appointment,
        &loaded
            .planning(appointment, None)
            .map_err(ContextError::from)?,
    );
    with_status(s, plan).await
}

/// A client's planned re-engagement steps (`None` if the client is unknown).
pub async fn client_planned_notifications(
    s: &ApiServices,
    tenant: &TenantId,
    client: &ClientId,
) -> Result<Option<Vec<PlannedNotification>>, PreviewError> {
    let Some(loaded) = ClientRecords::load(s.records.as_ref(), tenant, client, None).await? else {
        return Ok(None);
    };
    let plan = reengagement(&loaded.context());
    Ok(Some(with_status(s, plan).await?))
}

/// An invoice's or quote's planned reminders (`None` if it is unknown). Its notice, sent when
/// it was issued, is in the client's history.
pub async fn document_planned_notifications(
    s: &ApiServices,
    tenant: &TenantId,
    subject: &Subject,
) -> Result<Option<Vec<PlannedNotification>>, PreviewError> {
    let records = s.records.as_ref();
    let loaded = match subject {
        Subject::Invoice(id) => BillingRecords::load_invoice(records, tenant, id).await?,
        Subject::Quote(id) => BillingRecords::load_quote(records, tenant, id).await?,
        _ => None,
    };
    let Some(loaded) = loaded else {
        return Ok(None);
    };
    let plan = billing::timeline(&loaded.context());
    Ok(Some(with_status(s, plan).await?))
}

async fn with_status(
    s: &ApiServices,
    plan: Vec<PlannedMessage>,
) -> Result<Vec<PlannedNotification>, PreviewError> {
    let now = s.clock.now();
    let mut out = Vec::new();
    for planned in plan {
        let entry = s.ledger.entry(&planned.key.id()).await?;
        let outcome = entry.as_ref().and_then(|e| e.outcome).map(|o| o.kind);
        let settled = entry.map(|e| e.state);
        let (status, reason) = match (settled, planned.disposition) {
            (Some(LedgerState::Sent), _) => (
                match outcome {
                    None => PlannedStatus::Sent,
                    Some(OutcomeKind::Delivered) => PlannedStatus::Delivered,
                    Some(OutcomeKind::Bounced) => PlannedStatus::Bounced,
                    Some(OutcomeKind::Complained) => PlannedStatus::Complained,
                },
                None,
            ),
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
            moved: planned.natural_due.map(|from| Moved {
                from,
                because: "quiet_hours",
            }),
        });
    }
    Ok(out)
}
