//! Key attribute values: one place that says how an item is addressed (see the module doc).

use chrono::{DateTime, Utc};
use rappel_core::access::{ApiKeyId, IntegratorId};
use rappel_core::message::Recipient;
use rappel_core::model::{
    Appointment, AppointmentTypeId, ClientId, StaffId, TenantId, WaitlistEntry,
};
use rappel_core::privacy::AddressDigest;
use rappel_ports::records::{RecordKey, RecordKind};

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const KIND: &str = "kind";
pub const VERSION: &str = "version";
pub const DATA: &str = "data";
pub const EXPIRES_AT: &str = "expires_at";
/// A random id of the write that put an item: a conditional write whose answer was lost, and
/// whose retry then fails its condition, recognises its own earlier attempt by it.
pub const WRITE_ID: &str = "write_id";

pub const BY_CLIENT: &str = "by_client";
pub const CLIENT_PK: &str = "client_pk";
pub const CLIENT_SK: &str = "client_sk";
pub const BY_STAFF: &str = "by_staff";
pub const STAFF_PK: &str = "staff_pk";
pub const STAFF_SK: &str = "staff_sk";
pub const BY_END: &str = "by_end";
pub const END_PK: &str = "end_pk";
pub const END_SK: &str = "end_sk";
/// A business's appointments by start (a manager's day); same partition attribute as `by_end`.
pub const BY_START: &str = "by_start";
pub const START_SK: &str = "start_sk";
/// A type's later appointments (`A#<start>`) and its waitlist entries (`W#<until>`): what a
/// freed slot is matched against, without reading the rest of the business.
pub const BY_TYPE: &str = "by_type";
pub const TYPE_PK: &str = "type_pk";
pub const TYPE_SK: &str = "type_sk";

pub fn tenant_pk(tenant: &TenantId) -> String {
    format!("T#{tenant}")
}

pub fn record_sk(kind: RecordKind, id: &str) -> String {
    format!("{}#{id}", kind.as_str())
}

pub fn record_key(key: &RecordKey) -> (String, String) {
    (tenant_pk(&key.tenant), record_sk(key.kind, &key.id))
}

