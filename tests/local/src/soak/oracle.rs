//! The soak's oracle. It knows nothing of the delivery path (change feed, schedules, queue,
//! ledger, retries, restarts): from the sequence of states the record store accepted (the
//! write log) it works out, with the product's own pure rules (`rappel_core::planning`), every
//! message that had to go out by the end and what any message sent was worth at the instant it
//! was sent; then it holds the outbox and the history against that.
//!
//! - a timeline message (a reminder) had to go out if, at the instant it was due, the plan of
//!   the state then in force held it, deliverable;
//! - a change message (a confirmation, a notice) had to go out if the change that made it
//!   planned it, deliverable;
//! - **lost**: had to go out, and neither sent nor recorded in the history (suppressed, stale
//!   or failed — a decision someone can read);
//! - **duplicate**: sent twice (two outbox entries of one message); an offer the idempotent
//!   outbox answered from its first receipt is counted apart, as a hit of the documented
//!   window (SES or SNS would have sent it twice);
//! - **stale**: sent although the product's send-time verdict, given the true state at that
//!   instant, would not have sent it.

use chrono::{DateTime, Utc};
use rappel_core::message::{Disposition, MessageKey, Subject, Verdict};
use rappel_core::model::{Appointment, AppointmentType, Client, StaffMember, TenantId};
use rappel_core::planning::{AppointmentContext, change_messages, timeline, verdict};
use rappel_core::settings::BusinessSettings;
use rappel_ports::delivery::OutboxEntry;
use rappel_ports::history::{CommunicationRecord, CommunicationStatus};
use rappel_ports::records::Record;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What the oracle found.
#[derive(Debug, Default, Clone)]
pub struct Judgement {
    /// Messages that had to go out.
    pub required: usize,
    pub sent: usize,
    /// Had to go out, not sent, and the history says why (suppressed, stale, failed).
    pub recorded_not_sent: usize,
    pub lost: Vec<String>,
    /// Sent twice: two outbox entries of one message.
    pub duplicates: Vec<String>,
    /// The documented window, hit: a message offered again after the provider had accepted
    /// it (its ledger entry could not be settled). The local outbox answered with its first
    /// receipt; SES or SNS, which keep no idempotency key, would have sent it twice.
    pub window_hits: Vec<String>,
    pub stale: Vec<String>,
    /// Sent messages whose key no plan of any state ever held.
    pub unexpected: Vec<String>,
    /// History entries with a status other than sent, by status.
    pub history_by_status: BTreeMap<String, usize>,
}

/// One record's versions, in write order, with their instants.
type Versions<T> = Vec<(usize, DateTime<Utc>, T)>;

/// The states, indexed for "what held at this instant".
struct States {
    settings: HashMap<TenantId, Versions<BusinessSettings>>,
    types: HashMap<String, Versions<AppointmentType>>,
    staff: HashMap<String, Versions<StaffMember>>,
    clients: HashMap<String, Versions<Client>>,
    appointments: HashMap<String, Versions<Appointment>>,
}

fn key_of(tenant: &TenantId, id: &str) -> String {
    format!("{tenant}/{id}")
}

/// The version in force just after write `index` (or, with `index: None`, at `at`: every
/// write made at or before it).
fn at<T>(versions: Option<&Versions<T>>, at: DateTime<Utc>, index: Option<usize>) -> Option<&T> {
    versions?
        .iter()
        .rev()
        .find(|(i, t, _)| match index {
            Some(index) => *i <= index,
            None => *t <= at,
        })
        .map(|(_, _, v)| v)
}

