//! Loading what a day's digest depends on: the settings, the recipient, the day's appointments
//! (the staff member's through `by_staff`, the business's through `by_start`, a page at a
//! time: counted whole, the first rows kept) and the names they are listed with.

use super::{ContextError, MissingRecord, SendTime, SubjectAtSend};
use chrono::{DateTime, Utc};
use rappel_core::message::{MessageKey, Recipient, Verdict};
use rappel_core::model::ClientId;
use rappel_core::model::{
    Appointment, AppointmentType, Client, StaffId, StaffMember, TenantId, TimeZone,
};
use rappel_core::planning::day;
use rappel_core::planning::day::{
    DIGEST_ROWS, DIGEST_STAFF_COUNTS, DayContext, DayRecipient, DayTotals, covered_date, day_bounds,
};
use rappel_core::render::{ComposeError, Rendering};
use rappel_core::settings::{BusinessSettings, Manager};
use rappel_ports::records::{
    Record, RecordKey, RecordKind, RecordStore, StartingBetween, TypedRecords,
};
use std::collections::{BTreeMap, BTreeSet};

/// Appointments one query of a day reads: a 2,000-appointment day is ten queries, each well
/// under DynamoDB's 1 MB page.
pub const DAY_PAGE: usize = 200;

#[derive(Debug, Clone)]
pub struct DayRecords {
    pub settings: BusinessSettings,
    recipient: Owned,
    pub date: chrono::NaiveDate,
    /// The day's first [`DIGEST_ROWS`] listed appointments, earliest first.
    pub appointments: Vec<Appointment>,
    /// What the whole day holds.
    totals: DayTotals,
    clients: Vec<Client>,
    types: Vec<AppointmentType>,
    staff: Vec<StaffMember>,
}

#[derive(Debug, Clone)]
enum Owned {
    Staff(StaffMember),
    Manager(Manager),
}

impl DayRecords {
    /// The `date` of `recipient` (a staff member or a manager); `None` if the recipient is
    /// gone.
    pub async fn load(
        records: &dyn RecordStore,
        tenant: &TenantId,
        recipient: Recipient,
        date: chrono::NaiveDate,
    ) -> Result<Option<Self>, ContextError> {
        let settings = records.settings(tenant).await?;
        let Some(recipient) = Owned::load(records, &settings, &recipient).await? else {
            return Ok(None);
        };
        Self::load_day(records, settings, recipient, date)
            .await
            .map(Some)
    }

    /// The day a digest schedule's firing at `fired_at` covers — decided from the recipient's
    /// zone and the settings' `when` — loaded. `None` if the recipient is gone.
    pub async fn load_firing(
        records: &dyn RecordStore,
        settings: BusinessSettings,
        recipient: &Recipient,
        fired_at: DateTime<Utc>,
    ) -> Result<Option<Self>, ContextError> {
        let Some(owned) = Owned::load(records, &settings, recipient).await? else {
            return Ok(None);
        };
        let date = covered_date(&settings.input.notifications.digest, owned.zone(), fired_at);
        Self::load_day(records, settings, owned, date)
            .await
            .map(Some)
    }

