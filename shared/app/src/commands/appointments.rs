//! Appointments: book, upsert under the caller's id, move or change, and the life-cycle
//! actions. Each write is one conditional put (a concurrent change is a conflict, never a lost
//! write); the change handler, fed by the store's change feed, plans and sends the rest.

use super::references::{References, check_references};
use super::{CommandError, Upserted, expect_version};
use crate::ApiServices;
use chrono::{DateTime, Utc};
use rappel_core::message::Channel;
use rappel_core::model::{
    Actor, Appointment, AppointmentId, AppointmentStatus, AppointmentTypeId, ClientId,
    ConfirmationChannel, Modification, NewBooking, Origin, StaffId, TenantId, TimeZone,
};
use rappel_core::settings::{BusinessSettings, RetentionSettings};
use rappel_ports::history::CommunicationHistory;
use rappel_ports::records::{Expected, Record, RecordKey, RecordStore, StoredRecord, TypedRecords};

/// What a booking asks for, parsed at the edge; unset fields take the business's defaults.
#[derive(Debug, Clone)]
pub struct Booking {
    pub client_id: ClientId,
    pub staff_id: StaffId,
    pub type_id: AppointmentTypeId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Where it takes place; the business's zone when unset.
    pub time_zone: Option<TimeZone>,
    pub origin: Origin,
    /// Confirmed when unset.
    pub status: Option<AppointmentStatus>,
    /// For staff bookings: tell the client; the business's setting when unset.
    pub notify: Option<bool>,
    pub earlier_slot_offers: Option<bool>,
}

/// Who writes: a request of the API or a link (its change is announced as the business's
/// settings say), an import (it tells nobody; its timeline is planned as for any booking), or
/// an import that notifies (announced as a request's, what it sends now waiting in the bulk
/// lane).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    Request,
    Import,
    NotifyingImport,
}

impl Writer {
    fn mark(self, appointment: Appointment) -> Appointment {
        match self {
            Writer::Request => appointment,
            Writer::Import => appointment.as_imported(),
            Writer::NotifyingImport => appointment.as_bulk(),
        }
    }
}

/// Books a new appointment under `id` (fresh, or the caller's own); the id must be free.
pub async fn book(
    services: &ApiServices,
    tenant: &TenantId,
    id: AppointmentId,
    booking: Booking,
) -> Result<Appointment, CommandError> {
    book_as(services, tenant, id, booking, Writer::Request).await
}

async fn book_as(
    services: &ApiServices,
    tenant: &TenantId,
    id: AppointmentId,
    booking: Booking,
    writer: Writer,
) -> Result<Appointment, CommandError> {
    let records = &services.records;
    let settings = check_references(
        records.as_ref(),
        tenant,
        References {
            client: Some(&booking.client_id),
            staff: Some(&booking.staff_id),
            appointment_type: Some(&booking.type_id),
        },
    )
    .await?;
    let appointment = Appointment::book(
        NewBooking {
            tenant: tenant.clone(),
            id,
            // The core ignores this for online bookings, which always confirm.
            notify_client: booking
                .notify
                .unwrap_or(settings.input.notify_on_staff_booking),
            client_id: booking.client_id,
            staff_id: booking.staff_id,
            type_id: booking.type_id,
            start: booking.start,
            end: booking.end,
            time_zone: booking.time_zone.unwrap_or(settings.input.time_zone),
            status: booking.status.unwrap_or(AppointmentStatus::Confirmed),
            origin: booking.origin,
            horizon: settings.input.booking_horizon_days,
            earlier_slot_offers: booking.earlier_slot_offers,
        },
        services.clock.now(),
    )?;
    let appointment = writer.mark(appointment);
    records
        .put_retained(
            Record::Appointment(appointment.clone()),
            Expected::Absent,
            &settings.input.retention,
            services.clock.now(),
        )
        .await?;
    Ok(appointment)
}

/// The appointment under `id`, or not found.
pub async fn load(
    services: &ApiServices,
    tenant: &TenantId,
    id: &AppointmentId,
) -> Result<Appointment, CommandError> {
    services
        .records
        .appointment(tenant, id)
        .await?
        .ok_or(CommandError::NotFound("appointment"))
}