impl States {
    fn from(writes: &[(DateTime<Utc>, Record)]) -> Self {
        let mut states = States {
            settings: HashMap::new(),
            types: HashMap::new(),
            staff: HashMap::new(),
            clients: HashMap::new(),
            appointments: HashMap::new(),
        };
        for (index, (t, record)) in writes.iter().enumerate() {
            match record {
                Record::Settings(s) => states.settings.entry(s.tenant.clone()).or_default().push((
                    index,
                    *t,
                    s.clone(),
                )),
                Record::AppointmentType(x) => states
                    .types
                    .entry(key_of(&x.tenant, x.id.as_str()))
                    .or_default()
                    .push((index, *t, x.clone())),
                Record::Staff(x) => states
                    .staff
                    .entry(key_of(&x.tenant, x.id.as_str()))
                    .or_default()
                    .push((index, *t, x.clone())),
                Record::Client(x) => states
                    .clients
                    .entry(key_of(&x.tenant, x.id.as_str()))
                    .or_default()
                    .push((index, *t, x.clone())),
                Record::Appointment(x) => states
                    .appointments
                    .entry(key_of(&x.tenant, x.id.as_str()))
                    .or_default()
                    .push((index, *t, x.clone())),
                _ => {}
            }
        }
        states
    }

    /// The appointment and its planning context in force at `t` (or just after write `index`).
    fn scene(
        &self,
        appointment: &Appointment,
        t: DateTime<Utc>,
        index: Option<usize>,
    ) -> Option<Scene<'_>> {
        let tenant = &appointment.tenant;
        Some(Scene {
            settings: at(self.settings.get(tenant), t, index)?,
            appointment_type: at(
                self.types
                    .get(&key_of(tenant, appointment.type_id.as_str())),
                t,
                index,
            )?,
            client: at(
                self.clients
                    .get(&key_of(tenant, appointment.client_id.as_str())),
                t,
                index,
            )?,
            staff: at(
                self.staff
                    .get(&key_of(tenant, appointment.staff_id.as_str())),
                t,
                index,
            )?,
        })
    }

    /// Every instant (write order) at which something an appointment's plan depends on changed.
    fn events_of(&self, appointment: &Appointment) -> Vec<(usize, DateTime<Utc>)> {
        let tenant = &appointment.tenant;
        let mut events: Vec<(usize, DateTime<Utc>)> = Vec::new();
        let mut add = |versions: Option<Versions<()>>| {
            for (i, t, _) in versions.into_iter().flatten() {
                events.push((i, t));
            }
        };
        add(self.settings.get(tenant).map(erase));
        add(self
            .types
            .get(&key_of(tenant, appointment.type_id.as_str()))
            .map(erase));
        add(self
            .staff
            .get(&key_of(tenant, appointment.staff_id.as_str()))
            .map(erase));
        add(self
            .clients
            .get(&key_of(tenant, appointment.client_id.as_str()))
            .map(erase));
        add(self
            .appointments
            .get(&key_of(tenant, appointment.id.as_str()))
            .map(erase));
        events.sort();
        events
    }
}

/// A version list seen only for its indices and instants.
fn erase<T>(versions: &Versions<T>) -> Versions<()> {
    versions.iter().map(|(i, t, _)| (*i, *t, ())).collect()
}

struct Scene<'a> {
    settings: &'a BusinessSettings,
    appointment_type: &'a AppointmentType,
    client: &'a Client,
    staff: &'a StaffMember,
}

impl Scene<'_> {
    fn context(&self) -> AppointmentContext<'_> {
        AppointmentContext {
            settings: self.settings,
            appointment_type: self.appointment_type,
            client: self.client,
            staff: self.staff,
            previous_staff: None,
            client_rebooked: false,
        }
    }
}

/// The key an outbox entry carries for a message key: the schedule name (an e-mail's
/// Message-ID is `<schedule name>@<sender's domain>`, read by [`outbox_key`]).
fn outbox_keys(key: &MessageKey) -> [String; 1] {
    [key.schedule_name().to_string()]
}

/// An outbox entry's key without an e-mail's domain.
fn outbox_key(entry: &OutboxEntry) -> &str {
    entry
        .key()
        .split_once('@')
        .map_or(entry.key(), |(name, _)| name)
}

