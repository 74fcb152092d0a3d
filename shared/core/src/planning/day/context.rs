//! Everything a day's digest depends on.

use crate::message::{MessageKind, Recipient, Subject};
use crate::model::time_zone::resolve_local;
use crate::model::{
    Appointment, AppointmentStatus, AppointmentType, Client, StaffId, StaffMember, TimeZone,
};
use crate::planning::ContactPoint;
use crate::settings::{BusinessSettings, Manager};
use chrono::{DateTime, Days, NaiveDate, Utc};

/// Who a digest is for.
#[derive(Debug, Clone, Copy)]
pub enum DayRecipient<'a> {
    /// Their own appointments.
    Staff(&'a StaffMember),
    /// The whole business's.
    Manager(&'a Manager),
}

/// Rows of the day a digest lists at most, earliest first; the rest are counted ("and 1,950
/// more", with the business's agenda link). The loader keeps only these in memory.
pub const DIGEST_ROWS: usize = 50;

/// Staff members whose counts a manager's digest lists at most (the busiest first).
pub const DIGEST_STAFF_COUNTS: usize = 30;

/// What the whole day holds when `appointments` are only its first rows: the loader reads a
/// busy day page by page, counting every appointment a digest lists and keeping
/// [`DIGEST_ROWS`] of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayTotals {
    /// Appointments the digest lists (cancelled and refused ones left out).
    pub count: usize,
    /// The same, per staff member.
    pub by_staff: Vec<(StaffId, usize)>,
}

#[derive(Debug, Clone, Copy)]
pub struct DayContext<'a> {
    pub settings: &'a BusinessSettings,
    pub recipient: DayRecipient<'a>,
    /// The day covered, in the recipient's zone.
    pub date: NaiveDate,
    /// Appointments starting that day (any status; cancelled ones are left out here) — the
    /// whole day, or its first rows when `totals` says what the rest holds.
    pub appointments: &'a [Appointment],
    /// The whole day's counts when `appointments` are only its first rows.
    pub totals: Option<&'a DayTotals>,
    /// What names them: their clients, types and staff members.
    pub clients: &'a [Client],
    pub types: &'a [AppointmentType],
    pub staff: &'a [StaffMember],
}

/// Local midnight to the next local midnight of `date` in `zone`, in UTC (23 or 25 hours on
/// the days the clocks change).
pub fn day_bounds(date: NaiveDate, zone: TimeZone) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = resolve_local(zone.tz(), date.and_time(chrono::NaiveTime::MIN));
    let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
    let end = resolve_local(zone.tz(), next.and_time(chrono::NaiveTime::MIN));
    (start, end)
}

impl<'a> DayContext<'a> {
    pub fn zone(&self) -> TimeZone {
        match self.recipient {
            DayRecipient::Staff(s) => s.time_zone,
            DayRecipient::Manager(m) => m.time_zone,
        }
    }

    pub fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        day_bounds(self.date, self.zone())
    }

    pub fn as_recipient(&self) -> Recipient {
        match self.recipient {
            DayRecipient::Staff(s) => Recipient::Staff(s.id.clone()),
            DayRecipient::Manager(m) => Recipient::Manager(m.id.clone()),
        }
    }

    pub fn kind(&self) -> MessageKind {
        match self.recipient {
            DayRecipient::Staff(_) => MessageKind::StaffDigest,
            DayRecipient::Manager(_) => MessageKind::ManagerDigest,
        }
    }

    pub fn subject(&self) -> Subject {
        match self.recipient {
            DayRecipient::Staff(s) => Subject::StaffDay {
                staff: s.id.clone(),
                date: self.date,
            },
            DayRecipient::Manager(m) => Subject::ManagerDay {
                manager: m.id.clone(),
                date: self.date,
            },
        }
    }

    /// Whether the settings send this recipient a digest at all.
    pub fn enabled(&self) -> bool {
        let digest = &self.settings.input.notifications.digest;
        match self.recipient {
            DayRecipient::Staff(_) => digest.staff,
            DayRecipient::Manager(_) => digest.managers,
        }
    }

    /// What the digest lists, earliest first: the day's appointments (the recipient's own for
    /// a staff member), cancelled and refused ones left out — of the rows loaded.
    pub fn listed(&self) -> Vec<&'a Appointment> {
        let mut listed: Vec<&Appointment> =
            self.appointments.iter().filter(|a| self.lists(a)).collect();
        listed.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
        listed
    }

    /// Whether the digest lists this appointment: of its day, live, the recipient's own for a
    /// staff member. (The loader counts the whole day with it.)
    pub fn lists(&self, a: &Appointment) -> bool {
        let (from, until) = self.bounds();
        a.start >= from
            && a.start < until
            && !matches!(
                a.status,
                AppointmentStatus::Cancelled | AppointmentStatus::Refused
            )
            && match self.recipient {
                DayRecipient::Staff(s) => a.staff_id == s.id,
                DayRecipient::Manager(_) => true,
            }
    }

    /// How many appointments the digest lists, the whole day.
    pub fn count(&self) -> usize {
        match self.totals {
            Some(totals) => totals.count,
            None => self.listed().len(),
        }
    }

    /// The day's appointments per staff member, the busiest first (ties by id).
    pub fn staff_counts(&self) -> Vec<(StaffId, usize)> {
        let mut counts: Vec<(StaffId, usize)> = match self.totals {
            Some(totals) => totals.by_staff.clone(),
            None => {
                let mut by_staff: std::collections::BTreeMap<StaffId, usize> =
                    std::collections::BTreeMap::new();
                for a in self.listed() {
                    *by_staff.entry(a.staff_id.clone()).or_default() += 1;
                }
                by_staff.into_iter().collect()
            }
        };
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
    }

    pub fn contact(&self, recipient: &Recipient) -> Option<ContactPoint<'a>> {
        match (self.recipient, recipient) {
            (DayRecipient::Staff(s), Recipient::Staff(id)) if s.id == *id => {
                Some(ContactPoint::of_staff(s, self.settings))
            }
            (DayRecipient::Manager(m), Recipient::Manager(id)) if m.id == *id => {
                Some(ContactPoint::of_manager(m, self.settings))
            }
            _ => None,
        }
    }
}