/// Books under the caller's own id, or brings the appointment stored there to what `booking`
/// says: a move, another type or staff member, earlier-slot offers. The client, zone and status
/// of a stored appointment are not changed this way (the actions change a status). Sending the
/// same booking again changes nothing and tells nobody.
pub async fn put_appointment(
    services: &ApiServices,
    tenant: &TenantId,
    id: AppointmentId,
    booking: Booking,
    expected_version: Option<u64>,
) -> Result<Upserted<Appointment>, CommandError> {
    put_appointment_as(
        services,
        tenant,
        id,
        booking,
        expected_version,
        Writer::Request,
    )
    .await
}

/// [`put_appointment`] by `writer`.
pub async fn put_appointment_as(
    services: &ApiServices,
    tenant: &TenantId,
    id: AppointmentId,
    booking: Booking,
    expected_version: Option<u64>,
    writer: Writer,
) -> Result<Upserted<Appointment>, CommandError> {
    let Some(current) = services.records.appointment(tenant, &id).await? else {
        if let Some(expected) = expected_version.filter(|v| *v != 0) {
            return Err(CommandError::VersionConflict {
                what: "appointment",
                current: 0,
                expected,
            });
        }
        return Ok(Upserted::Created(
            book_as(services, tenant, id, booking, writer).await?,
        ));
    };
    expect_version("appointment", current.version, expected_version)?;
    // What a put cannot change: the client, the zone, and a status (the actions change it).
    let fixed = [
        (
            booking.client_id != current.client_id,
            "client_id: an appointment's client cannot change (cancel it and book anew)",
        ),
        (
            booking
                .time_zone
                .is_some_and(|zone| zone != current.time_zone),
            "time_zone: an appointment's zone cannot change (cancel it and book anew)",
        ),
        (
            booking
                .status
                .is_some_and(|status| status != current.status),
            "status: a stored appointment's status changes through its actions (cancel, accept, …)",
        ),
    ];
    if let Some((_, why)) = fixed.into_iter().find(|(differs, _)| *differs) {
        return Err(CommandError::invalid("immutable_field", why));
    }
    // Only what differs is a change: the same booking sent again is no move.
    let change = AppointmentChange {
        start: (booking.start != current.start).then_some(booking.start),
        end: (booking.end != current.end).then_some(booking.end),
        type_id: (booking.type_id != current.type_id).then(|| booking.type_id.clone()),
        staff_id: (booking.staff_id != current.staff_id).then(|| booking.staff_id.clone()),
        actor: Actor::Staff,
        notify: booking.notify.unwrap_or(true),
        earlier_slot_offers: booking
            .earlier_slot_offers
            .filter(|wanted| current.earlier_slot_offers != Some(*wanted)),
        expected_version: None,
    };
    let next = apply_change(services, tenant, &current, change, writer).await?;
    Ok(match next {
        Some(next) => Upserted::Updated(next),
        None => Upserted::Unchanged(current),
    })
}

/// A move or change of an appointment; unset fields stay as they are.
#[derive(Debug, Clone)]
pub struct AppointmentChange {
    pub start: Option<DateTime<Utc>>,
    /// Keeps the duration when only `start` moves.
    pub end: Option<DateTime<Utc>>,
    pub type_id: Option<AppointmentTypeId>,
    pub staff_id: Option<StaffId>,
    pub actor: Actor,
    /// Tell the client of the move.
    pub notify: bool,
    /// Earlier-slot offers on or off for this booking (tells nobody).
    pub earlier_slot_offers: Option<bool>,
    pub expected_version: Option<u64>,
}

/// Moves or changes the appointment; answers it as saved (unchanged when nothing changed).
pub async fn modify(
    services: &ApiServices,
    tenant: &TenantId,
    id: &AppointmentId,
    change: AppointmentChange,
) -> Result<Appointment, CommandError> {
    let current = load(services, tenant, id).await?;
    expect_version("appointment", current.version, change.expected_version)?;
    let next = apply_change(services, tenant, &current, change, Writer::Request).await?;
    Ok(next.unwrap_or(current))
}