    /// Reads the day page by page ([`DAY_PAGE`] appointments a query), counting every
    /// appointment the digest lists and keeping the first [`DIGEST_ROWS`]: memory and names
    /// read stay bounded whatever the day holds.
    async fn load_day(
        records: &dyn RecordStore,
        settings: BusinessSettings,
        recipient: Owned,
        date: chrono::NaiveDate,
    ) -> Result<Self, ContextError> {
        let tenant = &settings.tenant.clone();
        let (from, until) = day_bounds(date, recipient.zone());
        let range = StartingBetween {
            staff: match &recipient {
                Owned::Staff(s) => Some(s.id.clone()),
                Owned::Manager(_) => None,
            },
            client: None,
            from,
            until,
        };
        let mut rows = Vec::new();
        let mut count = 0;
        let mut by_staff: BTreeMap<StaffId, usize> = BTreeMap::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = records
                .appointments_starting(tenant, &range, cursor.as_deref(), DAY_PAGE)
                .await?;
            let probe = DayContext {
                settings: &settings,
                recipient: recipient.as_day(),
                date,
                appointments: &[],
                totals: None,
                clients: &[],
                types: &[],
                staff: &[],
            };
            for a in page.appointments {
                if !probe.lists(&a) {
                    continue;
                }
                count += 1;
                *by_staff.entry(a.staff_id.clone()).or_default() += 1;
                if rows.len() < DIGEST_ROWS {
                    rows.push(a);
                }
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let mut loaded = Self {
            settings,
            recipient,
            date,
            appointments: rows,
            totals: DayTotals {
                count,
                by_staff: by_staff.into_iter().collect(),
            },
            clients: Vec::new(),
            types: Vec::new(),
            staff: Vec::new(),
        };
        loaded.load_names(records, tenant).await?;
        Ok(loaded)
    }

    /// The clients, types and staff members the listed rows and the staff counts name, in one
    /// batch read.
    async fn load_names(
        &mut self,
        records: &dyn RecordStore,
        tenant: &TenantId,
    ) -> Result<(), ContextError> {
        let mut keys: BTreeSet<RecordKey> = BTreeSet::new();
        for a in &self.appointments {
            keys.insert(RecordKey::new(
                tenant,
                RecordKind::Client,
                a.client_id.as_str(),
            ));
            keys.insert(RecordKey::new(
                tenant,
                RecordKind::AppointmentType,
                a.type_id.as_str(),
            ));
            keys.insert(RecordKey::new(
                tenant,
                RecordKind::Staff,
                a.staff_id.as_str(),
            ));
        }
        let counted = self.context().staff_counts();
        for (id, _) in counted.iter().take(DIGEST_STAFF_COUNTS) {
            keys.insert(RecordKey::new(tenant, RecordKind::Staff, id.as_str()));
        }
        if let Owned::Staff(s) = &self.recipient {
            keys.remove(&RecordKey::new(tenant, RecordKind::Staff, s.id.as_str()));
            self.staff.push(s.clone());
        }
        let keys: Vec<RecordKey> = keys.into_iter().collect();
        for record in records.get_many(&keys).await?.into_iter().flatten() {
            match record {
                Record::Client(c) => self.clients.push(c),
                Record::AppointmentType(t) => self.types.push(t),
                Record::Staff(s) => self.staff.push(s),
                _ => {}
            }
        }
        Ok(())
    }

    pub fn context(&self) -> DayContext<'_> {
        DayContext {
            settings: &self.settings,
            recipient: self.recipient.as_day(),
            date: self.date,
            appointments: &self.appointments,
            totals: Some(&self.totals),
            clients: &self.clients,
            types: &self.types,
            staff: &self.staff,
        }
    }
}

impl Owned {
    /// The recipient's record: a staff member from the store, a manager from the settings.
    async fn load(
        records: &dyn RecordStore,
        settings: &BusinessSettings,
        recipient: &Recipient,
    ) -> Result<Option<Self>, ContextError> {
        Ok(match recipient {
            Recipient::Staff(id) => records.staff(&settings.tenant, id).await?.map(Owned::Staff),
            Recipient::Manager(id) => settings.manager(id).cloned().map(Owned::Manager),
            Recipient::Client(_) | Recipient::Sender(_) => None,
        })
    }

    fn as_day(&self) -> DayRecipient<'_> {
        match self {
            Owned::Staff(s) => DayRecipient::Staff(s),
            Owned::Manager(m) => DayRecipient::Manager(m),
        }
    }

    fn zone(&self) -> TimeZone {
        match self {
            Owned::Staff(s) => s.time_zone,
            Owned::Manager(m) => m.time_zone,
        }
    }
}

impl SubjectAtSend for DayRecords {
    type Context<'a> = DayContext<'a>;

    fn context(&self, _: &MessageKey) -> Result<DayContext<'_>, MissingRecord> {
        Ok(DayRecords::context(self))
    }

    /// A day is filed under no client.
    fn client(&self) -> Option<&ClientId> {
        None
    }

    fn verdict(key: &MessageKey, ctx: &DayContext<'_>, now: DateTime<Utc>) -> Verdict {
        day::verdict(key, ctx, now)
    }

    fn rendering<'a>(
        key: &MessageKey,
        ctx: &DayContext<'a>,
        _: SendTime<'_>,
    ) -> Result<Rendering<'a>, ComposeError>
    where
        Self: 'a,
    {
        day::rendering(key, ctx)
    }
}
