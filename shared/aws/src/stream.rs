//! DynamoDB stream records (as Lambda's event source mapping delivers them) → the ports' change
//! records. A record that cannot be read is reported with its position and the reason — never
//! its content — so the rest of the batch goes on.

use crate::dynamodb::codec::decode_data;
use crate::dynamodb::keys;
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use rappel_ports::records::{ChangeRecord, Record};

/// A stream record that does not decode: reported by its position for Lambda's bounded
/// retries, then set aside in the stream failure queue (a release that reads it may be
/// deployed meanwhile), and counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableRecord {
    pub event_id: String,
    pub sequence: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecodedBatch {
    pub changes: Vec<ChangeRecord>,
    pub unreadable: Vec<UnreadableRecord>,
}

pub fn decode_batch(event: &Event) -> DecodedBatch {
    let mut batch = DecodedBatch::default();
    for record in event.records.iter().filter(|r| !is_visit_mark(r)) {
        match decode_record(record) {
            Ok(change) => batch.changes.push(change),
            Err(reason) => batch.unreadable.push(UnreadableRecord {
                event_id: record.event_id.clone(),
                sequence: record.change.sequence_number.clone(),
                reason,
            }),
        }
    }
    batch
}

/// A client's visit mark (an index entry beside the records, `keys::VISIT_SK_PREFIX`): no
/// change of a record. The stream's filter keeps it from the change handler on AWS; a reader
/// without the filter (a replay, the emulator harness) passes it over here.
fn is_visit_mark(record: &EventRecord) -> bool {
    matches!(
        record.change.keys.get(keys::SK),
        Some(serde_dynamo::AttributeValue::S(sk)) if sk.starts_with(keys::VISIT_SK_PREFIX)
    )
}

fn decode_record(record: &EventRecord) -> Result<ChangeRecord, String> {
    let sequence = record
        .change
        .sequence_number
        .clone()
        .ok_or_else(|| "the record has no sequence number".to_owned())?;
    Ok(ChangeRecord {
        sequence,
        old: decode_image(&record.change.old_image, "old")?,
        new: decode_image(&record.change.new_image, "new")?,
        expired: is_expiry(record),
    })
}

/// The principal DynamoDB names as the author of the deletions its TTL makes.
const TTL_PRINCIPAL: &str = "dynamodb.amazonaws.com";

/// A deletion by the table's TTL (a record's retention ran out): DynamoDB's own service
/// identity on a `REMOVE`, as documented for TTL's stream records.
fn is_expiry(record: &EventRecord) -> bool {
    record.event_name == "REMOVE"
        && record
            .user_identity
            .as_ref()
            .is_some_and(|identity| identity.principal_id == TTL_PRINCIPAL)
}

/// An image is empty when the item did not exist before (insert) or after (remove).
fn decode_image(image: &serde_dynamo::Item, which: &str) -> Result<Option<Record>, String> {
    if image.is_empty() {
        return Ok(None);
    }
    decode_data(image)
        .map(Some)
        .map_err(|e| format!("the {which} image {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deletion by the table's TTL, as AWS documents its stream record (`userIdentity`).
    const TTL_REMOVE: &str = include_str!("../../../infra/events/dynamodb-stream-ttl-remove.json");

    fn ttl_remove() -> Event {
        serde_json::from_str(TTL_REMOVE).expect("the fixture is a DynamoDB stream event")
    }

    #[test]
    fn a_deletion_by_ttl_is_read_as_an_expiry_with_its_old_image() {
        let batch = decode_batch(&ttl_remove());
        assert!(batch.unreadable.is_empty());
        assert_eq!(batch.changes.len(), 1);
        let change = &batch.changes[0];
        assert!(change.expired);
        assert!(change.new.is_none());
        assert!(matches!(change.old, Some(Record::Appointment(_))));
    }

    #[test]
    fn a_deletion_by_a_command_or_a_write_by_anyone_is_no_expiry() {
        let mut by_command = ttl_remove();
        by_command.records[0].user_identity = None;
        assert!(!decode_batch(&by_command).changes[0].expired);
        let mut by_someone = ttl_remove();
        if let Some(identity) = by_someone.records[0].user_identity.as_mut() {
            identity.principal_id = "AIDAEXAMPLEUSER".into();
        }
        assert!(!decode_batch(&by_someone).changes[0].expired);
        let batch: Event = serde_json::from_str(include_str!(
            "../../../infra/events/dynamodb-stream-batch.json"
        ))
        .expect("the fixture is a DynamoDB stream event");
        let changes = decode_batch(&batch).changes;
        assert!(!changes.is_empty());
        assert!(changes.iter().all(|c| !c.expired));
    }
}