/// The change written, or `None` when it changes nothing.
async fn apply_change(
    services: &ApiServices,
    tenant: &TenantId,
    current: &Appointment,
    change: AppointmentChange,
    writer: Writer,
) -> Result<Option<Appointment>, CommandError> {
    let settings = check_references(
        services.records.as_ref(),
        tenant,
        References {
            client: None,
            staff: change.staff_id.as_ref(),
            appointment_type: change.type_id.as_ref(),
        },
    )
    .await?;
    let end = change
        .end
        .or_else(|| change.start.map(|s| s + (current.end - current.start)));
    let modification = Modification {
        start: change.start,
        end,
        type_id: change.type_id,
        staff_id: change.staff_id,
        horizon: settings.input.booking_horizon_days,
    };
    let now = services.clock.now();
    let modified = current.modify(modification, change.actor, change.notify, now)?;
    // One write for both: the flag rides on a move, or is a change of its own.
    let next = match (modified, change.earlier_slot_offers) {
        (Some(mut next), Some(flag)) => {
            next.earlier_slot_offers = Some(flag);
            Some(next)
        }
        (Some(next), None) => Some(next),
        (None, Some(flag)) => current.with_earlier_slot_offers(Some(flag), change.actor, now)?,
        (None, None) => None,
    };
    let next = next.map(|next| writer.mark(next));
    if let Some(next) = &next {
        services
            .records
            .put_retained(
                Record::Appointment(next.clone()),
                Expected::Version(current.version),
                &settings.input.retention,
                now,
            )
            .await?;
    }
    Ok(next)
}

/// The life-cycle actions (`POST /v1/appointments/{id}/{action}`, the client's cancel link,
/// later an SMS reply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "kebab-case")]
pub enum AppointmentAction {
    Cancel,
    Accept,
    Refuse,
    Complete,
    NoShow,
    Paid,
}

impl AppointmentAction {
    /// The action a path segment names (`cancel`, `no-show`, …).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "cancel" => Self::Cancel,
            "accept" => Self::Accept,
            "refuse" => Self::Refuse,
            "complete" => Self::Complete,
            "no-show" => Self::NoShow,
            "paid" => Self::Paid,
            _ => return None,
        })
    }
}

/// Who acts, whether the client is told, and the version the caller saw.
#[derive(Debug, Clone, Copy)]
pub struct ActionBy {
    pub actor: Actor,
    pub notify: bool,
    pub expected_version: Option<u64>,
}

/// One life-cycle action on the stored appointment (read with the business's settings, in one
/// round trip: the write states their retention again).
pub async fn act(
    services: &ApiServices,
    tenant: &TenantId,
    id: &AppointmentId,
    action: AppointmentAction,
    by: ActionBy,
) -> Result<Appointment, CommandError> {
    let keys = [Appointment::key_of(tenant, id), RecordKey::settings(tenant)];
    let mut found = services
        .records
        .get_many(&keys)
        .await?
        .into_iter()
        .flatten();
    let (current, retention) = match (found.next(), found.next()) {
        (Some(Record::Appointment(current)), settings) => {
            let retention = match settings {
                Some(Record::Settings(settings)) => settings.input.retention,
                _ => RetentionSettings::default(),
            };
            (current, retention)
        }
        _ => return Err(CommandError::NotFound("appointment")),
    };
    expect_version("appointment", current.version, by.expected_version)?;
    act_on(services, &current, action, by, &retention).await
}

/// One life-cycle action on the appointment as the caller read it, written only if nobody
/// changed it meanwhile.
async fn act_on(
    services: &ApiServices,
    current: &Appointment,
    action: AppointmentAction,
    by: ActionBy,
    retention: &RetentionSettings,
) -> Result<Appointment, CommandError> {
    let (actor, notify) = (by.actor, by.notify);
    let now = services.clock.now();
    let next = match action {
        AppointmentAction::Cancel => current.cancel(actor, notify, now)?,
        AppointmentAction::Accept => current.accept(now)?,
        AppointmentAction::Refuse => current.refuse(notify, now)?,
        AppointmentAction::Complete => current.complete(notify, now)?,
        AppointmentAction::NoShow => current.mark_no_show(notify, now)?,
        AppointmentAction::Paid => current.mark_paid(actor, now)?,
    };
    write_over(services.records.as_ref(), current, next, retention, now).await
}

