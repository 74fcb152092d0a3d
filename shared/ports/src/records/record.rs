//! What the record store holds: the business records of every tenant, each under a key that
//! starts with its tenant (no query can cross tenants).

use chrono::{DateTime, Utc};
use rappel_core::message::{Channel, MessageKind};
use rappel_core::model::{AppointmentTypeId, ClientId, Language, TenantId};
use rappel_core::render::TemplateBody;
use serde::{Deserialize, Serialize};

use super::stored::{Record, RecordKind};

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

impl Record {
    /// The client a record is about, for the kinds a client's erasure deletes: an
    /// appointment, a waitlist entry, an invoice, a quote, a message they sent as a client.
    pub fn client(&self) -> Option<&ClientId> {
        match self {
            Record::Appointment(a) => Some(&a.client_id),
            Record::Waitlist(w) => Some(&w.client_id),
            Record::Invoice(i) => Some(&i.client_id),
            Record::Quote(q) => Some(&q.client_id),
            Record::Inbound(m) => match &m.sender {
                rappel_core::model::InboundSender::Client { client_id } => Some(client_id),
                rappel_core::model::InboundSender::Contact { .. } => None,
            },
            _ => None,
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
        self.new.as_ref().or(self.old.as_ref()).map(Record::kind)
    }
}
