//! What the record store holds: the business records of every tenant, each under a key that
//! starts with its tenant (no query can cross tenants).

use chrono::{DateTime, Utc};
use rappel_core::message::{Channel, MessageKind};
use rappel_core::model::{
    Appointment, AppointmentType, AppointmentTypeId, Client, Inbound, Invoice, Language, Quote,
    StaffMember, TenantId, WaitlistEntry,
};
use rappel_core::render::TemplateBody;
use rappel_core::settings::BusinessSettings;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Settings,
    AppointmentType,
    Staff,
    Client,
    Appointment,
    Template,
    Invoice,
    Quote,
    Inbound,
    Waitlist,
}

impl RecordKind {
    pub const ALL: [RecordKind; 10] = [
        RecordKind::Settings,
        RecordKind::AppointmentType,
        RecordKind::Staff,
        RecordKind::Client,
        RecordKind::Appointment,
        RecordKind::Template,
        RecordKind::Invoice,
        RecordKind::Quote,
        RecordKind::Inbound,
        RecordKind::Waitlist,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Settings => "settings",
            RecordKind::AppointmentType => "appointment_type",
            RecordKind::Staff => "staff",
            RecordKind::Client => "client",
            RecordKind::Appointment => "appointment",
            RecordKind::Template => "template",
            RecordKind::Invoice => "invoice",
            RecordKind::Quote => "quote",
            RecordKind::Inbound => "inbound",
            RecordKind::Waitlist => "waitlist",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordKey {
    pub tenant: TenantId,
    pub kind: RecordKind,
    pub id: String,
}

impl RecordKey {
    pub fn new(tenant: &TenantId, kind: RecordKind, id: impl Into<String>) -> Self {
        Self {
            tenant: tenant.clone(),
            kind,
            id: id.into(),
        }
    }

    pub fn settings(tenant: &TenantId) -> Self {
        Self::new(tenant, RecordKind::Settings, "settings")
    }
}

/// `tenant/kind/id`: how a key is named in errors and in the embedded store.
impl std::fmt::Display for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.tenant, self.kind.as_str(), self.id)
    }
}

/// A business's own template for one kind × channel × locale, optionally for one type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTemplate {
    pub tenant: TenantId,
    pub kind: MessageKind,
    pub channel: Channel,
    pub locale: Language,
    pub type_id: Option<AppointmentTypeId>,
    pub body: TemplateBody,
    pub version: u64,
    pub updated_at: DateTime<Utc>,
}

impl StoredTemplate {
    pub fn record_id(
        kind: MessageKind,
        channel: Channel,
        locale: Language,
        type_id: Option<&AppointmentTypeId>,
    ) -> String {
        let scope = type_id.map(AppointmentTypeId::as_str).unwrap_or("_");
        format!("{kind}.{channel}.{locale}.{scope}")
    }
}

// The settings are the largest record by far; records are read and written one at a time, so
// boxing them would add an allocation to every settings read for no gain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    Settings(BusinessSettings),
    AppointmentType(AppointmentType),
    Staff(StaffMember),
    Client(Client),
    Appointment(Appointment),
    Template(StoredTemplate),
    Invoice(Invoice),
    Quote(Quote),
    Inbound(Inbound),
    Waitlist(WaitlistEntry),
}

impl Record {
    pub fn key(&self) -> RecordKey {
        match self {
            Record::Settings(s) => RecordKey::settings(&s.tenant),
            Record::AppointmentType(t) => {
                RecordKey::new(&t.tenant, RecordKind::AppointmentType, t.id.as_str())
            }
            Record::Staff(s) => RecordKey::new(&s.tenant, RecordKind::Staff, s.id.as_str()),
            Record::Client(c) => RecordKey::new(&c.tenant, RecordKind::Client, c.id.as_str()),
            Record::Appointment(a) => {
                RecordKey::new(&a.tenant, RecordKind::Appointment, a.id.as_str())
            }
            Record::Template(t) => RecordKey::new(
                &t.tenant,
                RecordKind::Template,
                StoredTemplate::record_id(t.kind, t.channel, t.locale, t.type_id.as_ref()),
            ),
            Record::Invoice(i) => RecordKey::new(&i.tenant, RecordKind::Invoice, i.id.as_str()),
            Record::Quote(q) => RecordKey::new(&q.tenant, RecordKind::Quote, q.id.as_str()),
            Record::Inbound(m) => RecordKey::new(&m.tenant, RecordKind::Inbound, m.id.as_str()),
            Record::Waitlist(w) => RecordKey::new(&w.tenant, RecordKind::Waitlist, w.id.as_str()),
        }
    }

    /// An invoice or a quote still open (issued, sent): one with reminders ahead.
    pub fn is_open_document(&self) -> bool {
        use rappel_core::planning::billing::Document;
        match self {
            Record::Invoice(i) => Document::Invoice(i).closed().is_none(),
            Record::Quote(q) => Document::Quote(q).closed().is_none(),
            _ => false,
        }
    }

    pub fn version(&self) -> u64 {
        match self {
            Record::Settings(s) => s.version,
            Record::AppointmentType(t) => t.version,
            Record::Staff(s) => s.version,
            Record::Client(c) => c.version,
            Record::Appointment(a) => a.version,
            Record::Template(t) => t.version,
            Record::Invoice(i) => i.version,
            Record::Quote(q) => q.version,
            Record::Inbound(m) => m.version,
            Record::Waitlist(w) => w.version,
        }
    }
}

/// One change of one record, as the table's stream delivers it: old and new images.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// Position in the feed (the stream's sequence number): reported back for failed records.
    pub sequence: String,
    pub old: Option<Record>,
    pub new: Option<Record>,
}

impl ChangeRecord {
    pub fn kind(&self) -> Option<RecordKind> {
        self.new
            .as_ref()
            .or(self.old.as_ref())
            .map(|r| r.key().kind)
    }
}
