//! The embedded scheduler: one-shot entries kept in order of due time, and recurring ones with
//! their next firing; the local runtime asks for the next due firing as its clock moves and
//! puts its request on the send queue.

use super::{ScheduleEntry, ScheduleError, Schedules, SendRequest};
use crate::journal::{Durable, Journaled};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::message::{RecurringSchedule, ScheduleName};
use rappel_core::planning::day::next_firing;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;

/// A recurring schedule and its next firing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PendingRecurring {
    pub schedule: RecurringSchedule,
    pub next: DateTime<Utc>,
}

/// One firing due: what to put on the send queue, scheduled for `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    pub name: ScheduleName,
    pub at: DateTime<Utc>,
    pub request: SendRequest,
}

#[derive(Default, Serialize, Deserialize)]
struct Saved {
    one_shot: Vec<ScheduleEntry>,
    recurring: Vec<PendingRecurring>,
}

/// A change as the journal keeps it.
#[derive(Serialize, Deserialize)]
enum Change {
    Create(ScheduleEntry),
    CreateRecurring(PendingRecurring),
    Delete(ScheduleName),
    /// The firing of `name` at `at` was handled.
    Fired {
        name: ScheduleName,
        at: DateTime<Utc>,
    },
}

#[derive(Default)]
struct State {
    one_shot: BTreeMap<ScheduleName, ScheduleEntry>,
    /// The one-shot entries in firing order, so the next due one is found without walking
    /// them all (a business with months of reminders ahead holds thousands). Recurring
    /// schedules are a few per business and are walked.
    due_order: BTreeSet<(DateTime<Utc>, ScheduleName)>,
    recurring: BTreeMap<ScheduleName, PendingRecurring>,
}

impl State {
    /// Keeps an existing entry of the same name (schedule creation is idempotent by name).
    fn add_one_shot(&mut self, entry: ScheduleEntry) {
        if !self.one_shot.contains_key(&entry.name) {
            self.due_order.insert((entry.due, entry.name.clone()));
            self.one_shot.insert(entry.name.clone(), entry);
        }
    }

    fn remove_one_shot(&mut self, name: &ScheduleName) -> bool {
        match self.one_shot.remove(name) {
            Some(entry) => self.due_order.remove(&(entry.due, entry.name)),
            None => false,
        }
    }

    /// Whether handling the firing of `name` at `at` changes anything.
    fn fires(&self, name: &ScheduleName, at: DateTime<Utc>) -> bool {
        self.one_shot.contains_key(name) || self.recurring.get(name).is_some_and(|r| r.next == at)
    }
}

impl Journaled for State {
    type Saved = Saved;
    type Change = Change;

    fn restore(saved: Saved) -> Self {
        let mut state = State {
            recurring: saved
                .recurring
                .into_iter()
                .map(|r| (r.schedule.name.clone(), r))
                .collect(),
            ..State::default()
        };
        for entry in saved.one_shot {
            state.add_one_shot(entry);
        }
        state
    }

    fn saved(&self) -> impl Serialize + '_ {
        Saved {
            one_shot: self.one_shot.values().cloned().collect(),
            recurring: self.recurring.values().cloned().collect(),
        }
    }

    fn apply(&mut self, change: Change) {
        match change {
            Change::Create(entry) => self.add_one_shot(entry),
            Change::CreateRecurring(pending) => {
                self.recurring
                    .entry(pending.schedule.name.clone())
                    .or_insert(pending);
            }
            Change::Delete(name) => {
                self.remove_one_shot(&name);
                self.recurring.remove(&name);
            }
            Change::Fired { name, at } => {
                if !self.remove_one_shot(&name)
                    && let Some(r) = self.recurring.get_mut(&name)
                    && r.next == at
                {
                    r.next = next_firing(r.schedule.at, r.schedule.zone, at);
                }
            }
        }
    }
}

pub struct InProcessScheduler {
    state: Mutex<Durable<State>>,
}

impl InProcessScheduler {
    pub fn in_memory() -> Self {
        Self {
            state: Mutex::new(Durable::in_memory(State::default())),
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self {
            state: Mutex::new(Durable::open(path)?),
        })
    }

    /// All pending one-shot entries, earliest first.
    pub fn list(&self) -> Vec<ScheduleEntry> {
        let state = lock(&self.state);
        state
            .due_order
            .iter()
            .filter_map(|(_, name)| state.one_shot.get(name).cloned())
            .collect()
    }

    /// All recurring schedules with their next firing, by name.
    pub fn list_recurring(&self) -> Vec<PendingRecurring> {
        lock(&self.state).recurring.values().cloned().collect()
    }

    /// The earliest firing due at or before `until`, left in place: it is taken off by
    /// [`Self::fired`] once handled, so a process stopped mid-firing fires it again after a
    /// restart (the delivery ledger makes that harmless), as EventBridge Scheduler retries a
    /// target that did not answer.
    pub fn next_due(&self, until: DateTime<Utc>) -> Option<Firing> {
        self.next_due_except(until, &[])
    }