/// Judges the outbox and history against the states, up to `end`.
pub fn judge(
    writes: &[(DateTime<Utc>, Record)],
    outbox: &[OutboxEntry],
    repeated_offers: &[String],
    history: &[CommunicationRecord],
    end: DateTime<Utc>,
) -> Judgement {
    let states = States::from(writes);
    // Every key any plan held, and whether it had to go out.
    let mut known: HashMap<String, MessageKey> = HashMap::new();
    let mut required: HashMap<String, MessageKey> = HashMap::new();
    for versions in states.appointments.values() {
        let mut previous: Option<&Appointment> = None;
        for (index, t, appointment) in versions {
            // The change's own messages, planned with the scene of that write.
            if let Some(scene) = states.scene(appointment, *t, Some(*index)) {
                for planned in change_messages(previous, appointment, &scene.context()) {
                    for k in outbox_keys(&planned.key) {
                        known.insert(k, planned.key.clone());
                    }
                    if planned.disposition == Disposition::Deliver && planned.key.due <= end {
                        required.insert(planned.key.id(), planned.key.clone());
                    }
                }
            }
            previous = Some(appointment);
        }
        // The timeline: between two events, the plan of the state in force; a message due in
        // that span had to go out if that plan held it, deliverable.
        let Some((_, _, latest)) = versions.last() else {
            continue;
        };
        let events = states.events_of(latest);
        for (n, (index, t)) in events.iter().enumerate() {
            let until = events.get(n + 1).map(|(_, t)| *t).unwrap_or(end);
            let Some(appointment) = at(Some(versions), *t, Some(*index)) else {
                continue;
            };
            let Some(scene) = states.scene(appointment, *t, Some(*index)) else {
                continue;
            };
            for planned in timeline(appointment, &scene.context()) {
                for k in outbox_keys(&planned.key) {
                    known.insert(k, planned.key.clone());
                }
                let due = planned.key.due;
                let in_span = *t <= due && (due < until || (n + 1 == events.len() && due <= end));
                if in_span && planned.disposition == Disposition::Deliver {
                    required.insert(planned.key.id(), planned.key.clone());
                }
            }
        }
    }

    let mut judgement = Judgement {
        required: required.len(),
        ..Judgement::default()
    };
    let mut sent_ids: HashSet<String> = HashSet::new();
    let mut seen_outbox: HashSet<&str> = HashSet::new();
    for entry in outbox {
        if !seen_outbox.insert(outbox_key(entry)) {
            judgement.duplicates.push(entry.key().to_owned());
        }
        let Some(key) = known.get(outbox_key(entry)) else {
            judgement.unexpected.push(entry.key().to_owned());
            continue;
        };
        sent_ids.insert(key.id());
        let sent_at = match entry {
            OutboxEntry::Email { at, .. } | OutboxEntry::Sms { at, .. } => *at,
        };
        let Subject::Appointment(id) = &key.subject else {
            continue;
        };
        let current = at(
            states.appointments.get(&key_of(&key.tenant, id.as_str())),
            sent_at,
            None,
        );
        let verdict = current.and_then(|appointment| {
            let scene = states.scene(appointment, sent_at, None)?;
            Some(verdict(key, appointment, &scene.context(), sent_at))
        });
        if verdict != Some(Verdict::Send) {
            judgement
                .stale
                .push(format!("{} at {sent_at}: {verdict:?}", key.id()));
        }
    }
    judgement
        .window_hits
        .extend(repeated_offers.iter().cloned());

    let recorded: HashSet<&str> = history
        .iter()
        .filter(|h| h.status != CommunicationStatus::Sent)
        .map(|h| h.message_key.as_str())
        .collect();
    for h in history
        .iter()
        .filter(|h| h.status != CommunicationStatus::Sent)
    {
        *judgement
            .history_by_status
            .entry(format!("{:?}", h.status).to_lowercase())
            .or_default() += 1;
    }
    for (id, key) in &required {
        if sent_ids.contains(id) {
            judgement.sent += 1;
        } else if recorded.contains(id.as_str()) {
            judgement.recorded_not_sent += 1;
        } else {
            judgement.lost.push(format!("{id} (due {})", key.due));
        }
    }
    judgement
}
