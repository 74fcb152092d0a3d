//! The API's idempotency keys on DynamoDB: one item per business and key in the deliveries
//! table (`K#<tenant>#<key>` / `K`; no stream, so a key never wakes the change handler),
//! expired by the table's TTL a day after its answer. A claim is a conditional `PutItem`; a
//! failed condition hands back the item that holds the key (`ALL_OLD`), so a retry costs one
//! call. The API may delete only such items (its policy's `dynamodb:LeadingKeys` condition).

use super::codec::{Item, n, s, write_id, written_by};
use super::keys;
use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;
use chrono::{DateTime, Utc};
use rappel_core::model::TenantId;
use rappel_ports::idempotency::{
    CLAIM_LEASE, IdempotencyError, IdempotencyKeys, KeptAnswer, KeyClaim, KeyEntry,
};

/// When a claim without an answer stops holding its key, epoch seconds (for the condition).
const LEASE_EPOCH: &str = "lease_epoch";

#[derive(Debug, Clone)]
pub struct DynamoIdempotency {
    client: Client,
    table: String,
}

impl DynamoIdempotency {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn item(tenant: &TenantId, key: &str, entry: &KeyEntry) -> Result<Item, IdempotencyError> {
        let mut item: Item = serde_dynamo::to_item(entry)
            .map_err(|e| IdempotencyError(format!("key entry cannot be stored: {e}")))?;
        item.insert(keys::PK.into(), s(keys::idempotency_pk(tenant, key)));
        item.insert(keys::SK.into(), s(keys::IDEMPOTENCY_SK));
        item.insert(keys::EXPIRES_AT.into(), n(entry.kept_until.timestamp()));
        item.insert(
            LEASE_EPOCH.into(),
            n((entry.claimed_at + CLAIM_LEASE).timestamp()),
        );
        Ok(item)
    }

    async fn stored(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<KeyEntry>, IdempotencyError> {
        let found = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::idempotency_pk(tenant, key)))
            .key(keys::SK, s(keys::IDEMPOTENCY_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| IdempotencyError(describe(&e)))?;
        found.item.map(|item| entry_of(&item)).transpose()
    }
}

fn entry_of(item: &Item) -> Result<KeyEntry, IdempotencyError> {
    serde_dynamo::from_item(item.clone())
        .map_err(|e| IdempotencyError(format!("unreadable key entry: {e}")))
}

#[async_trait]
impl IdempotencyKeys for DynamoIdempotency {
    async fn claim(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> Result<KeyClaim, IdempotencyError> {
        let write = write_id();
        let mut item = Self::item(tenant, key, &KeyEntry::claim(fingerprint, now))?;
        item.insert(keys::WRITE_ID.into(), write.clone());
        // A lost race against an expiry or a release can leave nothing to report: try again.
        for _ in 0..3 {
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item.clone()))
                .condition_expression(
                    "attribute_not_exists(pk) OR #expires <= :now \
                     OR (attribute_not_exists(answer) AND #lease <= :now \
                         AND fingerprint = :fingerprint)",
                )
                .expression_attribute_names("#expires", keys::EXPIRES_AT)
                .expression_attribute_names("#lease", LEASE_EPOCH)
                .expression_attribute_values(":now", n(now.timestamp()))
                .expression_attribute_values(":fingerprint", s(fingerprint))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .send()
                .await;
            let failed = match result {
                Ok(_) => return Ok(KeyClaim::Fresh),
                Err(error) => match error.as_service_error() {
                    Some(PutItemError::ConditionalCheckFailedException(failed)) => {
                        failed.item.clone()
                    }
                    _ => return Err(IdempotencyError(describe(&error))),
                },
            };
            // This claim landed on an earlier attempt whose answer was lost: it is ours.
            if written_by(failed.as_ref(), &write) {
                return Ok(KeyClaim::Fresh);
            }
            let holder = match failed {
                Some(item) => Some(entry_of(&item)?),
                None => self.stored(tenant, key).await?,
            };
            // Gone or taken over meanwhile (`Fresh`): try again.
            if let Some(holder) = holder.filter(|h| h.holds(now)) {
                let verdict = holder.verdict(fingerprint, now);
                if verdict != KeyClaim::Fresh {
                    return Ok(verdict);
                }
            }
        }
        Err(IdempotencyError(
            "could not claim the key: it kept changing".into(),
        ))
    }

    async fn keep(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
        answer: KeptAnswer,
        now: DateTime<Utc>,
    ) -> Result<(), IdempotencyError> {
        let kept = KeyEntry::answered(fingerprint, answer, now);
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(Self::item(tenant, key, &kept)?))
            .condition_expression("fingerprint = :fingerprint")
            .expression_attribute_values(":fingerprint", s(fingerprint))
            .send()
            .await
            .map_err(|e| IdempotencyError(describe(&e)))?;
        Ok(())
    }

    async fn release(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
    ) -> Result<(), IdempotencyError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::idempotency_pk(tenant, key)))
            .key(keys::SK, s(keys::IDEMPOTENCY_SK))
            .condition_expression("fingerprint = :fingerprint AND attribute_not_exists(answer)")
            .expression_attribute_values(":fingerprint", s(fingerprint))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            // Answered or taken over meanwhile: not ours to free.
            Err(error)
                if matches!(
                    error.as_service_error(),
                    Some(DeleteItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(())
            }
            Err(error) => Err(IdempotencyError(describe(&error))),
        }
    }
}
