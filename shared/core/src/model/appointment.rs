//! An appointment and its life cycle. Every change goes through one of the transition methods,
//! which check that the change is allowed, bump `version` and record who acted and whether the
//! client is to be told: the planner reads that record (from the stream's new image) to decide
//! the immediate messages.

use super::{AppointmentId, AppointmentTypeId, ClientId, StaffId, TenantId, TimeZone};
use crate::settings::BookingHorizon;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    /// Booked in manual-approval mode, waiting for the business to accept or refuse.
    Requested,
    /// Held until the client pays.
    AwaitingPayment,
    Confirmed,
    Cancelled,
    Refused,
    Completed,
    NoShow,
}

impl AppointmentStatus {
    /// Still going to happen: it can be moved or cancelled.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            Self::Requested | Self::AwaitingPayment | Self::Confirmed
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::AwaitingPayment => "awaiting_payment",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::Refused => "refused",
            Self::Completed => "completed",
            Self::NoShow => "no_show",
        }
    }
}

/// Where the booking was made: by the client online (widget) or by staff in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Online,
    Staff,
}

/// Who made a change. Alerts to staff and managers are split by it ("client-made" vs
/// "console-made").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Client,
    Staff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Booked,
    Modified,
    Cancelled,
    Accepted,
    Refused,
    Paid,
    Completed,
    NoShow,
    /// A preference that tells nobody anything (earlier-slot offers on or off).
    PreferenceChanged,
    /// The client confirmed they will come (a reply, a link): tells nobody anything.
    AttendanceConfirmed,
    /// A reminder asked the client to confirm: tells nobody anything.
    ConfirmationRequested,
    /// Written by an import (booked or brought up to date): tells nobody anything now — no
    /// confirmation, alert, notice or freed-slot offer — while its timeline (reminders and
    /// later messages) is planned as for any booking.
    Imported,
}

/// The last change made to an appointment, kept on the record itself so that a stream handler
/// seeing only old and new images knows what happened, who did it and whether to tell the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LastChange {
    pub action: ChangeAction,
    pub actor: Actor,
    pub notify_client: bool,
    pub at: DateTime<Utc>,
    /// Made by a bulk import that asked to notify: what it sends now waits in the send
    /// queue's bulk lane, so that a business's own 20,000 import notices never delay its
    /// reminders (absent: false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_bulk: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Appointment {
    pub tenant: TenantId,
    pub id: AppointmentId,
    pub client_id: ClientId,
    pub staff_id: StaffId,
    pub type_id: AppointmentTypeId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Where the appointment takes place: day offsets are counted in this zone.
    pub time_zone: TimeZone,
    pub status: AppointmentStatus,
    pub origin: Origin,
    /// Incremented on every change; used for optimistic concurrency and iCalendar SEQUENCE.
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the date, type or staff last changed (or the booking was made): reminders whose
    /// time was already past at that moment fall under the late-booking policy.
    pub details_changed_at: DateTime<Utc>,
    pub last_change: LastChange,
    /// Whether the client wants to hear of an earlier slot of the same kind (`None`: the
    /// client's default).
    #[serde(default)]
    pub earlier_slot_offers: Option<bool>,
    /// Whether the client said they will come (asked by a reminder, answered by a reply or a
    /// link); absent until a reminder asks or the client answers (a cancel by the client is
    /// their `declined`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_confirmation: Option<super::ClientConfirmation>,
}

