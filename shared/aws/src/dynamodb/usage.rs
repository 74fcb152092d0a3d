//! A business's monthly usage on DynamoDB: one item per business and month in the deliveries
//! table (`U#<tenant>` / `<YYYY-MM>`), one number per counter — `n#<kind>#<channel>` messages,
//! `p#<kind>#<channel>` SMS parts, `sms_cost` — each raised with `ADD`, so concurrent sends
//! never lose a count. A message sent is counted in the transaction that settles it
//! ([`usage_updates`], part of the ledger's `settle_sent`, whose ledger item is conditional on
//! the key not being `sent` yet): no call of its own, and never counted twice — not even when
//! the queue delivers a settle request twice. Kept 400 days. Beside it, one item per business and UTC hour
//! (`U#<tenant>` / `<YYYY-MM-DDTHH>`: `sent`, and `held` by the send cap), raised in the same
//! transaction and kept two days: what a send cap reads, one small item.

use super::codec::{Item, n, s};
use super::keys;
use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, TransactWriteItem, Update};
use chrono::Duration;
use rappel_core::budget::{Cost, UsageHour, UsageMonth};
use rappel_core::message::{Channel, MessageKind};
use rappel_core::model::TenantId;
use rappel_ports::history::CommunicationRecord;
use rappel_ports::usage::{
    HourUsage, MonthUsage, UsageError, UsageMeter, counts, hour_of, month_of,
};
use std::collections::HashMap;

const MESSAGES: &str = "n#";
const PARTS: &str = "p#";
const SMS_COST: &str = "sms_cost";
const SMS_REFUSED: &str = "sms_refused";
const HOUR_SENT: &str = "sent";
const HOUR_HELD: &str = "held";
/// How long a month's counters are kept.
const KEEP_FOR: Duration = Duration::days(400);
/// How long an hour's counters are kept: a send cap only reads the current hour.
const KEEP_HOUR_FOR: Duration = Duration::days(2);

/// The item's key: a month (`YYYY-MM`) or an hour (`YYYY-MM-DDTHH`) of the business.
fn key(tenant: &TenantId, period: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (keys::PK.to_owned(), s(keys::usage_pk(tenant))),
        (keys::SK.to_owned(), s(period)),
    ])
}

/// The update that counts `record` in its hour.
fn hour_counting(record: &CommunicationRecord) -> Counting {
    Counting {
        expression: "ADD #n :one SET #x = :x".to_owned(),
        names: HashMap::from([
            ("#n".to_owned(), HOUR_SENT.to_owned()),
            ("#x".to_owned(), keys::EXPIRES_AT.to_owned()),
        ]),
        values: HashMap::from([
            (":one".to_owned(), n(1)),
            (
                ":x".to_owned(),
                n((record.recorded_at + KEEP_HOUR_FOR).timestamp()),
            ),
        ]),
    }
}

/// The update expression that counts `record`, with its names and values.
struct Counting {
    expression: String,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

fn counting(record: &CommunicationRecord) -> Counting {
    let line = format!("{}#{}", record.kind, record.channel);
    let mut names = HashMap::from([
        ("#n".to_owned(), format!("{MESSAGES}{line}")),
        ("#x".to_owned(), keys::EXPIRES_AT.to_owned()),
    ]);
    let mut values = HashMap::from([
        (":one".to_owned(), n(1)),
        (
            ":x".to_owned(),
            n((record.recorded_at + KEEP_FOR).timestamp()),
        ),
    ]);
    let mut expression = "ADD #n :one".to_owned();
    if let Some(sms) = &record.sms {
        names.insert("#p".into(), format!("{PARTS}{line}"));
        names.insert("#c".into(), SMS_COST.into());
        values.insert(":parts".into(), n(sms.parts));
        values.insert(":cost".into(), n(sms.cost.0));
        expression.push_str(", #p :parts, #c :cost");
    }
    expression.push_str(" SET #x = :x");
    Counting {
        expression,
        names,
        values,
    }
}

/// The transaction items that count `record` in its business's month and hour (none if it
/// does not count).
pub(super) fn usage_updates(
    table: &str,
    record: &CommunicationRecord,
) -> Result<Vec<Update>, String> {
    if !counts(record) {
        return Ok(Vec::new());
    }
    let month = month_of(record);
    let hour = hour_of(record);
    [
        (month.as_str(), counting(record)),
        (hour.as_str(), hour_counting(record)),
    ]
    .into_iter()
    .map(|(period, counting)| {
        Update::builder()
            .table_name(table)
            .set_key(Some(key(&record.tenant, period)))
            .update_expression(counting.expression)
            .set_expression_attribute_names(Some(counting.names))
            .set_expression_attribute_values(Some(counting.values))
            .build()
            .map_err(|e| e.to_string())
    })
    .collect()
}

#[derive(Debug, Clone)]
pub struct DynamoUsage {
    client: Client,
    table: String,
}

impl DynamoUsage {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

#[async_trait]
impl UsageMeter for DynamoUsage {
    /// The same updates as the settle transaction's, in a transaction of their own (the
    /// ledger counts on AWS: this is for a store that files the history apart).
    async fn count(&self, record: &CommunicationRecord) -> Result<(), UsageError> {
        let updates = usage_updates(&self.table, record).map_err(UsageError)?;
        if updates.is_empty() {
            return Ok(());
        }
        let items = updates
            .into_iter()
            .map(|update| TransactWriteItem::builder().update(update).build())
            .collect();
        self.client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
            .map_err(|e| UsageError(describe(&e)))?;
        Ok(())
    }

