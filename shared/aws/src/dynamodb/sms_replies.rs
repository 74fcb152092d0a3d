//! What was texted from the two-way number, and the STOPs, on DynamoDB (deliveries table):
//!
//! - a text: `S#<two-way number>#<keyed hash of the number>` / `<sent at, ms>#<tenant>`, the
//!   text in `data`,
//!   kept [`TEXT_KEPT`] (or, when it asked for a confirmation, until its appointment begins
//!   if later); a reply reads the latest [`TEXTS_READ`] of its pair in one `Query`;
//! - a stop: `X#<tenant>#<keyed hash of the number>` / `X`, since when in `data` (it outlives
//!   the client's erasure, so it never holds the number).

use super::batch_delete::batch_delete;
use super::codec::{Item, item_data, n, s, string};
use super::keys;
use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, Utc};
use rappel_core::model::{PhoneNumber, TenantId};
use rappel_core::privacy::AddressDigest;
use rappel_core::replies::{ReplyContext, TextedNumber};
use rappel_ports::sms_replies::{RepliesError, SmsReplies, TEXT_KEPT, TEXTS_READ};

#[derive(Debug, Clone)]
pub struct DynamoSmsReplies {
    client: Client,
    table: String,
}

impl DynamoSmsReplies {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn texts_pk(two_way: &PhoneNumber, number: &AddressDigest) -> String {
    format!("S#{}#{number}", two_way.as_str())
}

fn stop_pk(tenant: &TenantId, number: &AddressDigest) -> String {
    format!("X#{tenant}#{number}")
}

const STOP_SK: &str = "X";

fn unavailable(e: impl std::fmt::Display) -> RepliesError {
    RepliesError(e.to_string())
}

#[async_trait]
impl SmsReplies for DynamoSmsReplies {
    async fn remember(&self, to: &AddressDigest, text: &TextedNumber) -> Result<(), RepliesError> {
        let kept_until = text.asks.as_ref().map_or(text.at + TEXT_KEPT, |ask| {
            (text.at + TEXT_KEPT).max(ask.starts_at)
        });
        let data = serde_dynamo::to_attribute_value(text).map_err(unavailable)?;
        let item = Item::from([
            (keys::PK.to_owned(), s(texts_pk(&text.from, to))),
            (
                keys::SK.to_owned(),
                s(format!(
                    "{}#{}",
                    text.at.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
                    text.tenant
                )),
            ),
            (keys::DATA.to_owned(), data),
            (keys::EXPIRES_AT.to_owned(), n(kept_until.timestamp())),
        ]);
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| unavailable(describe(&e)))?;
        Ok(())
    }

    async fn context_of(
        &self,
        two_way: &PhoneNumber,
        number: &AddressDigest,
    ) -> Result<ReplyContext, RepliesError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_values(":pk", s(texts_pk(two_way, number)))
            .scan_index_forward(false)
            .limit(i32::try_from(TEXTS_READ).unwrap_or(i32::MAX))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable(describe(&e)))?;
        let texts = output
            .items()
            .iter()
            .map(|item| item_data::<TextedNumber>(item).map_err(unavailable))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ReplyContext::of_texts(&texts))
    }

    /// Pages through the pair's texts (one `Query` per page, keys only), deleting the
    /// business's (its id ends each sort key) 25 at a time.
    async fn forget_texts(
        &self,
        two_way: &PhoneNumber,
        number: &AddressDigest,
        tenant: &TenantId,
    ) -> Result<u32, RepliesError> {
        let pk = texts_pk(two_way, number);
        let suffix = format!("#{tenant}");
        let mut forgotten = 0u32;
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", keys::PK)
                .expression_attribute_names("#sk", keys::SK)
                .expression_attribute_values(":pk", s(pk.clone()))
                .projection_expression("#pk, #sk")
                .set_exclusive_start_key(start)
                .consistent_read(true)
                .send()
                .await
                .map_err(|e| unavailable(describe(&e)))?;
            let theirs: Vec<Item> = output
                .items()
                .iter()
                .filter(|item| string(item, keys::SK).is_some_and(|sk| sk.ends_with(&suffix)))
                .cloned()
                .collect();
            forgotten += u32::try_from(theirs.len()).unwrap_or(u32::MAX);
            batch_delete(&self.client, &self.table, theirs)
                .await
                .map_err(unavailable)?;
            start = output.last_evaluated_key().cloned();
            if start.is_none() {
                return Ok(forgotten);
            }
        }
    }

    async fn set_stopped(
        &self,
        tenant: &TenantId,
        number: &AddressDigest,
        stopped: Option<DateTime<Utc>>,
    ) -> Result<(), RepliesError> {
        let (pk, sk) = (s(stop_pk(tenant, number)), s(STOP_SK));
        match stopped {
            Some(at) => {
                let data = serde_dynamo::to_attribute_value(at).map_err(unavailable)?;
                self.client
                    .put_item()
                    .table_name(&self.table)
                    .item(keys::PK, pk)
                    .item(keys::SK, sk)
                    .item(keys::DATA, data)
                    .send()
                    .await
                    .map_err(|e| unavailable(describe(&e)))?;
            }
            None => {
                self.client
                    .delete_item()
                    .table_name(&self.table)
                    .key(keys::PK, pk)
                    .key(keys::SK, sk)
                    .send()
                    .await
                    .map_err(|e| unavailable(describe(&e)))?;
            }
        }
        Ok(())
    }

    async fn stopped_since(
        &self,
        tenant: &TenantId,
        number: &AddressDigest,
    ) -> Result<Option<DateTime<Utc>>, RepliesError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, s(stop_pk(tenant, number)))
            .key(keys::SK, s(STOP_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable(describe(&e)))?;
        output
            .item()
            .map(|item| item_data(item).map_err(unavailable))
            .transpose()
    }
}
