//! Item ⇄ record conversion with `serde_dynamo`: the record goes in `data`, the key and index
//! attributes beside it.

use super::keys;
use aws_sdk_dynamodb::types::AttributeValue;
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
    Ok(item)
}

/// The record in an item read from the table.
pub fn item_record(item: &Item) -> Result<Record, StoreError> {
    let data = item
        .get(keys::DATA)
        .ok_or_else(|| StoreError::Corrupt("an item has no data attribute".into()))?;
    // The serde error may quote a value (personal data): name the item by its key only.
    serde_dynamo::from_attribute_value(data.clone()).map_err(|_| {
        StoreError::Corrupt(format!(
            "item {} / {} does not decode as a record",
            string(item, keys::PK).unwrap_or("?"),
            string(item, keys::SK).unwrap_or("?")
        ))
    })
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

/// Any value kept in `data` (history entries).
pub fn item_data<T: serde::de::DeserializeOwned>(item: &Item) -> Result<T, String> {
    let data = item
        .get(keys::DATA)
        .ok_or_else(|| "an item has no data attribute".to_owned())?;
    serde_dynamo::from_attribute_value(data.clone()).map_err(|_| {
        format!(
            "item {} / {} does not decode",
            string(item, keys::PK).unwrap_or("?"),
            string(item, keys::SK).unwrap_or("?")
        )
    })
}