    /// [`Self::next_due`], passing over `handled`: firings queued already and to be marked
    /// fired together, behind one barrier ([`Self::fired_all`]).
    pub fn next_due_except(&self, until: DateTime<Utc>, handled: &[Firing]) -> Option<Firing> {
        let handled: std::collections::HashSet<(&ScheduleName, DateTime<Utc>)> =
            handled.iter().map(|f| (&f.name, f.at)).collect();
        let is_handled = |name: &ScheduleName, at: DateTime<Utc>| handled.contains(&(name, at));
        let state = lock(&self.state);
        let one_shot = state
            .due_order
            .iter()
            .take_while(|(due, _)| *due <= until)
            .find(|(due, name)| !is_handled(name, *due))
            .and_then(|(_, name)| state.one_shot.get(name))
            .map(|e| Firing {
                name: e.name.clone(),
                at: e.due,
                request: e.request(),
            });
        let recurring = state
            .recurring
            .values()
            .filter(|r| r.next <= until && !is_handled(&r.schedule.name, r.next))
            .min_by(|a, b| (a.next, &a.schedule.name).cmp(&(b.next, &b.schedule.name)))
            .map(|r| Firing {
                name: r.schedule.name.clone(),
                at: r.next,
                request: SendRequest::Digest {
                    trigger: r.schedule.trigger.clone(),
                    fired_at: r.next,
                },
            });
        match (one_shot, recurring) {
            (Some(a), Some(b)) => Some(if (b.at, &b.name) < (a.at, &a.name) {
                b
            } else {
                a
            }),
            (a, b) => a.or(b),
        }
    }

    /// [`Self::fired`] for each of `firings`, in order, their requests synced on the send
    /// queue first by one barrier (one for all, where `fired` makes one each).
    pub fn fired_all(&self, firings: &[Firing]) {
        crate::journal::barrier_before_consuming(&self.state, "schedules");
        self.fired_all_synced(firings);
    }

    /// [`Self::fired_all`] for a caller that has just passed a barrier of the store's domain
    /// after queueing them.
    pub fn fired_all_synced(&self, firings: &[Firing]) {
        let mut state = lock(&self.state);
        for firing in firings {
            if state.fires(&firing.name, firing.at) {
                let change = Change::Fired {
                    name: firing.name.clone(),
                    at: firing.at,
                };
                state.change_or_log(change, "schedules");
            }
        }
    }

    /// A firing was handled (queued): a one-shot schedule is done (`ActionAfterCompletion:
    /// DELETE` on AWS); a recurring one moves to its next day.
    pub fn fired(&self, firing: &Firing) {
        // Its request on the send queue synced before the schedule is gone.
        crate::journal::barrier_before_consuming(&self.state, "schedules");
        let mut state = lock(&self.state);
        if state.fires(&firing.name, firing.at) {
            let change = Change::Fired {
                name: firing.name.clone(),
                at: firing.at,
            };
            state.change_or_log(change, "schedules");
        }
    }
}

#[async_trait]
impl Schedules for InProcessScheduler {
    async fn create(&self, entry: ScheduleEntry) -> Result<(), ScheduleError> {
        let mut state = lock(&self.state);
        // Creation is idempotent by name: an existing entry is kept and nothing is written.
        if !state.one_shot.contains_key(&entry.name) {
            state.change_or_log(Change::Create(entry), "schedules");
        }
        Ok(())
    }

    async fn create_recurring(
        &self,
        schedule: &RecurringSchedule,
        starts: DateTime<Utc>,
    ) -> Result<(), ScheduleError> {
        let mut state = lock(&self.state);
        if !state.recurring.contains_key(&schedule.name) {
            let pending = PendingRecurring {
                schedule: schedule.clone(),
                next: next_firing(schedule.at, schedule.zone, starts),
            };
            state.change_or_log(Change::CreateRecurring(pending), "schedules");
        }
        Ok(())
    }

    async fn delete(&self, name: &ScheduleName) -> Result<(), ScheduleError> {
        let mut state = lock(&self.state);
        if state.one_shot.contains_key(name) || state.recurring.contains_key(name) {
            state.change_or_log(Change::Delete(name.clone()), "schedules");
        }
        Ok(())
    }
}

crate::compact_by!(InProcessScheduler, state);

#[cfg(test)]
mod tests {
    use super::*;
    use rappel_core::message::{
        Channel, DigestTrigger, MessageKey, MessageKind, Recipient, Subject,
    };
    use rappel_core::model::{AppointmentId, ClientId, StaffId, TenantId, TimeZone};
    use rappel_core::settings::LocalTime;

    fn entry(minute: u32) -> ScheduleEntry {
        entry_of("a", minute)
    }

    /// A reminder of `appointment` due at 09:`minute`.
    fn entry_of(appointment: &str, minute: u32) -> ScheduleEntry {
        use chrono::TimeZone;
        ScheduleEntry::for_key(&MessageKey {
            tenant: TenantId::parse("t").unwrap(),
            subject: Subject::Appointment(AppointmentId::parse(appointment).unwrap()),
            kind: MessageKind::Reminder,
            ordinal: 1,
            recipient: Recipient::Client(ClientId::parse("c").unwrap()),
            channel: Channel::Email,
            due: Utc.with_ymd_and_hms(2026, 3, 26, 9, minute, 0).unwrap(),
        })
    }

