//! What the record store holds: the business records of every tenant, each under a key that
//! starts with its tenant (no query can cross tenants).

use chrono::{DateTime, Utc};
use rappel_core::message::{Channel, MessageKind};
use rappel_core::model::{AppointmentTypeId, ClientId, Language, TenantId};
use rappel_core::render::TemplateBody;
use rappel_core::settings::RetentionSettings;
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

    /// When its business's `retention` lets the store delete it, written at `now`: an
    /// appointment after its end, a waitlist entry after its window, an inbound message after
    /// it came, an invoice or quote from its closing write; the other kinds (clients, staff,
    /// settings, types, templates, erasures) are kept until changed or erased (`None`).
    pub fn kept_until(
        &self,
        retention: &RetentionSettings,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        match self {
            Record::Appointment(a) => Some(retention.appointment_kept_until(a.end)),
            Record::Waitlist(w) => Some(retention.waitlist_kept_until(w.until)),
            Record::Inbound(m) => Some(retention.inbound_kept_until(m.received_at)),
            Record::Invoice(_) | Record::Quote(_) => {
                retention.document_kept_until(!self.is_open_document(), now)
            }
            Record::Settings(_)
            | Record::AppointmentType(_)
            | Record::Staff(_)
            | Record::Client(_)
            | Record::Template(_)
            | Record::Erasure(_) => None,
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
    /// A deletion made by the store because the record's retention ran out (DynamoDB's TTL,
    /// the local sweep), not by a command: nothing is planned from it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expired: bool,
}

impl ChangeRecord {
    pub fn kind(&self) -> Option<RecordKind> {
        self.new.as_ref().or(self.old.as_ref()).map(Record::kind)
    }
}