/// Longest appointment accepted: longer ones are almost always a typo in the end date.
pub const MAX_DURATION_HOURS: i64 = 24 * 7;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppointmentError {
    #[error("the end must be after the start")]
    EndNotAfterStart,
    #[error("an appointment may last at most {MAX_DURATION_HOURS} hours")]
    TooLong,
    #[error("the start is in the past")]
    StartInPast,
    #[error("the start is more than {0} days ahead (the business's booking horizon)")]
    BeyondHorizon(u32),
    #[error("a new booking must be confirmed, requested or awaiting_payment, not {0}")]
    InvalidInitialStatus(&'static str),
    #[error("cannot {action} an appointment that is {status}")]
    InvalidTransition {
        action: &'static str,
        status: &'static str,
    },
    #[error("the appointment has not started yet: it cannot be marked {0}")]
    NotStartedYet(&'static str),
    #[error("the appointment has begun: it can no longer be confirmed")]
    AlreadyBegun,
}

/// What a booking request asks for, already parsed.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub tenant: TenantId,
    pub id: AppointmentId,
    pub client_id: ClientId,
    pub staff_id: StaffId,
    pub type_id: AppointmentTypeId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub time_zone: TimeZone,
    pub status: AppointmentStatus,
    pub origin: Origin,
    pub notify_client: bool,
    /// The business's booking horizon: how far ahead the start may be.
    pub horizon: BookingHorizon,
    pub earlier_slot_offers: Option<bool>,
}

/// A change of date, type or staff; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct Modification {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub type_id: Option<AppointmentTypeId>,
    pub staff_id: Option<StaffId>,
    /// The business's booking horizon: how far ahead a new start may be.
    pub horizon: BookingHorizon,
}

fn check_times(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
    horizon: BookingHorizon,
) -> Result<(), AppointmentError> {
    if end <= start {
        return Err(AppointmentError::EndNotAfterStart);
    }
    if end - start > Duration::hours(MAX_DURATION_HOURS) {
        return Err(AppointmentError::TooLong);
    }
    if start <= now {
        return Err(AppointmentError::StartInPast);
    }
    if start > horizon.latest_start(now) {
        return Err(AppointmentError::BeyondHorizon(horizon.as_days()));
    }
    Ok(())
}

impl Appointment {
    pub fn book(request: NewBooking, now: DateTime<Utc>) -> Result<Self, AppointmentError> {
        check_times(request.start, request.end, now, request.horizon)?;
        if !request.status.is_active() {
            return Err(AppointmentError::InvalidInitialStatus(
                request.status.as_str(),
            ));
        }
        let actor = match request.origin {
            Origin::Online => Actor::Client,
            Origin::Staff => Actor::Staff,
        };
        Ok(Self {
            tenant: request.tenant,
            id: request.id,
            client_id: request.client_id,
            staff_id: request.staff_id,
            type_id: request.type_id,
            start: request.start,
            end: request.end,
            time_zone: request.time_zone,
            status: request.status,
            origin: request.origin,
            version: 1,
            created_at: now,
            updated_at: now,
            details_changed_at: now,
            last_change: LastChange {
                action: ChangeAction::Booked,
                actor,
                // Online bookings always confirm; staff bookings only when asked.
                notify_client: request.origin == Origin::Online || request.notify_client,
                at: now,
                in_bulk: false,
            },
            earlier_slot_offers: request.earlier_slot_offers,
            client_confirmation: None,
        })
    }

    /// This version as an import writes it: the change tells nobody (see
    /// [`ChangeAction::Imported`]).
    pub fn as_imported(mut self) -> Self {
        self.last_change.action = ChangeAction::Imported;
        self.last_change.notify_client = false;
        self
    }

    /// This version as an import that notifies writes it: announced as a request's would be,
    /// what it sends now waiting in the bulk lane.
    pub fn as_bulk(mut self) -> Self {
        self.last_change.in_bulk = true;
        self
    }

    /// Turns earlier-slot offers on or off for this booking. `None` when nothing changes.
    pub fn with_earlier_slot_offers(
        &self,
        wanted: Option<bool>,
        actor: Actor,
        now: DateTime<Utc>,
    ) -> Result<Option<Self>, AppointmentError> {
        self.require_active("change")?;
        if wanted == self.earlier_slot_offers {
            return Ok(None);
        }
        let mut next = self.next_version(ChangeAction::PreferenceChanged, actor, false, now);
        next.earlier_slot_offers = wanted;
        Ok(Some(next))
    }

