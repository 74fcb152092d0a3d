//! The waitlist: a client waiting for a slot of one appointment type (with one staff member, or
//! anyone), within a window they accept. A freed slot that fits is offered to them. An entry
//! expires at `until`; a removed one stays stored (a stream sees the change) but matches nothing.

use super::ids::{InvalidId, id_type};
use super::{AppointmentTypeId, ClientId, StaffId, TenantId, TimeZone};
use crate::settings::LocalTime;
use chrono::{DateTime, Datelike, Utc, Weekday};
use serde::{Deserialize, Serialize};

id_type!(
    /// One waitlist entry.
    WaitlistId,
    "waitlist id"
);

/// A slot that has just become free: who performs it, what it is, when.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
pub struct FreedSlot {
    pub staff: StaffId,
    pub type_id: AppointmentTypeId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Local times of day a client accepts (a slot must start at or after `from` and end at or
/// before `until`, on the wall clock of the entry's zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimeRange {
    pub from: LocalTime,
    pub until: LocalTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaitlistStatus {
    Waiting,
    /// Removed by `DELETE /v1/waitlist/{id}`.
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WaitlistEntry {
    pub tenant: TenantId,
    pub id: WaitlistId,
    pub client_id: ClientId,
    pub type_id: AppointmentTypeId,
    /// `None`: any staff member.
    #[serde(default)]
    pub staff_id: Option<StaffId>,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// Local days of the week accepted (`None`: every day).
    #[serde(default)]
    #[schema(value_type = Option<Vec<crate::schema::WeekdayName>>)]
    pub days: Option<Vec<Weekday>>,
    #[serde(default)]
    pub time_range: Option<TimeRange>,
    /// The zone `days` and `time_range` are read in (the business's unless given).
    pub time_zone: TimeZone,
    pub status: WaitlistStatus,
    pub created_at: DateTime<Utc>,
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidWaitlistEntry {
    #[error("\"until\" must be after \"from\"")]
    EmptyWindow,
    #[error("\"until\" is already past")]
    AlreadyExpired,
    #[error("\"days\" must name at least one day")]
    NoDays,
    #[error("\"time_range\" must end after it starts, on the same day")]
    EmptyTimeRange,
}

impl WaitlistEntry {
    /// Checks what a new entry asks for.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), InvalidWaitlistEntry> {
        if self.until <= self.from {
            return Err(InvalidWaitlistEntry::EmptyWindow);
        }
        if self.until <= now {
            return Err(InvalidWaitlistEntry::AlreadyExpired);
        }
        if self.days.as_ref().is_some_and(Vec::is_empty) {
            return Err(InvalidWaitlistEntry::NoDays);
        }
        if self.time_range.is_some_and(|r| r.until <= r.from) {
            return Err(InvalidWaitlistEntry::EmptyTimeRange);
        }
        Ok(())
    }

    pub fn is_waiting(&self) -> bool {
        self.status == WaitlistStatus::Waiting
    }

    /// Whether the client would take `slot`: same type, same staff member if they named one,
    /// inside the window, on an accepted day and within the accepted hours.
    pub fn accepts(&self, slot: &FreedSlot) -> bool {
        if !self.is_waiting() || slot.type_id != self.type_id {
            return false;
        }
        if self.staff_id.as_ref().is_some_and(|s| *s != slot.staff) {
            return false;
        }
        if slot.start < self.from || slot.end > self.until {
            return false;
        }
        let zone = self.time_zone.tz();
        let (start, end) = (
            slot.start.with_timezone(&zone),
            slot.end.with_timezone(&zone),
        );
        if let Some(days) = &self.days
            && !days.contains(&start.weekday())
        {
            return false;
        }
        if let Some(range) = self.time_range {
            let same_day = start.date_naive() == end.date_naive();
            if !same_day || start.time() < range.from.naive() || end.time() > range.until.naive() {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn id<T: TryFrom<String>>(s: &str) -> T
    where
        T::Error: std::fmt::Debug,
    {
        T::try_from(s.to_owned()).unwrap()
    }

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, d, h, m, 0).unwrap()
    }

    fn entry() -> WaitlistEntry {
        WaitlistEntry {
            tenant: id("salon"),
            id: id("wl_1"),
            client_id: id("ana"),
            type_id: id("cut"),
            staff_id: None,
            from: utc(1, 0, 0),
            until: utc(20, 0, 0),
            days: None,
            time_range: None,
            time_zone: TimeZone::parse("Europe/Paris").unwrap(),
            status: WaitlistStatus::Waiting,
            created_at: utc(1, 0, 0),
            version: 1,
        }
    }

    /// Sam, a "cut", Wednesday 10 June 2026 10:00–10:45 in Paris.
    fn slot() -> FreedSlot {
        FreedSlot {
            staff: id("sam"),
            type_id: id("cut"),
            start: utc(10, 8, 0),
            end: utc(10, 8, 45),
        }
    }

    #[test]
    fn a_slot_of_the_type_inside_the_window_fits() {
        assert!(entry().accepts(&slot()));
        let other_type = FreedSlot {
            type_id: id("colour"),
            ..slot()
        };
        assert!(!entry().accepts(&other_type));
        let expired = WaitlistEntry {
            until: utc(10, 8, 30),
            ..entry()
        };
        assert!(!expired.accepts(&slot()));
        let removed = WaitlistEntry {
            status: WaitlistStatus::Removed,
            ..entry()
        };
        assert!(!removed.accepts(&slot()));
    }

    #[test]
    fn a_named_staff_member_days_and_hours_narrow_what_fits() {
        let with_alex = WaitlistEntry {
            staff_id: Some(id("alex")),
            ..entry()
        };
        assert!(!with_alex.accepts(&slot()));
        let weekends = WaitlistEntry {
            days: Some(vec![Weekday::Sat, Weekday::Sun]),
            ..entry()
        };
        assert!(!weekends.accepts(&slot()));
        let wednesdays = WaitlistEntry {
            days: Some(vec![Weekday::Wed]),
            ..entry()
        };
        assert!(wednesdays.accepts(&slot()));
        let mornings = |from, until| WaitlistEntry {
            time_range: Some(TimeRange {
                from: LocalTime::new(from, 0),
                until: LocalTime::new(until, 0),
            }),
            ..entry()
        };
        // 10:00–10:45 local (08:00 UTC in June).
        assert!(mornings(9, 12).accepts(&slot()));
        assert!(mornings(10, 11).accepts(&slot()));
        assert!(!mornings(11, 13).accepts(&slot()));
        assert!(!mornings(8, 10).accepts(&slot()));
    }

    #[test]
    fn an_entry_that_asks_for_nothing_possible_is_refused() {
        let now = utc(2, 0, 0);
        assert_eq!(entry().check(now), Ok(()));
        let backwards = WaitlistEntry {
            until: utc(1, 0, 0),
            ..entry()
        };
        assert_eq!(backwards.check(now), Err(InvalidWaitlistEntry::EmptyWindow));
        let past = WaitlistEntry {
            until: utc(1, 12, 0),
            ..entry()
        };
        assert_eq!(past.check(now), Err(InvalidWaitlistEntry::AlreadyExpired));
        let no_days = WaitlistEntry {
            days: Some(vec![]),
            ..entry()
        };
        assert_eq!(no_days.check(now), Err(InvalidWaitlistEntry::NoDays));
    }
}
