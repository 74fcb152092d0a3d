//! Item ⇄ record conversion with `serde_dynamo`: the record goes in `data`, the key and index
//! attributes beside it.

use super::keys;
use aws_sdk_dynamodb::types::AttributeValue;
use rappel_ports::forward_compatible;
use rappel_ports::records::{Record, StoreError};
use std::collections::HashMap;

pub type Item = HashMap<String, AttributeValue>;

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// The whole item for a record: keys, `kind`, `version`, index keys and `data`.
pub fn record_item(record: &Record) -> Result<Item, StoreError> {
    let key = record.key();
    let (pk, sk) = keys::record_key(&key);
    let data = serde_dynamo::to_attribute_value(record)
        .map_err(|e| StoreError::Corrupt(format!("{} cannot be stored: {e}", key.kind.as_str())))?;
    let mut item = Item::from([
        (keys::PK.to_owned(), s(pk)),
        (keys::SK.to_owned(), s(sk)),
        (keys::KIND.to_owned(), s(key.kind.as_str())),
        (keys::VERSION.to_owned(), n(record.version())),
        (keys::DATA.to_owned(), data),
    ]);
    if let Record::Appointment(appointment) = record {
        for (name, value) in keys::appointment_index_keys(appointment) {
            item.insert(name.to_owned(), s(value));
        }
    }
    if record.is_open_document() {
        for (name, value) in keys::open_document_index_keys(&key) {
            item.insert(name.to_owned(), s(value));
        }
    }
    if let Record::Waitlist(entry) = record {
        for (name, value) in keys::waitlist_index_keys(entry) {
            item.insert(name.to_owned(), s(value));
        }
    }
    if let Some(client) = record.client()
        && key.kind != rappel_ports::records::RecordKind::Appointment
    {
        for (name, value) in keys::client_index_keys(&key, client) {
            item.insert(name.to_owned(), s(value));
        }
    }
    Ok(item)
}

/// A fresh [`keys::WRITE_ID`].
pub fn write_id() -> AttributeValue {
    AttributeValue::S(uuid::Uuid::new_v4().simple().to_string())
}

/// Whether `item` was put by the write `id` (see [`keys::WRITE_ID`]).
pub fn written_by(item: Option<&Item>, id: &AttributeValue) -> bool {
    item.and_then(|item| item.get(keys::WRITE_ID)) == Some(id)
}

/// The record in an item read from the table.
pub fn item_record(item: &Item) -> Result<Record, StoreError> {
    item_data(item).map_err(StoreError::Corrupt)
}

/// A number attribute, if present and numeric.
pub fn number(item: &Item, name: &str) -> Option<i64> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

pub fn string<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v),
        _ => None,
    }
}

/// Any value kept in `data` (records, history entries), named by its key when it fails.
pub fn item_data<T: serde::de::DeserializeOwned>(item: &Item) -> Result<T, String> {
    decode_data(item).map_err(|e| {
        format!(
            "item {} / {} {e}",
            string(item, keys::PK).unwrap_or("?"),
            string(item, keys::SK).unwrap_or("?")
        )
    })
}

/// Why the `data` attribute of an item or stream image could not be read. Never says more:
/// the serde error may quote a value, and values are personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DataError {
    #[error("has no data attribute")]
    Missing,
    #[error("does not decode")]
    Undecodable,
}

/// The value in `data`, from a table item (SDK types) or a stream image (Lambda event types).
/// A value written by a newer release, with fields this one does not know, is read without
/// them (`rappel_ports::forward_compatible`; the fields left out are logged by name).
pub fn decode_data<AV, T>(item: &HashMap<String, AV>) -> Result<T, DataError>
where
    AV: Clone + Into<serde_dynamo::AttributeValue>,
    T: serde::de::DeserializeOwned,
{
    let data = item.get(keys::DATA).ok_or(DataError::Missing)?;
    // Always through serde_json's `Value`, which the forward-compatible reading needs anyway:
    // each stored type's deserializer is then compiled once, not once more for serde_dynamo's
    // format — the `Record` enum's alone was 0.2 MiB of each function (docs/PERFORMANCE.md).
    let json: serde_json::Value =
        serde_dynamo::from_attribute_value(data.clone()).map_err(|_| DataError::Undecodable)?;
    let decoded = forward_compatible::decode::<T>(json).map_err(|_| DataError::Undecodable)?;
    if !decoded.left_out.is_empty() {
        tracing::warn!(
            left_out = ?decoded.left_out,
            "a stored value written by a newer release was read without the fields this release does not know"
        );
    }
    Ok(decoded.value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rappel_core::model::TenantId;
    use rappel_core::settings::BusinessSettings;

    /// A settings record as a newer release would store it: a field at the top and one deep
    /// in the notification matrix that this release does not know.
    fn settings_item_from_a_newer_release() -> (Record, Item) {
        let tenant = TenantId::parse("salon-lea").unwrap();
        let mut settings = BusinessSettings::defaults_for(&tenant);
        settings.version = 7;
        let record = Record::Settings(settings);
        let mut item = record_item(&record).unwrap();
        let Some(AttributeValue::M(data)) = item.get_mut(keys::DATA) else {
            panic!("the record is a map")
        };
        data.insert("loyalty_program".into(), s("gold"));
        let Some(AttributeValue::M(notifications)) = data.get_mut("notifications") else {
            panic!("the notification matrix is a map")
        };
        let Some(AttributeValue::M(digest)) = notifications.get_mut("digest") else {
            panic!("the digest row is a map")
        };
        digest.insert("weekly".into(), AttributeValue::Bool(true));
        (record, item)
    }

    #[test]
    fn a_record_written_by_a_newer_release_is_read_without_the_fields_this_one_does_not_know() {
        let (record, item) = settings_item_from_a_newer_release();
        let as_it_is = serde_dynamo::from_attribute_value::<_, Record>(item[keys::DATA].clone());
        assert!(as_it_is.is_err(), "this release's types refuse it as it is");
        assert_eq!(item_record(&item).unwrap(), record);
    }

    #[test]
    fn a_stream_image_written_by_a_newer_release_decodes_too() {
        let (record, item) = settings_item_from_a_newer_release();
        let image: serde_dynamo::Item = item.into();
        let decoded: Record = decode_data(&image).unwrap();
        assert_eq!(decoded, record);
    }

    #[test]
    fn a_record_that_is_not_one_still_does_not_decode() {
        let (_, mut item) = settings_item_from_a_newer_release();
        item.insert(keys::DATA.into(), s("not a record"));
        assert!(item_record(&item).is_err());
    }
}
