//! Every kind of record, declared **once** in [`stored_records!`]: its [`RecordKind`], its
//! [`Record`] variant, the type it holds and how its key is made. Everything else is generic
//! over [`StoredRecord`] — the typed getters ([`super::TypedRecords`]), a record's key and
//! version — so a new kind is one row here, plus what decides about it (its codec's index
//! attributes and its reaction, where the compiler stops at an exhaustive `match`).

use super::{RecordKey, StoredTemplate};
use rappel_core::model::{
    Appointment, AppointmentId, AppointmentType, AppointmentTypeId, Client, ClientErasure,
    ClientId, Inbound, InboundId, Invoice, InvoiceId, Quote, QuoteId, StaffId, StaffMember,
    TenantId, WaitlistEntry, WaitlistId,
};
use rappel_core::settings::BusinessSettings;
use serde::{Deserialize, Serialize};

/// A type the record store holds, as one kind of [`Record`].
pub trait StoredRecord: Sized + Send + Sync + 'static {
    const KIND: RecordKind;
    /// What names one record of the kind within its business.
    type Id: ?Sized + Sync;

    /// The key's id part for `id`.
    fn key_id(id: &Self::Id) -> String;
    fn tenant(&self) -> &TenantId;
    fn id(&self) -> String;
    fn version(&self) -> u64;
    fn into_record(self) -> Record;
    /// The record back as this type, or the kind it holds instead.
    fn from_record(record: Record) -> Result<Self, RecordKind>;

    fn key(&self) -> RecordKey {
        RecordKey::new(self.tenant(), Self::KIND, self.id())
    }

    /// The key of the record `id` of `tenant`.
    fn key_of(tenant: &TenantId, id: &Self::Id) -> RecordKey {
        RecordKey::new(tenant, Self::KIND, Self::key_id(id))
    }
}

/// Declares the record kinds: `Variant(Type) keyed by Id = "name", |record| its id, |id| the
/// key's id for an Id`.
macro_rules! stored_records {
    ($($variant:ident($ty:ty) keyed by $id:ty = $name:literal, |$r:ident| $own:expr, |$i:ident| $of:expr;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum RecordKind {
            $($variant,)*
        }

        impl RecordKind {
            pub const ALL: &'static [RecordKind] = &[$(RecordKind::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(RecordKind::$variant => $name,)*
                }
            }
        }

        // The settings are the largest record by far; records are read and written one at a
        // time, so boxing them would add an allocation to every settings read for no gain.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "record", rename_all = "snake_case")]
        pub enum Record {
            $($variant($ty),)*
        }

        impl Record {
            pub fn key(&self) -> RecordKey {
                match self {
                    $(Record::$variant(r) => r.key(),)*
                }
            }

            pub fn version(&self) -> u64 {
                match self {
                    $(Record::$variant(r) => r.version(),)*
                }
            }

            pub fn kind(&self) -> RecordKind {
                match self {
                    $(Record::$variant(_) => RecordKind::$variant,)*
                }
            }
        }

        $(
            impl StoredRecord for $ty {
                const KIND: RecordKind = RecordKind::$variant;
                type Id = $id;

                fn key_id($i: &$id) -> String {
                    $of
                }
                fn tenant(&self) -> &TenantId {
                    &self.tenant
                }
                fn id(&self) -> String {
                    let $r = self;
                    $own
                }
                fn version(&self) -> u64 {
                    self.version
                }
                fn into_record(self) -> Record {
                    Record::$variant(self)
                }
                fn from_record(record: Record) -> Result<Self, RecordKind> {
                    match record {
                        Record::$variant(r) => Ok(r),
                        other => Err(other.kind()),
                    }
                }
            }
        )*
    };
}

stored_records! {
    Settings(BusinessSettings) keyed by () = "settings", |_r| "settings".to_owned(), |_i| "settings".to_owned();
    AppointmentType(AppointmentType) keyed by AppointmentTypeId = "appointment_type", |r| r.id.as_str().to_owned(), |i| i.as_str().to_owned();
    Staff(StaffMember) keyed by StaffId = "staff", |r| r.id.as_str().to_owned(), |i| i.as_str().to_owned();
    Client(Client) keyed by ClientId = "client", |r| r.id.as_str().to_owned(), |i| i.as_str().to_owned();
    Appointment(Appointment) keyed by AppointmentId = "appointment", |r| r.id.as_str().to_owned(), |i| i.as_str().to_owned();
    // A template is named by its kind, channel, language and type (`StoredTemplate::record_id`).
    Template(StoredTemplate) keyed by str = "template", |r| StoredTemplate::record_id(r.kind, r.channel, r.locale, r.type_id.as_ref()), |i| i.to_owned();
    Invoice(Invoice) keyed by InvoiceId = "invoice", |r| r.id.as_str().to_owned(), |i| i.as_str().to_owned();
    Quote(Quote) keyed by QuoteId = "quote", |r| r.id.as_str().to_owned(), |i| i.as_str().to_owned();
    Inbound(Inbound) keyed by InboundId = "inbound", |r| r.id.as_str().to_owned(), |i| i.as_str().to_owned();
    Waitlist(WaitlistEntry) keyed by WaitlistId = "waitlist", |r| r.id.as_str().to_owned(), |i| i.as_str().to_owned();
    // A client's erasure is named by the client it erases.
    Erasure(ClientErasure) keyed by ClientId = "erasure", |r| r.client.as_str().to_owned(), |i| i.as_str().to_owned();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_kind_has_its_own_name_and_its_serde_name_is_that_name() {
        assert!(!RecordKind::ALL.is_empty());
        let names: HashSet<_> = RecordKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), RecordKind::ALL.len());
        for kind in RecordKind::ALL {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }
}