/// Writes `next` over the version the caller read, kept as the business's `retention` says.
async fn write_over(
    records: &dyn RecordStore,
    current: &Appointment,
    next: Appointment,
    retention: &RetentionSettings,
    now: DateTime<Utc>,
) -> Result<Appointment, CommandError> {
    records
        .put_retained(
            Record::Appointment(next.clone()),
            Expected::Version(current.version),
            retention,
            now,
        )
        .await?;
    Ok(next)
}

/// How a client answered a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAnswer {
    /// The cancel link in a message.
    Link,
    /// A reply to an SMS.
    SmsReply,
}

impl ClientAnswer {
    fn reason(self) -> &'static str {
        match self {
            Self::Link => "cancel_link",
            Self::SmsReply => "sms_reply",
        }
    }

    fn key_prefix(self) -> &'static str {
        match self {
            Self::Link => "cancel-link",
            Self::SmsReply => "cancel-sms-reply",
        }
    }

    fn channel(self) -> (Channel, ConfirmationChannel) {
        match self {
            Self::Link => (Channel::Email, ConfirmationChannel::Link),
            Self::SmsReply => (Channel::Sms, ConfirmationChannel::SmsReply),
        }
    }
}

/// The client's cancel through a message's link or by a reply: the same action as the API's,
/// by the client, told to everyone it concerns (notices, withdrawals, waitlist offers) — then
/// the client's own history entry (and so its `client.cancelled_appointment` event), as an
/// unsubscribe is. The appointment is cancelled either way: a history that cannot be written
/// is logged.
pub async fn cancel_by_client(
    records: &dyn RecordStore,
    history: &dyn CommunicationHistory,
    now: DateTime<Utc>,
    (current, settings): (&Appointment, &BusinessSettings),
    how: ClientAnswer,
) -> Result<Appointment, CommandError> {
    let retention = &settings.input.retention;
    use rappel_core::message::{MessageKind, Recipient, Subject};
    use rappel_ports::history::{CommunicationRecord, CommunicationStatus};
    let (channel, answered_by) = how.channel();
    let next = current
        .cancel(Actor::Client, true, now)?
        .declined_by_client(answered_by, now);
    let cancelled = write_over(records, current, next, retention, now).await?;
    let (tenant, id, client) = (&current.tenant, &current.id, &current.client_id);
    let entry = CommunicationRecord {
        tenant: tenant.clone(),
        about: Subject::Appointment(id.clone()),
        client: Some(client.clone()),
        message_key: format!("{}/{tenant}/{id}", how.key_prefix()),
        kind: MessageKind::Cancelled,
        recipient: Recipient::Client(client.clone()),
        channel,
        due: now,
        recorded_at: now,
        status: CommunicationStatus::CancelledByClient,
        reason: Some(how.reason().into()),
        subject: None,
        provider_message_id: None,
        sms: None,
        kept_until: Some(retention.history_kept_until(now)),
    };
    if let Err(error) = history.record(entry).await {
        tracing::warn!(%error, "cancelled by the client, but the history entry could not be written");
    }
    Ok(cancelled)
}

/// The client confirms they will come (a reply, a link). A second confirm writes nothing.
pub async fn confirm_by_client(
    records: &dyn RecordStore,
    now: DateTime<Utc>,
    (current, settings): (&Appointment, &BusinessSettings),
    by: ConfirmationChannel,
) -> Result<Appointment, CommandError> {
    let retention = &settings.input.retention;
    match current.confirm_attendance(by, now)? {
        Some(next) => write_over(records, current, next, retention, now).await,
        None => Ok(current.clone()),
    }
}