    /// The client confirms they will come. `None` when they had already confirmed (a second
    /// "OUI" changes nothing).
    pub fn confirm_attendance(
        &self,
        by: super::ConfirmationChannel,
        now: DateTime<Utc>,
    ) -> Result<Option<Self>, AppointmentError> {
        self.require_active("confirm")?;
        if self.start <= now {
            return Err(AppointmentError::AlreadyBegun);
        }
        if self
            .client_confirmation
            .is_some_and(|c| c.state == super::ConfirmationState::Confirmed)
        {
            return Ok(None);
        }
        let mut next =
            self.next_version(ChangeAction::AttendanceConfirmed, Actor::Client, false, now);
        next.client_confirmation = Some(super::ClientConfirmation {
            state: super::ConfirmationState::Confirmed,
            at: now,
            by,
        });
        Ok(Some(next))
    }

    /// A reminder asked the client to confirm (answerable `by`). `None` when there is nothing
    /// to write: an answer or a request is already there (a request by link gives way to one
    /// answerable by a reply), or the appointment can no longer be answered.
    pub fn confirmation_requested(
        &self,
        by: super::ConfirmationChannel,
        now: DateTime<Utc>,
    ) -> Option<Self> {
        // A request answerable by a reply says so over one answerable by a link only.
        let supersedes = match self.client_confirmation {
            None => true,
            Some(had) => {
                had.state == super::ConfirmationState::Requested
                    && had.by == super::ConfirmationChannel::Link
                    && by == super::ConfirmationChannel::SmsReply
            }
        };
        if !supersedes || !self.status.is_active() || self.start <= now {
            return None;
        }
        // The business asked (through its reminder).
        let mut next = self.next_version(
            ChangeAction::ConfirmationRequested,
            Actor::Staff,
            false,
            now,
        );
        next.client_confirmation = Some(super::ClientConfirmation {
            state: super::ConfirmationState::Requested,
            at: now,
            by,
        });
        Some(next)
    }

    /// This cancellation as the client's "no" to a confirmation request.
    pub fn declined_by_client(
        mut self,
        by: super::ConfirmationChannel,
        now: DateTime<Utc>,
    ) -> Self {
        self.client_confirmation = Some(super::ClientConfirmation {
            state: super::ConfirmationState::Declined,
            at: now,
            by,
        });
        self
    }

    /// Whether this booking asks for earlier-slot offers, given its client's default.
    pub fn wants_earlier_slot(&self, client_default: bool) -> bool {
        self.earlier_slot_offers.unwrap_or(client_default)
    }

    /// The slot this appointment holds, while it holds one (booked, requested or awaiting
    /// payment).
    pub fn slot(&self) -> Option<super::FreedSlot> {
        self.status.is_active().then(|| super::FreedSlot {
            staff: self.staff_id.clone(),
            type_id: self.type_id.clone(),
            start: self.start,
            end: self.end,
        })
    }

    /// Moves the appointment or changes its type or staff. `Ok(None)` when nothing would change.
    pub fn modify(
        &self,
        change: Modification,
        actor: Actor,
        notify_client: bool,
        now: DateTime<Utc>,
    ) -> Result<Option<Self>, AppointmentError> {
        self.require_active("modify")?;
        let start = change.start.unwrap_or(self.start);
        let end = change.end.unwrap_or(self.end);
        let type_id = change.type_id.unwrap_or_else(|| self.type_id.clone());
        let staff_id = change.staff_id.unwrap_or_else(|| self.staff_id.clone());
        if start == self.start
            && end == self.end
            && type_id == self.type_id
            && staff_id == self.staff_id
        {
            return Ok(None);
        }
        check_times(start, end, now, change.horizon)?;
        let mut next = self.next_version(ChangeAction::Modified, actor, notify_client, now);
        next.start = start;
        next.end = end;
        next.type_id = type_id;
        next.staff_id = staff_id;
        next.details_changed_at = now;
        Ok(Some(next))
    }

    pub fn cancel(
        &self,
        actor: Actor,
        notify_client: bool,
        now: DateTime<Utc>,
    ) -> Result<Self, AppointmentError> {
        self.require_active("cancel")?;
        Ok(self.with_status(
            AppointmentStatus::Cancelled,
            ChangeAction::Cancelled,
            actor,
            notify_client,
            now,
        ))
    }