/// An instant as a sort-key prefix: fixed width, so text order is time order.
pub fn instant(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn client_pk(tenant: &TenantId, client: &ClientId) -> String {
    format!("T#{tenant}#C#{client}")
}

pub fn staff_pk(tenant: &TenantId, staff: &StaffId) -> String {
    format!("T#{tenant}#S#{staff}")
}

pub fn end_pk(tenant: &TenantId) -> String {
    format!("T#{tenant}#A")
}

/// `by_end`'s partition of a business's open invoices and quotes (sort key `<kind>#<id>`):
/// only open documents carry it, so closed ones are never read again.
pub fn open_documents_pk(tenant: &TenantId) -> String {
    format!("T#{tenant}#O")
}

/// `by_end`'s partition of a business's visit marks (sort key `<latest end>#<client>`): one
/// per client, the latest end of any kept appointment ever written for them.
pub fn visits_pk(tenant: &TenantId) -> String {
    format!("T#{tenant}#V")
}

/// The sort key of a client's visit mark item in the business's partition. No record kind
/// starts so: the mark is no record (the stream filter and decoding leave it out).
pub const VISIT_SK_PREFIX: &str = "visit#";

pub fn visit_sk(client: &(impl std::fmt::Display + ?Sized)) -> String {
    format!("{VISIT_SK_PREFIX}{client}")
}

/// The key of the record an item's `sk` (`<kind>#<id>`) names, or of the client a visit mark
/// names.
pub fn record_key_of(tenant: &TenantId, sk: &str) -> Option<RecordKey> {
    if let Some(client) = sk.strip_prefix(VISIT_SK_PREFIX) {
        return Some(RecordKey::new(tenant, RecordKind::Client, client));
    }
    let (kind, id) = sk.split_once('#')?;
    let kind = RecordKind::ALL
        .iter()
        .copied()
        .find(|k| k.as_str() == kind)?;
    Some(RecordKey::new(tenant, kind, id))
}

pub fn type_pk(tenant: &TenantId, type_id: &AppointmentTypeId) -> String {
    format!("T#{tenant}#Y#{type_id}")
}

/// Sort-key prefixes of the two families in `by_type`.
pub const TYPE_APPOINTMENT: &str = "A#";
pub const TYPE_WAITLIST: &str = "W#";

/// The index attributes an open invoice or quote carries (`by_end`, family `O`).
pub fn open_document_index_keys(key: &RecordKey) -> [(&'static str, String); 2] {
    [
        (END_PK, open_documents_pk(&key.tenant)),
        (END_SK, format!("{}#{}", key.kind.as_str(), key.id)),
    ]
}

/// The index attributes a waitlist entry carries.
pub fn waitlist_index_keys(w: &WaitlistEntry) -> [(&'static str, String); 2] {
    [
        (TYPE_PK, type_pk(&w.tenant, &w.type_id)),
        (
            TYPE_SK,
            format!("{TYPE_WAITLIST}{}#{}", instant(w.until), w.id),
        ),
    ]
}

/// What the `client_sk` of a record about a client other than an appointment starts with: it
/// sorts after every appointment's (`<start>#<id>`, a digit first), so a client's
/// appointments are read without them.
pub const CLIENT_SK_OTHER: &str = "~";

/// The `by_client` attributes of a waitlist entry, invoice, quote or message of a client
/// (`~<kind>#<id>`): what their erasure lists beside their appointments.
pub fn client_index_keys(key: &RecordKey, client: &ClientId) -> [(&'static str, String); 2] {
    [
        (CLIENT_PK, client_pk(&key.tenant, client)),
        (
            CLIENT_SK,
            format!("{CLIENT_SK_OTHER}{}#{}", key.kind.as_str(), key.id),
        ),
    ]
}

/// The index attributes an appointment item carries.
pub fn appointment_index_keys(a: &Appointment) -> [(&'static str, String); 9] {
    [
        (CLIENT_PK, client_pk(&a.tenant, &a.client_id)),
        (CLIENT_SK, format!("{}#{}", instant(a.start), a.id)),
        (STAFF_PK, staff_pk(&a.tenant, &a.staff_id)),
        (STAFF_SK, format!("{}#{}", instant(a.start), a.id)),
        (END_PK, end_pk(&a.tenant)),
        (END_SK, format!("{}#{}", instant(a.end), a.id)),
        (START_SK, format!("{}#{}", instant(a.start), a.id)),
        (TYPE_PK, type_pk(&a.tenant, &a.type_id)),
        (
            TYPE_SK,
            format!("{TYPE_APPOINTMENT}{}#{}", instant(a.start), a.id),
        ),
    ]
}

/// A business's re-plan progress (deliveries table).
pub fn progress_pk(tenant: &TenantId) -> String {
    format!("{PROGRESS_PK_PREFIX}{tenant}")
}

/// What every progress item's partition key starts with: the change handler and the re-plan
/// function may write only such items of the deliveries table (`dynamodb:LeadingKeys`).
pub const PROGRESS_PK_PREFIX: &str = "R#";

pub const PROGRESS_SK: &str = "R";

/// A business's idempotency key (deliveries table). The API may delete only such items
/// (`dynamodb:LeadingKeys`).
pub fn idempotency_pk(tenant: &TenantId, key: &str) -> String {
    format!("{IDEMPOTENCY_PK_PREFIX}{tenant}#{key}")
}

pub const IDEMPOTENCY_PK_PREFIX: &str = "K#";

pub const IDEMPOTENCY_SK: &str = "K";

/// An integrator's credentials (deliveries table): its keys (`KEY#<id>`) and the businesses it
/// may act for (`B#<tenant>`), in one partition so the authorizer reads a key and a grant in
/// one call. The authorizer may read only such items (`dynamodb:LeadingKeys`).
pub fn integrator_pk(integrator: &IntegratorId) -> String {
    format!("{INTEGRATOR_PK_PREFIX}{integrator}")
}

pub const INTEGRATOR_PK_PREFIX: &str = "I#";

pub fn api_key_sk(key: &ApiKeyId) -> String {
    format!("{API_KEY_SK_PREFIX}{key}")
}

pub const API_KEY_SK_PREFIX: &str = "KEY#";

pub fn grant_sk(business: &TenantId) -> String {
    format!("{GRANT_SK_PREFIX}{business}")
}

pub const GRANT_SK_PREFIX: &str = "B#";

/// The claim of a business's own sending domain (deliveries table).
pub fn domain_claim_pk(domain: &rappel_core::model::DomainName) -> String {
    format!("D#{domain}")
}

pub const DOMAIN_CLAIM_SK: &str = "D";

/// A business's webhook endpoints (deliveries table).
pub fn webhooks_pk(tenant: &TenantId) -> String {
    format!("W#{tenant}")
}

/// A business's delivery events (deliveries table).
pub fn events_pk(tenant: &TenantId) -> String {
    format!("E#{tenant}")
}

/// A business's monthly usage counters (deliveries table).
pub fn usage_pk(tenant: &TenantId) -> String {
    format!("U#{tenant}")
}

pub fn ledger_pk(message_key: &str) -> String {
    format!("L#{message_key}")
}

pub const LEDGER_SK: &str = "L";

/// The mark of one address (its keyed hash) in one business (deliveries table).
pub fn mark_pk(tenant: &TenantId, address: &AddressDigest) -> String {
    format!("M#{tenant}#{address}")
}

pub const MARK_SK: &str = "M";

pub fn history_pk(tenant: &TenantId, client: &ClientId) -> String {
    format!("H#{tenant}#{client}")
}

/// The history partition of messages about no client, per recipient.
pub fn recipient_history_pk(tenant: &TenantId, recipient: &Recipient) -> String {
    format!("H#{tenant}#{recipient}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn instants_sort_as_text_in_time_order() {
        let earlier = Utc.with_ymd_and_hms(2026, 3, 9, 23, 59, 59).unwrap();
        let later = Utc.with_ymd_and_hms(2026, 10, 10, 0, 0, 0).unwrap();
        assert!(instant(earlier) < instant(later));
        assert_eq!(instant(later), "2026-10-10T00:00:00Z");
    }
}
