//! The communication history on DynamoDB: one partition per client, sorted by the time each
//! outcome was recorded, so "oldest first" is a plain query.

use super::batch_delete::batch_delete;
use super::codec::{Item, item_data, n, s};
use super::conditional::done_unless_failed;
use super::events::event_item;
use super::keys;
use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use rappel_core::message::Recipient;
use rappel_core::model::{ClientId, TenantId};
use rappel_ports::events::event_of_record;
use rappel_ports::history::{CommunicationHistory, CommunicationRecord, HistoryError, HistoryPage};

#[derive(Debug, Clone)]
pub struct DynamoHistory {
    client: Client,
    table: String,
}

impl DynamoHistory {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

#[async_trait]
impl CommunicationHistory for DynamoHistory {
    /// The entry and its event in one write (a transaction of two puts).
    async fn record(&self, entry: CommunicationRecord) -> Result<(), HistoryError> {
        let item = history_item(&entry)?;
        let Some(event) = event_of_record(&entry) else {
            self.client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .send()
                .await
                .map_err(|e| HistoryError(describe(&e)))?;
            return Ok(());
        };
        let event = event_item(&event).map_err(HistoryError)?;
        let put = |item: Item| {
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .build()
                .map(|put| TransactWriteItem::builder().put(put).build())
                .map_err(|e| HistoryError(e.to_string()))
        };
        self.client
            .transact_write_items()
            .transact_items(put(item)?)
            .transact_items(put(event)?)
            .send()
            .await
            .map_err(|e| HistoryError(describe(&e)))?;
        Ok(())
    }

    /// `BatchWriteItem` deletes, 25 at a time.
    async fn forget(&self, entries: &[CommunicationRecord]) -> Result<(), HistoryError> {
        let keys = entries
            .iter()
            .map(|entry| {
                let item = history_item(entry)?;
                Ok(Item::from_iter(
                    [keys::PK, keys::SK]
                        .into_iter()
                        .filter_map(|name| item.get(name).map(|v| (name.to_owned(), v.clone()))),
                ))
            })
            .collect::<Result<Vec<Item>, HistoryError>>()?;
        batch_delete(&self.client, &self.table, keys)
            .await
            .map_err(HistoryError)
    }

    /// One conditional `UpdateItem` per entry (its `kept_until` and TTL): an entry erased
    /// meanwhile is not written back, as a batch put would.
    async fn restamp(&self, entries: &[CommunicationRecord]) -> Result<(), HistoryError> {
        for entry in entries {
            let item = history_item(entry)?;
            let kept = serde_dynamo::to_attribute_value(entry.kept_until)
                .map_err(|e| HistoryError(format!("a retention instant cannot be stored: {e}")))?;
            let result = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(Item::from_iter(
                    [keys::PK, keys::SK]
                        .into_iter()
                        .filter_map(|name| item.get(name).map(|v| (name.to_owned(), v.clone()))),
                )))
                .update_expression("SET #data.#kept = :kept, #expires = :expires")
                .condition_expression("attribute_exists(#pk)")
                .expression_attribute_names("#pk", keys::PK)
                .expression_attribute_names("#data", keys::DATA)
                .expression_attribute_names("#kept", "kept_until")
                .expression_attribute_names("#expires", keys::EXPIRES_AT)
                .expression_attribute_values(":kept", kept)
                .expression_attribute_values(":expires", n(entry.expires_at().timestamp()))
                .send()
                .await;
            done_unless_failed(result).map_err(HistoryError)?;
        }
        Ok(())
    }

    async fn for_client(
        &self,
        tenant: &TenantId,
        client: &ClientId,
    ) -> Result<Vec<CommunicationRecord>, HistoryError> {
        self.partition(keys::history_pk(tenant, client)).await
    }

    /// One query of at most `limit` items from `after` (the sort key is the position).
    async fn client_page(
        &self,
        tenant: &TenantId,
        client: &ClientId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<HistoryPage, HistoryError> {
        let pk = keys::history_pk(tenant, client);
        let start = after.map(|after| {
            Item::from([
                (keys::PK.to_owned(), s(pk.clone())),
                (keys::SK.to_owned(), s(after.to_owned())),
            ])
        });
        let page = self
            .partition_query(pk)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| HistoryError(describe(&e)))?;
        let entries = entries_of(page.items())?;
        let next = page
            .last_evaluated_key()
            .and_then(|key| key.get(keys::SK))
            .and_then(|sk| sk.as_s().ok())
            .cloned();
        Ok(HistoryPage { entries, next })
    }

    async fn for_recipient(
        &self,
        tenant: &TenantId,
        recipient: &Recipient,
    ) -> Result<Vec<CommunicationRecord>, HistoryError> {
        self.partition(keys::recipient_history_pk(tenant, recipient))
            .await
    }
}

impl DynamoHistory {
    /// The query of one history partition, oldest first (its sort key is the entry's position).
    fn partition_query(&self, pk: String) -> QueryFluentBuilder {
        self.client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_values(":pk", s(pk))
            .consistent_read(true)
    }

    /// Every entry of one history partition, oldest first.
    async fn partition(&self, pk: String) -> Result<Vec<CommunicationRecord>, HistoryError> {
        let items: Vec<Item> = self
            .partition_query(pk)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| HistoryError(describe(&e)))?;
        entries_of(&items)
    }
}

/// The entries stored in `items`.
fn entries_of(items: &[Item]) -> Result<Vec<CommunicationRecord>, HistoryError> {
    items
        .iter()
        .map(|item| item_data(item).map_err(HistoryError))
        .collect()
}

/// The item of one history entry (also written by the ledger, in the transaction that settles
/// a sent message).
pub(super) fn history_item(entry: &CommunicationRecord) -> Result<Item, HistoryError> {
    let data = serde_dynamo::to_attribute_value(entry)
        .map_err(|e| HistoryError(format!("history entry cannot be stored: {e}")))?;
    let sk = entry.position();
    let item = Item::from([
        (
            keys::PK.to_owned(),
            s(match &entry.client {
                Some(client) => keys::history_pk(&entry.tenant, client),
                None => keys::recipient_history_pk(&entry.tenant, &entry.recipient),
            }),
        ),
        (keys::SK.to_owned(), s(sk)),
        (
            keys::EXPIRES_AT.to_owned(),
            // The business's history retention, stamped on the entry (TTL).
            n(entry.expires_at().timestamp()),
        ),
        (keys::DATA.to_owned(), data),
    ]);
    Ok(item)
}