    pub fn accept(&self, now: DateTime<Utc>) -> Result<Self, AppointmentError> {
        self.require(AppointmentStatus::Requested, "accept")?;
        Ok(self.with_status(
            AppointmentStatus::Confirmed,
            ChangeAction::Accepted,
            Actor::Staff,
            true,
            now,
        ))
    }

    pub fn refuse(
        &self,
        notify_client: bool,
        now: DateTime<Utc>,
    ) -> Result<Self, AppointmentError> {
        self.require(AppointmentStatus::Requested, "refuse")?;
        Ok(self.with_status(
            AppointmentStatus::Refused,
            ChangeAction::Refused,
            Actor::Staff,
            notify_client,
            now,
        ))
    }

    pub fn mark_paid(&self, actor: Actor, now: DateTime<Utc>) -> Result<Self, AppointmentError> {
        self.require(AppointmentStatus::AwaitingPayment, "mark as paid")?;
        Ok(self.with_status(
            AppointmentStatus::Confirmed,
            ChangeAction::Paid,
            actor,
            true,
            now,
        ))
    }

    pub fn complete(
        &self,
        notify_client: bool,
        now: DateTime<Utc>,
    ) -> Result<Self, AppointmentError> {
        self.require(AppointmentStatus::Confirmed, "complete")?;
        if self.start > now {
            return Err(AppointmentError::NotStartedYet("completed"));
        }
        Ok(self.with_status(
            AppointmentStatus::Completed,
            ChangeAction::Completed,
            Actor::Staff,
            notify_client,
            now,
        ))
    }

    pub fn mark_no_show(
        &self,
        notify_client: bool,
        now: DateTime<Utc>,
    ) -> Result<Self, AppointmentError> {
        self.require(AppointmentStatus::Confirmed, "mark as no-show")?;
        if self.start > now {
            return Err(AppointmentError::NotStartedYet("no-show"));
        }
        Ok(self.with_status(
            AppointmentStatus::NoShow,
            ChangeAction::NoShow,
            Actor::Staff,
            notify_client,
            now,
        ))
    }

    fn require_active(&self, action: &'static str) -> Result<(), AppointmentError> {
        if self.status.is_active() {
            Ok(())
        } else {
            Err(AppointmentError::InvalidTransition {
                action,
                status: self.status.as_str(),
            })
        }
    }

    fn require(
        &self,
        status: AppointmentStatus,
        action: &'static str,
    ) -> Result<(), AppointmentError> {
        if self.status == status {
            Ok(())
        } else {
            Err(AppointmentError::InvalidTransition {
                action,
                status: self.status.as_str(),
            })
        }
    }

    fn with_status(
        &self,
        status: AppointmentStatus,
        action: ChangeAction,
        actor: Actor,
        notify_client: bool,
        now: DateTime<Utc>,
    ) -> Self {
        let mut next = self.next_version(action, actor, notify_client, now);
        next.status = status;
        next
    }

