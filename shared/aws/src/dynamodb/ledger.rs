//! The delivery ledger on DynamoDB: a claim is a conditional put that only succeeds when the
//! key is new or its previous claim's lease has run out — two triggers racing for one message
//! cannot both win.

use super::codec::{Item, n, s, write_id, written_by};
use super::conditional::done_unless_failed;
use super::events::event_item;
use super::history::history_item;
use super::keys;
use super::usage::usage_updates;
use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use chrono::{DateTime, Utc};
use rappel_ports::events::event_of_record;
use rappel_ports::history::CommunicationRecord;
use rappel_ports::ledger::{
    CLAIM_LEASE, Claim, DeliveryLedger, Filed, LedgerEntry, LedgerError, LedgerState,
    ProviderOutcome, expiry,
};

/// The lease end as epoch seconds, for the claim condition (the entry's own `lease_until` is text).
const LEASE_EPOCH: &str = "lease_epoch";
/// The provider outcome's weight, for the condition that keeps the strongest.
const OUTCOME_RANK: &str = "outcome_rank";

#[derive(Debug, Clone)]
pub struct DynamoLedger {
    client: Client,
    table: String,
}

impl DynamoLedger {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn item(&self, key: &str, entry: &LedgerEntry) -> Result<Item, LedgerError> {
        let mut item: Item = serde_dynamo::to_item(entry)
            .map_err(|e| LedgerError(format!("ledger entry cannot be stored: {e}")))?;
        item.insert(keys::PK.into(), s(keys::ledger_pk(key)));
        item.insert(keys::SK.into(), s(keys::LEDGER_SK));
        item.insert(keys::EXPIRES_AT.into(), n(entry.expires_at().timestamp()));
        if let Some(until) = entry.lease_until {
            item.insert(LEASE_EPOCH.into(), n(until.timestamp()));
        }
        Ok(item)
    }
}

/// Whether a transaction was cancelled by the ledger entry's condition (its first item): a
/// settle finding the key `sent` already, an outcome finding a stronger one.
fn already_sent(error: &SdkError<TransactWriteItemsError>) -> bool {
    match error.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => cancelled
            .cancellation_reasons()
            .first()
            .and_then(|reason| reason.code())
            .is_some_and(|code| code == "ConditionalCheckFailed"),
        _ => false,
    }
}

impl DynamoLedger {
    /// A settled entry replaces whatever claim was there (unconditionally: only the claimer
    /// settles, and a settled key is never claimed again).
    async fn put_settled(&self, key: &str, entry: &LedgerEntry) -> Result<(), LedgerError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(self.item(key, entry)?))
            .send()
            .await
            .map_err(|e| LedgerError(describe(&e)))?;
        Ok(())
    }
}

fn entry_of(item: &Item) -> Result<LedgerEntry, LedgerError> {
    serde_dynamo::from_item(item.clone())
        .map_err(|e| LedgerError(format!("a ledger entry does not decode: {e}")))
}

