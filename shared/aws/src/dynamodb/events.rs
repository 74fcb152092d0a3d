//! Each business's delivery events on DynamoDB, in the deliveries table: one partition per
//! business (`E#<tenant>`), sorted by position (`<occurred at, ms>#<event id>`), so a page
//! from a cursor is one query. An entry's event is written with the entry itself (the history's
//! put and the settle transaction carry it: no call of their own); a reaction's planning events
//! go in one `BatchWriteItem` per 25. Kept 30 days: the replay window.

use super::codec::{Item, item_data, n, s};
use super::keys;
use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rappel_core::events::DeliveryEvent;
use rappel_core::model::TenantId;
use rappel_ports::events::{EventError, EventLog, EventPage, Positioned};

/// How long events can be replayed.
const KEEP_FOR: Duration = Duration::days(30);
/// A `BatchWriteItem` takes at most this many puts.
const BATCH: usize = 25;
/// How often the puts DynamoDB leaves unprocessed are sent again.
const UNPROCESSED_RETRIES: usize = 5;

/// The item of `event`.
pub(super) fn event_item(event: &DeliveryEvent) -> Result<Item, String> {
    let data = serde_dynamo::to_attribute_value(event)
        .map_err(|e| format!("event cannot be stored: {e}"))?;
    Ok(Item::from([
        (keys::PK.to_owned(), s(keys::events_pk(&event.business))),
        (keys::SK.to_owned(), s(event.position())),
        (
            keys::EXPIRES_AT.to_owned(),
            n((event.occurred_at + KEEP_FOR).timestamp()),
        ),
        (keys::DATA.to_owned(), data),
    ]))
}

#[derive(Debug, Clone)]
pub struct DynamoEventLog {
    client: Client,
    table: String,
}

impl DynamoEventLog {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

#[async_trait]
impl EventLog for DynamoEventLog {
    async fn append(&self, events: &[DeliveryEvent]) -> Result<(), EventError> {
        for chunk in events.chunks(BATCH) {
            let mut writes = chunk
                .iter()
                .map(|event| {
                    let item = event_item(event).map_err(EventError)?;
                    let put = PutRequest::builder()
                        .set_item(Some(item))
                        .build()
                        .map_err(|e| EventError(e.to_string()))?;
                    Ok(WriteRequest::builder().put_request(put).build())
                })
                .collect::<Result<Vec<_>, EventError>>()?;
            for _ in 0..=UNPROCESSED_RETRIES {
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, writes)
                    .send()
                    .await
                    .map_err(|e| EventError(describe(&e)))?;
                writes = output
                    .unprocessed_items()
                    .and_then(|left| left.get(&self.table))
                    .cloned()
                    .unwrap_or_default();
                if writes.is_empty() {
                    break;
                }
            }
            if !writes.is_empty() {
                return Err(EventError(format!(
                    "{} events left unprocessed",
                    writes.len()
                )));
            }
        }
        Ok(())
    }

    /// Positions are times: every event written from `now` on sorts after `<now>#`.
    async fn position_now(
        &self,
        _tenant: &TenantId,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, EventError> {
        Ok(Some(format!(
            "{}#",
            now.to_rfc3339_opts(SecondsFormat::Millis, true)
        )))
    }

    async fn page(
        &self,
        tenant: &TenantId,
        after: Option<&str>,
        limit: usize,
        until: DateTime<Utc>,
    ) -> Result<EventPage, EventError> {
        let pk = keys::events_pk(tenant);
        // Every position of an instant up to `until` sorts before this one.
        let last = format!("{}#~", until.to_rfc3339_opts(SecondsFormat::Millis, true));
        let start = after.map(|after| {
            Item::from([
                (keys::PK.to_owned(), s(pk.clone())),
                (keys::SK.to_owned(), s(after.to_owned())),
            ])
        });
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND #sk <= :last")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_names("#sk", keys::SK)
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":last", s(last))
            .set_exclusive_start_key(start)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(|e| EventError(describe(&e)))?;
        let events = output
            .items()
            .iter()
            .map(|item| {
                let event = item_data::<DeliveryEvent>(item)?;
                let position = item
                    .get(keys::SK)
                    .and_then(|sk| sk.as_s().ok())
                    .cloned()
                    .unwrap_or_else(|| event.position());
                Ok(Positioned { position, event })
            })
            .collect::<Result<Vec<_>, String>>()
            .map_err(EventError)?;
        let next = output
            .last_evaluated_key()
            .and_then(|key| key.get(keys::SK))
            .and_then(|sk| sk.as_s().ok())
            .cloned();
        Ok(EventPage { events, next })
    }
}