    #[tokio::test]
    async fn a_schedule_stays_on_disk_until_its_firing_was_handled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schedules.json");
        let scheduler = InProcessScheduler::persisted(&path).unwrap();
        scheduler.create(entry(0)).await.unwrap();
        let due = scheduler.next_due(entry(5).due).unwrap();

        // Stopped here, mid-firing: a restart still has it.
        let restarted = InProcessScheduler::persisted(&path).unwrap();
        assert_eq!(restarted.list().len(), 1);

        scheduler.fired(&due);
        let restarted = InProcessScheduler::persisted(&path).unwrap();
        assert!(restarted.list().is_empty());
    }

    #[tokio::test]
    async fn firings_queued_in_one_window_are_each_offered_once_then_marked_fired_together() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schedules.json");
        let scheduler = InProcessScheduler::persisted(&path).unwrap();
        for (appointment, minute) in [("a10", 10), ("a20", 20), ("a40", 40)] {
            scheduler
                .create(entry_of(appointment, minute))
                .await
                .unwrap();
        }
        let mut window = Vec::new();
        while let Some(firing) = scheduler.next_due_except(entry(35).due, &window) {
            window.push(firing);
        }
        assert_eq!(
            window.iter().map(|f| f.at).collect::<Vec<_>>(),
            vec![entry(10).due, entry(20).due],
            "each due firing once, earliest first"
        );
        // Until marked, they are still there: a stop now fires them again.
        assert_eq!(
            InProcessScheduler::persisted(&path).unwrap().list().len(),
            3
        );

        scheduler.fired_all(&window);

        assert!(scheduler.next_due(entry(35).due).is_none());
        let left: Vec<_> = InProcessScheduler::persisted(&path)
            .unwrap()
            .list()
            .into_iter()
            .map(|e| e.due)
            .collect();
        assert_eq!(left, vec![entry(40).due]);
    }

    #[tokio::test]
    async fn one_shot_schedules_fire_earliest_first_and_a_deleted_or_fired_one_never_again() {
        let scheduler = InProcessScheduler::in_memory();
        for (appointment, minute) in [("a30", 30), ("a10", 10), ("a20", 20), ("a40", 40)] {
            scheduler
                .create(entry_of(appointment, minute))
                .await
                .unwrap();
        }
        // Created again (a retried stream batch): still one firing.
        scheduler.create(entry_of("a20", 20)).await.unwrap();
        scheduler.delete(&entry_of("a10", 10).name).await.unwrap();
        let mut fired = Vec::new();
        while let Some(firing) = scheduler.next_due(entry(35).due) {
            fired.push(firing.at);
            scheduler.fired(&firing);
        }
        assert_eq!(fired, vec![entry(20).due, entry(30).due]);
        let left: Vec<_> = scheduler.list().into_iter().map(|e| e.due).collect();
        assert_eq!(left, vec![entry(40).due]);
    }

    #[tokio::test]
    async fn a_recurring_schedule_fires_daily_at_its_local_time_and_survives_a_restart() {
        use chrono::TimeZone as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schedules.json");
        let scheduler = InProcessScheduler::persisted(&path).unwrap();
        let daily = RecurringSchedule::new(
            DigestTrigger {
                tenant: TenantId::parse("t").unwrap(),
                recipient: Recipient::Staff(StaffId::parse("sam").unwrap()),
            },
            LocalTime::parse("07:00").unwrap(),
            TimeZone::parse("Europe/Paris").unwrap(),
        );
        let created = Utc.with_ymd_and_hms(2026, 3, 27, 12, 0, 0).unwrap();
        scheduler.create_recurring(&daily, created).await.unwrap();
        let mut firings = Vec::new();
        let until = Utc.with_ymd_and_hms(2026, 3, 30, 12, 0, 0).unwrap();
        while let Some(firing) = scheduler.next_due(until) {
            firings.push(firing.at);
            scheduler.fired(&firing);
        }
        assert_eq!(
            firings,
            vec![
                Utc.with_ymd_and_hms(2026, 3, 28, 6, 0, 0).unwrap(), // 07:00 CET
                Utc.with_ymd_and_hms(2026, 3, 29, 5, 0, 0).unwrap(), // 07:00 CEST
                Utc.with_ymd_and_hms(2026, 3, 30, 5, 0, 0).unwrap(),
            ]
        );
        let restarted = InProcessScheduler::persisted(&path).unwrap();
        let pending = restarted.list_recurring();
        assert_eq!(pending.len(), 1);
        assert_eq!(
            pending[0].next,
            Utc.with_ymd_and_hms(2026, 3, 31, 5, 0, 0).unwrap()
        );
        restarted.delete(&daily.name).await.unwrap();
        assert!(restarted.list_recurring().is_empty());
    }
}
