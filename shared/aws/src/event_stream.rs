//! The deliveries table's stream (as Lambda's event source mapping delivers it, filtered to
//! the events' partitions) → the delivery events written, in stream order. Only an insert is
//! an event: the same event written again (a retried write) changes nothing. A record that
//! does not decode is reported by its position, never its content.

use crate::dynamodb::codec::decode_data;
use crate::stream::UnreadableRecord;
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use rappel_core::events::DeliveryEvent;

/// The prefix of the events' partition keys (`E#<tenant>`): what the mapping's filter keeps.
pub const EVENTS_PK_PREFIX: &str = "E#";

/// An event and its record's position in the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamedEvent {
    pub sequence: String,
    pub event: DeliveryEvent,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecodedEvents {
    pub events: Vec<StreamedEvent>,
    pub unreadable: Vec<UnreadableRecord>,
}

pub fn decode_events(event: &Event) -> DecodedEvents {
    let mut decoded = DecodedEvents::default();
    for record in event.records.iter().filter(|r| is_new_event(r)) {
        let sequence = record.change.sequence_number.clone();
        match (sequence, decode_data(&record.change.new_image)) {
            (Some(sequence), Ok(event)) => decoded.events.push(StreamedEvent { sequence, event }),
            (sequence, result) => decoded.unreadable.push(UnreadableRecord {
                event_id: record.event_id.clone(),
                sequence,
                reason: match result {
                    Err(e) => format!("the event {e}"),
                    Ok(_) => "the record has no sequence number".into(),
                },
            }),
        }
    }
    decoded
}

/// An insert into an events partition (the filter on AWS; the emulator's harness reads the
/// whole stream).
fn is_new_event(record: &EventRecord) -> bool {
    record.event_name == "INSERT"
        && matches!(
            record.change.keys.get(crate::dynamodb::keys::PK),
            Some(serde_dynamo::AttributeValue::S(pk)) if pk.starts_with(EVENTS_PK_PREFIX)
        )
}
