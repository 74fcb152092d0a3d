//! The record store on DynamoDB: strongly consistent gets, conditional puts on `version`, and
//! the index queries of the module doc.

use super::batch_get::batch_get;
use super::codec::{Item, item_record, n, number, record_item, s, string, write_id, written_by};
use super::conditional::done_unless_failed;
use super::keys;
use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;
use chrono::{DateTime, Utc};
use rappel_core::model::{
    Appointment, AppointmentTypeId, ClientId, Inbound, StaffId, StaffMember, TenantId,
    WaitlistEntry,
};
use rappel_ports::records::{Answer, Query};
use rappel_ports::records::{
    AppointmentPage, Expected, KeyPage, Listing, Record, RecordKey, RecordKind, RecordReader,
    RecordWriter, StartingBetween, StoreError,
};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone)]
pub struct DynamoRecords {
    client: Client,
    table: String,
}

impl DynamoRecords {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Every appointment on one index partition whose sort key is in `[from, until)`.
    async fn query_appointments(
        &self,
        index: &str,
        key: (&str, String),
        sort_range: Option<(&str, String, Option<String>)>,
    ) -> Result<Vec<Appointment>, StoreError> {
        let items = self.query_index(index, key, sort_range).await?;
        items.iter().map(appointment_of).collect()
    }

    async fn query_index(
        &self,
        index: &str,
        (pk_name, pk): (&str, String),
        sort_range: Option<(&str, String, Option<String>)>,
    ) -> Result<Vec<Item>, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .expression_attribute_names("#pk", pk_name)
            .expression_attribute_values(":pk", s(pk));
        query = match sort_range {
            None => query.key_condition_expression("#pk = :pk"),
            Some((sk_name, from, None)) => query
                .key_condition_expression("#pk = :pk AND #sk >= :from")
                .expression_attribute_names("#sk", sk_name)
                .expression_attribute_values(":from", s(from)),
            // BETWEEN is inclusive, but "<until>" sorts before "<until>#<id>": `until` is excluded.
            Some((sk_name, from, Some(until))) => query
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :from AND :until")
                .expression_attribute_names("#sk", sk_name)
                .expression_attribute_values(":from", s(from))
                .expression_attribute_values(":until", s(until)),
        };
        let items: Vec<Item> = query
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| StoreError::Unavailable(describe(&e)))?;
        Ok(items)
    }

    /// One family (`A#` or `W#`) of a type's `by_type` entries, from `from` on.
    async fn query_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        family: &str,
        from: DateTime<Utc>,
    ) -> Result<Vec<Item>, StoreError> {
        self.query_index(
            keys::BY_TYPE,
            (keys::TYPE_PK, keys::type_pk(tenant, type_id)),
            Some((
                keys::TYPE_SK,
                format!("{family}{}", keys::instant(from)),
                // '~' sorts after every instant and id character.
                Some(format!("{family}~")),
            )),
        )
        .await
    }
}