    fn next_version(
        &self,
        action: ChangeAction,
        actor: Actor,
        notify_client: bool,
        now: DateTime<Utc>,
    ) -> Self {
        let mut next = self.clone();
        next.version = self.version + 1;
        next.updated_at = now;
        // A client acting on their own appointment is always told; staff choose (`notify`).
        let notify_client = actor == Actor::Client || notify_client;
        next.last_change = LastChange {
            action,
            actor,
            notify_client,
            at: now,
            in_bulk: false,
        };
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 4, h, 0, 0).unwrap()
    }

    fn booking(start: DateTime<Utc>, end: DateTime<Utc>) -> NewBooking {
        NewBooking {
            tenant: TenantId::parse("t").unwrap(),
            id: AppointmentId::parse("a").unwrap(),
            client_id: ClientId::parse("c").unwrap(),
            staff_id: StaffId::parse("s").unwrap(),
            type_id: AppointmentTypeId::parse("ty").unwrap(),
            start,
            end,
            time_zone: TimeZone::parse("Europe/Paris").unwrap(),
            status: AppointmentStatus::Confirmed,
            origin: Origin::Online,
            notify_client: true,
            horizon: BookingHorizon::default(),
            earlier_slot_offers: None,
        }
    }

    #[test]
    fn a_booking_must_end_after_it_starts_and_start_in_the_future() {
        assert_eq!(
            Appointment::book(booking(at(10), at(9)), at(8)),
            Err(AppointmentError::EndNotAfterStart)
        );
        assert_eq!(
            Appointment::book(booking(at(10), at(11)), at(12)),
            Err(AppointmentError::StartInPast)
        );
        let ok = Appointment::book(booking(at(10), at(11)), at(8)).unwrap();
        assert_eq!(ok.version, 1);
        assert_eq!(ok.last_change.actor, Actor::Client);
    }

    #[test]
    fn a_booking_or_a_move_beyond_the_business_horizon_is_refused() {
        let year_9999 = Utc.with_ymd_and_hms(9999, 12, 31, 10, 0, 0).unwrap();
        assert_eq!(
            Appointment::book(booking(year_9999, year_9999 + Duration::hours(1)), at(8)),
            Err(AppointmentError::BeyondHorizon(730))
        );
        let in_two_years = at(10) + Duration::days(730);
        assert!(
            Appointment::book(
                booking(in_two_years, in_two_years + Duration::hours(1)),
                at(10)
            )
            .is_ok(),
            "the horizon's last instant is still bookable"
        );
        let mut far = booking(at(10) + Duration::days(1000), at(11) + Duration::days(1000));
        far.horizon = BookingHorizon::days(1500).unwrap();
        assert!(
            Appointment::book(far, at(8)).is_ok(),
            "per business setting"
        );

        let booked = Appointment::book(booking(at(10), at(11)), at(8)).unwrap();
        let move_far = Modification {
            start: Some(year_9999),
            end: Some(year_9999 + Duration::hours(1)),
            ..Default::default()
        };
        assert_eq!(
            booked.modify(move_far, Actor::Staff, true, at(9)),
            Err(AppointmentError::BeyondHorizon(730))
        );
    }

    #[test]
    fn every_change_bumps_the_version_and_records_who_acted() {
        let booked = Appointment::book(booking(at(10), at(11)), at(8)).unwrap();
        let moved = booked
            .modify(
                Modification {
                    start: Some(at(12)),
                    end: Some(at(13)),
                    ..Default::default()
                },
                Actor::Staff,
                false,
                at(9),
            )
            .unwrap()
            .unwrap();
        assert_eq!(moved.version, 2);
        assert_eq!(moved.details_changed_at, at(9));
        assert_eq!(moved.last_change.action, ChangeAction::Modified);
        assert!(!moved.last_change.notify_client);
        let cancelled = moved.cancel(Actor::Client, true, at(9)).unwrap();
        assert_eq!(cancelled.version, 3);
        assert!(cancelled.cancel(Actor::Client, true, at(9)).is_err());
    }

    #[test]
    fn a_client_acting_is_always_told_and_an_online_booking_always_confirms() {
        let mut request = booking(at(10), at(11));
        request.notify_client = false;
        let booked = Appointment::book(request, at(8)).unwrap();
        assert!(booked.last_change.notify_client, "online bookings confirm");
        assert!(
            booked
                .cancel(Actor::Client, false, at(9))
                .unwrap()
                .last_change
                .notify_client
        );
        assert!(
            !booked
                .cancel(Actor::Staff, false, at(9))
                .unwrap()
                .last_change
                .notify_client
        );
    }

    #[test]
    fn a_modification_that_changes_nothing_is_not_a_new_version() {
        let booked = Appointment::book(booking(at(10), at(11)), at(8)).unwrap();
        assert_eq!(
            booked.modify(Modification::default(), Actor::Staff, true, at(9)),
            Ok(None)
        );
    }

    #[test]
    fn only_requests_can_be_accepted_and_only_started_appointments_completed() {
        let booked = Appointment::book(booking(at(10), at(11)), at(8)).unwrap();
        assert!(booked.accept(at(9)).is_err());
        assert_eq!(
            booked.complete(true, at(9)),
            Err(AppointmentError::NotStartedYet("completed"))
        );
        assert_eq!(
            booked.complete(true, at(11)).unwrap().status,
            AppointmentStatus::Completed
        );
    }
}