    async fn count_refused(&self, tenant: &TenantId, month: &UsageMonth) -> Result<(), UsageError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(tenant, month.as_str())))
            .update_expression("ADD #r :one")
            .expression_attribute_names("#r", SMS_REFUSED)
            .expression_attribute_values(":one", n(1))
            .send()
            .await
            .map_err(|e| UsageError(describe(&e)))?;
        Ok(())
    }

    async fn month(&self, tenant: &TenantId, month: &UsageMonth) -> Result<MonthUsage, UsageError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(tenant, month.as_str())))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| UsageError(describe(&e)))?;
        Ok(output.item().map(month_usage).unwrap_or_default())
    }

    async fn hour(&self, tenant: &TenantId, hour: &UsageHour) -> Result<HourUsage, UsageError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(tenant, hour.as_str())))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| UsageError(describe(&e)))?;
        let count = |name: &str| {
            output
                .item()
                .and_then(|item| item.get(name))
                .map_or(0, number)
        };
        Ok(HourUsage {
            sent: count(HOUR_SENT),
            held: count(HOUR_HELD),
        })
    }

    async fn hold(&self, tenant: &TenantId, hour: &UsageHour) -> Result<u64, UsageError> {
        let expires = hour.start() + KEEP_HOUR_FOR;
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(tenant, hour.as_str())))
            .update_expression("ADD #h :one SET #x = if_not_exists(#x, :x)")
            .expression_attribute_names("#h", HOUR_HELD)
            .expression_attribute_names("#x", keys::EXPIRES_AT)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":x", n(expires.timestamp()))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| UsageError(describe(&e)))?;
        Ok(output
            .attributes()
            .and_then(|a| a.get(HOUR_HELD))
            .map_or(1, number))
    }
}

/// A counter's value (0 if unreadable).
fn number(value: &AttributeValue) -> u64 {
    value
        .as_n()
        .ok()
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(0)
}

/// Reads the counters back (a counter whose name this build does not know is skipped).
fn month_usage(item: &Item) -> MonthUsage {
    let line_of = |name: &str| -> Option<(MessageKind, Channel)> {
        let (kind, channel) = name.split_once('#')?;
        Some((
            MessageKind::parse(kind).ok()?,
            Channel::parse(channel).ok()?,
        ))
    };
    let mut usage = MonthUsage::default();
    let mut names: Vec<&String> = item.keys().collect();
    names.sort();
    for name in names {
        let value = number(&item[name]);
        if let Some((kind, channel)) = name.strip_prefix(MESSAGES).and_then(line_of) {
            usage.add(kind, channel, value, 0, Cost::ZERO);
        } else if let Some((kind, channel)) = name.strip_prefix(PARTS).and_then(line_of) {
            usage.add(kind, channel, 0, value, Cost::ZERO);
        } else if name == SMS_COST {
            usage.sms_cost = Cost(value);
        } else if name == SMS_REFUSED {
            usage.sms_refused = value;
        }
    }
    usage
}
