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
    })
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