/// Which sort keys a listing reads.
enum SortRange {
    Any,
    From(&'static str, String),
    Between(&'static str, String, String),
}

/// `LastEvaluatedKey` as an opaque cursor: its attributes (all strings) as JSON.
fn encode_cursor(
    key: &HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
) -> Result<String, StoreError> {
    let mut plain = BTreeMap::new();
    for (name, value) in key {
        let text = value
            .as_s()
            .map_err(|_| StoreError::Corrupt(format!("a key attribute {name} is not text")))?;
        plain.insert(name.as_str(), text.as_str());
    }
    serde_json::to_string(&plain).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn decode_cursor(cursor: &str) -> Result<Item, StoreError> {
    let plain: BTreeMap<String, String> =
        serde_json::from_str(cursor).map_err(|_| StoreError::InvalidCursor)?;
    Ok(plain.into_iter().map(|(k, v)| (k, s(v))).collect())
}

/// A cursor for a query of the partition `pk`: one that names another partition (another
/// business's, another listing's) is refused rather than handed to DynamoDB.
fn decode_cursor_of(cursor: &str, (name, pk): (&str, &str)) -> Result<Item, StoreError> {
    let item = decode_cursor(cursor)?;
    match item.get(name).and_then(|v| v.as_s().ok()) {
        Some(found) if found == pk => Ok(item),
        _ => Err(StoreError::InvalidCursor),
    }
}

fn appointment_of(item: &Item) -> Result<Appointment, StoreError> {
    match item_record(item)? {
        Record::Appointment(a) => Ok(a),
        _ => Err(StoreError::Corrupt(
            "an appointment index holds another kind of record".into(),
        )),
    }
}

#[async_trait]
impl RecordReader for DynamoRecords {
    async fn get(&self, key: &RecordKey) -> Result<Option<Record>, StoreError> {
        let (pk, sk) = keys::record_key(key);
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, s(pk))
            .key(keys::SK, s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::Unavailable(describe(&e)))?;
        output.item().map(item_record).transpose()
    }

    /// One `BatchGetItem` (per 100 keys), strongly consistent like `get`.
    async fn get_many(&self, wanted: &[RecordKey]) -> Result<Vec<Option<Record>>, StoreError> {
        let mut unique: Vec<(String, String)> = wanted.iter().map(keys::record_key).collect();
        unique.sort();
        unique.dedup();
        let request = unique
            .into_iter()
            .map(|(pk, sk)| {
                Item::from([(keys::PK.to_owned(), s(pk)), (keys::SK.to_owned(), s(sk))])
            })
            .collect();
        let items = batch_get(&self.client, &self.table, request)
            .await
            .map_err(StoreError::Unavailable)?;
        let mut found: HashMap<(String, String), Record> = HashMap::new();
        for item in &items {
            let (Some(pk), Some(sk)) = (string(item, keys::PK), string(item, keys::SK)) else {
                return Err(StoreError::Corrupt("an item without its key".into()));
            };
            found.insert((pk.to_owned(), sk.to_owned()), item_record(item)?);
        }
        Ok(wanted
            .iter()
            .map(|key| found.get(&keys::record_key(key)).cloned())
            .collect())
    }

    async fn query(&self, tenant: &TenantId, query: &Query) -> Result<Answer, StoreError> {
        rappel_ports::answer_query!(self, tenant, query)
    }
}

/// The answers to each [`Query`], dispatched by [`RecordReader::query`].
impl DynamoRecords {
    async fn appointments_of_client(
        &self,
        tenant: &TenantId,
        client: &ClientId,
    ) -> Result<Vec<Appointment>, StoreError> {
        // Appointments only: the client's other records sort after them.
        self.query_appointments(
            keys::BY_CLIENT,
            (keys::CLIENT_PK, keys::client_pk(tenant, client)),
            Some((
                keys::CLIENT_SK,
                "0".to_owned(),
                Some(keys::CLIENT_SK_OTHER.to_owned()),
            )),
        )
        .await
    }

    async fn appointments_of_staff(
        &self,
        tenant: &TenantId,
        staff: &StaffId,
        from: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Vec<Appointment>, StoreError> {
        self.query_appointments(
            keys::BY_STAFF,
            (keys::STAFF_PK, keys::staff_pk(tenant, staff)),
            Some((
                keys::STAFF_SK,
                keys::instant(from),
                until.map(keys::instant),
            )),
        )
        .await
    }

    /// One query page of `by_staff` (a staff member's day) or `by_start` (the business's), full
    /// items: a page is at most `limit` appointments (and at most DynamoDB's 1 MB).
    async fn appointments_starting(
        &self,
        tenant: &TenantId,
        range: &StartingBetween,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<AppointmentPage, StoreError> {
        let (index, pk, sk) = match (&range.client, &range.staff) {
            (Some(client), _) => (
                keys::BY_CLIENT,
                (keys::CLIENT_PK, keys::client_pk(tenant, client)),
                keys::CLIENT_SK,
            ),
            (None, Some(staff)) => (
                keys::BY_STAFF,
                (keys::STAFF_PK, keys::staff_pk(tenant, staff)),
                keys::STAFF_SK,
            ),
            (None, None) => (
                keys::BY_START,
                (keys::END_PK, keys::end_pk(tenant)),
                keys::START_SK,
            ),
        };
        if range.from >= range.until {
            return Ok(AppointmentPage::default());
        }
        // BETWEEN is inclusive, but "<until>" sorts before "<until>#<id>": `until` is excluded.
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .key_condition_expression("#pk = :pk AND #sk BETWEEN :from AND :until")
            .expression_attribute_names("#pk", pk.0)
            .expression_attribute_values(":pk", s(pk.1.clone()))
            .expression_attribute_names("#sk", sk)
            .expression_attribute_values(":from", s(keys::instant(range.from)))
            .expression_attribute_values(":until", s(keys::instant(range.until)));
        if let Some(cursor) = cursor {
            query = query.set_exclusive_start_key(Some(decode_cursor_of(cursor, (pk.0, &pk.1))?));
        }
        let output = query
            .send()
            .await
            .map_err(|e| StoreError::Unavailable(describe(&e)))?;
        let appointments = output
            .items()
            .iter()
            .map(appointment_of)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AppointmentPage {
            appointments: appointments
                .into_iter()
                .filter(|a| a.start >= range.from && a.start < range.until)
                .filter(|a| range.staff.as_ref().is_none_or(|s| *s == a.staff_id))
                .collect(),
            next: output.last_evaluated_key().map(encode_cursor).transpose()?,
        })
    }

    /// A query of the tenant's partition for the `staff#` sort keys (no index needed).
    async fn staff_members(&self, tenant: &TenantId) -> Result<Vec<StaffMember>, StoreError> {
        self.records_of_kind(tenant, RecordKind::Staff)
            .await?
            .into_iter()
            .map(|record| match record {
                Record::Staff(member) => Ok(member),
                _ => Err(StoreError::Corrupt(
                    "a staff# item holds another record".into(),
                )),
            })
            .collect()
    }

    async fn appointments_of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        after: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError> {
        let items = self
            .query_type(tenant, type_id, keys::TYPE_APPOINTMENT, after)
            .await?;
        let appointments: Vec<Appointment> =
            items.iter().map(appointment_of).collect::<Result<_, _>>()?;
        Ok(appointments
            .into_iter()
            .filter(|a| a.start > after)
            .collect())
    }

    async fn waitlist_of_type(
        &self,
        tenant: &TenantId,
        type_id: &AppointmentTypeId,
        open_at: DateTime<Utc>,
    ) -> Result<Vec<WaitlistEntry>, StoreError> {
        let items = self
            .query_type(tenant, type_id, keys::TYPE_WAITLIST, open_at)
            .await?;
        let entries: Vec<WaitlistEntry> = items
            .iter()
            .map(|item| match item_record(item)? {
                Record::Waitlist(w) => Ok(w),
                _ => Err(StoreError::Corrupt(
                    "a waitlist index entry holds another kind of record".into(),
                )),
            })
            .collect::<Result<_, _>>()?;
        // The key has whole seconds: drop one that closed within the second before.
        Ok(entries.into_iter().filter(|w| w.until >= open_at).collect())
    }

    /// One `Query` page (`Limit`), keys only (`ProjectionExpression`), resuming at the
    /// cursor's `ExclusiveStartKey`.
    async fn list(
        &self,
        tenant: &TenantId,
        listing: &Listing,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<KeyPage, StoreError> {
        let (index, pk, sort) = match listing {
            Listing::AppointmentsEndingAfter { after } => (
                Some(keys::BY_END),
                (keys::END_PK, keys::end_pk(tenant)),
                SortRange::From(keys::END_SK, keys::instant(*after)),
            ),
            Listing::AppointmentsOfType { type_id, after } => (
                Some(keys::BY_TYPE),
                (keys::TYPE_PK, keys::type_pk(tenant, type_id)),
                SortRange::Between(
                    keys::TYPE_SK,
                    format!("{}{}", keys::TYPE_APPOINTMENT, keys::instant(*after)),
                    format!("{}~", keys::TYPE_APPOINTMENT),
                ),
            ),
            Listing::AppointmentsOfStaff { staff, from } => (
                Some(keys::BY_STAFF),
                (keys::STAFF_PK, keys::staff_pk(tenant, staff)),
                SortRange::From(keys::STAFF_SK, keys::instant(*from)),
            ),
            Listing::OpenDocuments => (
                Some(keys::BY_END),
                (keys::END_PK, keys::open_documents_pk(tenant)),
                SortRange::Any,
            ),
            Listing::ClientsVisitedSince { since } => (
                Some(keys::BY_END),
                (keys::END_PK, keys::visits_pk(tenant)),
                SortRange::From(keys::END_SK, keys::instant(*since)),
            ),
            Listing::RecordsOfClient { client } => (
                Some(keys::BY_CLIENT),
                (keys::CLIENT_PK, keys::client_pk(tenant, client)),
                SortRange::Any,
            ),
            Listing::StaffMembers | Listing::Records { .. } => {
                let kind = match listing {
                    Listing::Records { kind } => *kind,
                    _ => RecordKind::Staff,
                };
                let prefix = keys::record_sk(kind, "");
                (
                    None,
                    (keys::PK, keys::tenant_pk(tenant)),
                    SortRange::Between(keys::SK, prefix.clone(), format!("{prefix}\u{10FFFF}")),
                )
            }
        };
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(index.map(str::to_owned))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .projection_expression("#base_pk, #base_sk")
            .expression_attribute_names("#base_pk", keys::PK)
            .expression_attribute_names("#base_sk", keys::SK)
            .expression_attribute_names("#pk", pk.0)
            .expression_attribute_values(":pk", s(pk.1.clone()));
        query = match sort {
            SortRange::Any => query.key_condition_expression("#pk = :pk"),
            SortRange::From(name, from) => query
                .key_condition_expression("#pk = :pk AND #sk >= :from")
                .expression_attribute_names("#sk", name)
                .expression_attribute_values(":from", s(from)),
            SortRange::Between(name, low, high) => query
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
                .expression_attribute_names("#sk", name)
                .expression_attribute_values(":low", s(low))
                .expression_attribute_values(":high", s(high)),
        };
        if let Some(cursor) = cursor {
            query = query.set_exclusive_start_key(Some(decode_cursor_of(cursor, (pk.0, &pk.1))?));
        }
        let output = query
            .send()
            .await
            .map_err(|e| StoreError::Unavailable(describe(&e)))?;
        let keys = output
            .items()
            .iter()
            .map(|item| {
                string(item, keys::SK)
                    .and_then(|sk| keys::record_key_of(tenant, sk))
                    .ok_or_else(|| StoreError::Corrupt("a listed item without a record key".into()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(KeyPage {
            keys,
            next: output.last_evaluated_key().map(encode_cursor).transpose()?,
        })
    }

    async fn records_of_kind(
        &self,
        tenant: &TenantId,
        kind: RecordKind,
    ) -> Result<Vec<Record>, StoreError> {
        let prefix = keys::record_sk(kind, "");
        self.query_sk_between(tenant, &prefix, &format!("{prefix}\u{10FFFF}"))
            .await
    }

    /// The sender's ids share a prefix and end with the receiving instant: a range of sort
    /// keys in the tenant's partition.
    async fn inbound_from(
        &self,
        tenant: &TenantId,
        sender_key: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Inbound>, StoreError> {
        let low = keys::record_sk(RecordKind::Inbound, &Inbound::id_bound(sender_key, from));
        // Every id received in the last millisecond of `until`, whatever its suffix.
        let high = format!(
            "{}\u{10FFFF}",
            keys::record_sk(RecordKind::Inbound, &Inbound::id_bound(sender_key, until))
        );
        let mut found = Vec::new();
        for record in self.query_sk_between(tenant, &low, &high).await? {
            match record {
                Record::Inbound(m) if m.received_at >= from && m.received_at <= until => {
                    found.push(m);
                }
                Record::Inbound(_) => {}
                _ => {
                    return Err(StoreError::Corrupt(
                        "an inbound# item holds another record".into(),
                    ));
                }
            }
        }
        found.sort_by(|a, b| (a.received_at, &a.id).cmp(&(b.received_at, &b.id)));
        Ok(found)
    }
}

impl DynamoRecords {
    /// The records of the tenant's partition whose sort key is in `[low, high]`.
    async fn query_sk_between(
        &self,
        tenant: &TenantId,
        low: &str,
        high: &str,
    ) -> Result<Vec<Record>, StoreError> {
        let items: Vec<Item> = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_names("#sk", keys::SK)
            .expression_attribute_values(":pk", s(keys::tenant_pk(tenant)))
            .expression_attribute_values(":low", s(low.to_owned()))
            .expression_attribute_values(":high", s(high.to_owned()))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| StoreError::Unavailable(describe(&e)))?;
        items.iter().map(item_record).collect()
    }
}

impl DynamoRecords {
    /// Raises the client's visit mark to the end of `appointment` (a kept one): the mark keeps
    /// the latest end ever written, so the `ClientsVisitedSince` listing finds every client
    /// whose last visit ended after a given instant — and some whose visit was moved earlier
    /// or cancelled since, which only costs a look. Written before the appointment: a mark
    /// without its appointment is one more client looked at, never one missed.
    async fn mark_visit(&self, appointment: &Appointment) -> Result<(), StoreError> {
        let mark = format!(
            "{}#{}",
            keys::instant(appointment.end),
            appointment.client_id
        );
        let item = Item::from([
            (keys::PK.to_owned(), s(keys::tenant_pk(&appointment.tenant))),
            (
                keys::SK.to_owned(),
                s(keys::visit_sk(&appointment.client_id)),
            ),
            (keys::KIND.to_owned(), s("visit")),
            (
                keys::END_PK.to_owned(),
                s(keys::visits_pk(&appointment.tenant)),
            ),
            (keys::END_SK.to_owned(), s(mark.clone())),
        ]);
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#mark) OR #mark < :mark")
            .expression_attribute_names("#mark", keys::END_SK)
            .expression_attribute_values(":mark", s(mark))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            // A later visit is already marked (or this very mark, its answer lost).
            Err(error)
                if matches!(
                    error.as_service_error(),
                    Some(PutItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(())
            }
            Err(error) => Err(StoreError::Unavailable(describe(&error))),
        }
    }
}

#[async_trait]
impl RecordWriter for DynamoRecords {
    async fn put_kept(
        &self,
        record: Record,
        expected: Expected,
        kept_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        if let Record::Appointment(appointment) = &record
            && rappel_core::planning::client::is_visit(appointment)
        {
            self.mark_visit(appointment).await?;
        }
        let key = record.key();
        let write = write_id();
        let mut item = record_item(&record)?;
        item.insert(keys::WRITE_ID.to_owned(), write.clone());
        if let Some(at) = kept_until {
            item.insert(keys::EXPIRES_AT.to_owned(), n(at.timestamp()));
        }
        let request = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let request = match expected {
            Expected::Absent => request.condition_expression("attribute_not_exists(pk)"),
            Expected::Version(version) => request
                .condition_expression("#version = :expected")
                .expression_attribute_names("#version", keys::VERSION)
                .expression_attribute_values(":expected", n(version)),
        };
        match request.send().await {
            Ok(_) => Ok(()),
            Err(error) => match error.as_service_error() {
                // This very write landed on an earlier attempt whose answer was lost.
                Some(PutItemError::ConditionalCheckFailedException(failed))
                    if written_by(failed.item.as_ref(), &write) =>
                {
                    Ok(())
                }
                Some(PutItemError::ConditionalCheckFailedException(failed)) => {
                    Err(StoreError::Conflict {
                        key: key.to_string(),
                        expected,
                        found: failed
                            .item()
                            .and_then(|item| number(item, keys::VERSION))
                            .and_then(|v| u64::try_from(v).ok()),
                    })
                }
                _ => Err(StoreError::Unavailable(describe(&error))),
            },
        }
    }

    /// `UpdateItem` of the TTL alone, on the version read (the stream carries it with both
    /// images the same, which the change handler passes over).
    async fn restamp(
        &self,
        key: &RecordKey,
        version: u64,
        kept_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let (pk, sk) = keys::record_key(key);
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(keys::PK, s(pk))
            .key(keys::SK, s(sk))
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", keys::VERSION)
            .expression_attribute_names("#expires", keys::EXPIRES_AT)
            .expression_attribute_values(":expected", n(version));
        let request = match kept_until {
            Some(at) => request
                .update_expression("SET #expires = :expires")
                .expression_attribute_values(":expires", n(at.timestamp())),
            None => request.update_expression("REMOVE #expires"),
        };
        // Changed since (its write stated the retention then), or gone: nothing to do.
        done_unless_failed(request.send().await).map_err(StoreError::Unavailable)
    }

    /// `DeleteItem` on the version read (gone already: no error). A client's visit mark (ids
    /// and an instant) goes with the client.
    async fn delete(&self, key: &RecordKey, version: u64) -> Result<(), StoreError> {
        let (pk, sk) = keys::record_key(key);
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(keys::PK, s(pk.clone()))
            .key(keys::SK, s(sk))
            .condition_expression("attribute_not_exists(pk) OR #version = :expected")
            .expression_attribute_names("#version", keys::VERSION)
            .expression_attribute_values(":expected", n(version))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(_) => {}
            Err(error) => {
                return Err(match error.as_service_error() {
                    Some(DeleteItemError::ConditionalCheckFailedException(failed)) => {
                        StoreError::Conflict {
                            key: key.to_string(),
                            expected: Expected::Version(version),
                            found: failed
                                .item()
                                .and_then(|item| number(item, keys::VERSION))
                                .and_then(|v| u64::try_from(v).ok()),
                        }
                    }
                    _ => StoreError::Unavailable(describe(&error)),
                });
            }
        }
        if key.kind == RecordKind::Client {
            self.client
                .delete_item()
                .table_name(&self.table)
                .key(keys::PK, s(pk))
                .key(keys::SK, s(keys::visit_sk(key.id.as_str())))
                .send()
                .await
                .map_err(|e| StoreError::Unavailable(describe(&e)))?;
        }
        Ok(())
    }
}