#[async_trait]
impl DeliveryLedger for DynamoLedger {
    async fn claim(&self, key: &str, now: DateTime<Utc>) -> Result<Claim, LedgerError> {
        let claim = LedgerEntry {
            state: LedgerState::Claimed,
            at: now,
            lease_until: Some(now + CLAIM_LEASE),
            record: None,
            outcome: None,
        };
        let write = write_id();
        let mut item = self.item(key, &claim)?;
        item.insert(keys::WRITE_ID.into(), write.clone());
        // A lost race against a release can leave nothing to report: try again, a few times.
        for _ in 0..3 {
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item.clone()))
                .condition_expression(
                    "attribute_not_exists(pk) OR (#state = :claimed AND #lease <= :now)",
                )
                .expression_attribute_names("#state", "state")
                .expression_attribute_names("#lease", LEASE_EPOCH)
                .expression_attribute_values(":claimed", s("claimed"))
                .expression_attribute_values(":now", n(now.timestamp()))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .send()
                .await;
            match result {
                Ok(_) => return Ok(Claim::Claimed),
                Err(error) => match error.as_service_error() {
                    // This claim landed on an earlier attempt whose answer was lost: it is
                    // ours, not another delivery's.
                    Some(PutItemError::ConditionalCheckFailedException(failed))
                        if written_by(failed.item.as_ref(), &write) =>
                    {
                        return Ok(Claim::Claimed);
                    }
                    Some(PutItemError::ConditionalCheckFailedException(failed)) => {
                        let existing = match failed.item() {
                            Some(item) => Some(entry_of(item)?),
                            None => self.entry(key).await?,
                        };
                        if let Some(existing) = existing {
                            return Ok(Claim::Taken(existing));
                        }
                    }
                    _ => return Err(LedgerError(describe(&error))),
                },
            }
        }
        Err(LedgerError(format!(
            "could not claim {key}: it kept changing"
        )))
    }

    async fn complete(
        &self,
        key: &str,
        state: LedgerState,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.put_settled(key, &LedgerEntry::settled(state, now, None))
            .await
    }

    async fn settle_sent(
        &self,
        key: &str,
        record: &CommunicationRecord,
        now: DateTime<Utc>,
    ) -> Result<Filed, LedgerError> {
        // One transaction: the settled entry, the history entry and the usage counters (same
        // table), so a sent message costs one write after the send, and none exists without
        // the others.
        let ledger = self.item(
            key,
            &LedgerEntry::settled(LedgerState::Sent, now, Some(record)),
        )?;
        let history = history_item(record).map_err(|e| LedgerError(e.0))?;
        let put = |item: Item, condition: Option<&str>| -> Result<TransactWriteItem, LedgerError> {
            let mut put = Put::builder().table_name(&self.table).set_item(Some(item));
            if let Some(condition) = condition {
                put = put
                    .condition_expression(condition)
                    .expression_attribute_names("#state", "state")
                    .expression_attribute_values(":sent", s("sent"));
            }
            let put = put.build().map_err(|e| LedgerError(e.to_string()))?;
            Ok(TransactWriteItem::builder().put(put).build())
        };
        // Only a key not yet `sent`: a settle request the queue delivers twice finds it sent,
        // and the usage is not counted again.
        let not_yet_sent = "attribute_not_exists(#state) OR #state <> :sent";
        let mut transaction = self
            .client
            .transact_write_items()
            .transact_items(put(ledger, Some(not_yet_sent))?)
            .transact_items(put(history, None)?);
        // Its event too (`message.sent`).
        if let Some(event) = event_of_record(record) {
            transaction =
                transaction.transact_items(put(event_item(&event).map_err(LedgerError)?, None)?);
        }
        // The month's and the hour's usage count it in the same write: counted once, with no
        // call of its own.
        for count in usage_updates(&self.table, record).map_err(LedgerError)? {
            transaction =
                transaction.transact_items(TransactWriteItem::builder().update(count).build());
        }
        match transaction.send().await {
            Ok(_) => Ok(Filed::WithHistory),
            // The ledger's condition failed: the message is settled already, with its history
            // entry and its count (the first item is the ledger's).
            Err(error) if already_sent(&error) => Ok(Filed::AlreadySent),
            Err(error) => Err(LedgerError(describe(&error))),
        }
    }

    /// One transaction: the outcome on the ledger entry (only over a weaker one), the history
    /// entry and its event. Cancelled by that condition — a stronger outcome kept, or no entry
    /// — the caller files the history entry alone.
    async fn record_outcome(
        &self,
        key: &str,
        outcome: ProviderOutcome,
        record: &CommunicationRecord,
    ) -> Result<Filed, LedgerError> {
        let value = serde_dynamo::to_attribute_value(outcome)
            .map_err(|e| LedgerError(format!("an outcome cannot be stored: {e}")))?;
        let update = Update::builder()
            .table_name(&self.table)
            .key(keys::PK, s(keys::ledger_pk(key)))
            .key(keys::SK, s(keys::LEDGER_SK))
            .update_expression("SET #outcome = :outcome, #rank = :rank")
            .condition_expression(
                "attribute_exists(#state) AND (attribute_not_exists(#rank) OR #rank < :rank)",
            )
            .expression_attribute_names("#outcome", "outcome")
            .expression_attribute_names("#rank", OUTCOME_RANK)
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":outcome", value)
            .expression_attribute_values(":rank", n(outcome.kind.rank()))
            .build()
            .map_err(|e| LedgerError(e.to_string()))?;
        let put = |item: Item| -> Result<TransactWriteItem, LedgerError> {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .build()
                .map_err(|e| LedgerError(e.to_string()))?;
            Ok(TransactWriteItem::builder().put(put).build())
        };
        let mut transaction = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(update).build())
            .transact_items(put(history_item(record).map_err(|e| LedgerError(e.0))?)?);
        if let Some(event) = event_of_record(record) {
            transaction =
                transaction.transact_items(put(event_item(&event).map_err(LedgerError)?)?);
        }
        match transaction.send().await {
            Ok(_) => Ok(Filed::WithHistory),
            Err(error) if already_sent(&error) => Ok(Filed::LedgerOnly),
            Err(error) => Err(LedgerError(describe(&error))),
        }
    }

    async fn release(&self, key: &str) -> Result<(), LedgerError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::ledger_pk(key)))
            .key(keys::SK, s(keys::LEDGER_SK))
            // Never erase a finished delivery.
            .condition_expression("#state = :claimed")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":claimed", s("claimed"))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) => match error.as_service_error() {
                Some(DeleteItemError::ConditionalCheckFailedException(_)) => Ok(()),
                _ => Err(LedgerError(describe(&error))),
            },
        }
    }

    async fn entry(&self, key: &str) -> Result<Option<LedgerEntry>, LedgerError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::ledger_pk(key)))
            .key(keys::SK, s(keys::LEDGER_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| LedgerError(describe(&e)))?;
        output.item().map(entry_of).transpose()
    }

    /// `UpdateItem … REMOVE record` on an existing entry.
    async fn forget_copy(&self, key: &str) -> Result<(), LedgerError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::ledger_pk(key)))
            .key(keys::SK, s(keys::LEDGER_SK))
            .update_expression("REMOVE #record")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#record", "record")
            .expression_attribute_names("#pk", keys::PK)
            .send()
            .await;
        done_unless_failed(result).map_err(LedgerError)
    }

    /// `UpdateItem` of the copy's `kept_until` and the entry's TTL, on an entry with a copy.
    async fn restamp_copy(
        &self,
        key: &str,
        recorded_at: DateTime<Utc>,
        kept_until: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        // The entry was written when its copy was recorded (settled with it).
        let expires = expiry(recorded_at, Some(kept_until));
        let kept = serde_dynamo::to_attribute_value(kept_until)
            .map_err(|e| LedgerError(format!("a retention instant cannot be stored: {e}")))?;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::ledger_pk(key)))
            .key(keys::SK, s(keys::LEDGER_SK))
            .update_expression("SET #record.#kept = :kept, #expires = :expires")
            .condition_expression("attribute_exists(#record)")
            .expression_attribute_names("#record", "record")
            .expression_attribute_names("#kept", "kept_until")
            .expression_attribute_names("#expires", keys::EXPIRES_AT)
            .expression_attribute_values(":kept", kept)
            .expression_attribute_values(":expires", n(expires.timestamp()))
            .send()
            .await;
        // No entry, or no copy (its recipient was erased): nothing to keep.
        done_unless_failed(result).map_err(LedgerError)
    }
}
