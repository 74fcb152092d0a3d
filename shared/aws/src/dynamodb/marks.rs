//! Address marks on DynamoDB: one item per address and business in the deliveries table
//! (`M#<tenant>#<keyed hash of the address>` / `M`), the latest mark in `data`.

use super::batch_get::batch_get;
use super::codec::{Item, item_data, s, string};
use super::keys;
use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use rappel_core::feedback::AddressMark;
use rappel_core::model::TenantId;
use rappel_core::privacy::AddressDigest;
use rappel_ports::address_marks::{AddressMarks, MarksError};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct DynamoAddressMarks {
    client: Client,
    table: String,
}

impl DynamoAddressMarks {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

#[async_trait]
impl AddressMarks for DynamoAddressMarks {
    async fn mark(
        &self,
        tenant: &TenantId,
        address: &AddressDigest,
        mark: AddressMark,
    ) -> Result<(), MarksError> {
        let data = serde_dynamo::to_attribute_value(&mark)
            .map_err(|e| MarksError(format!("a mark cannot be stored: {e}")))?;
        let item = Item::from([
            (keys::PK.to_owned(), s(keys::mark_pk(tenant, address))),
            (keys::SK.to_owned(), s(keys::MARK_SK)),
            (keys::DATA.to_owned(), data),
        ]);
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| MarksError(describe(&e)))?;
        Ok(())
    }

    async fn mark_of(
        &self,
        tenant: &TenantId,
        address: &AddressDigest,
    ) -> Result<Option<AddressMark>, MarksError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::mark_pk(tenant, address)))
            .key(keys::SK, s(keys::MARK_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| MarksError(describe(&e)))?;
        output
            .item()
            .map(|item| item_data(item).map_err(MarksError))
            .transpose()
    }

    /// One `BatchGetItem` for the recipients of a batch of e-mails.
    async fn marks_of(
        &self,
        recipients: &[(TenantId, AddressDigest)],
    ) -> Result<Vec<Option<AddressMark>>, MarksError> {
        let mut pks: Vec<String> = recipients
            .iter()
            .map(|(tenant, address)| keys::mark_pk(tenant, address))
            .collect();
        pks.sort();
        pks.dedup();
        let request = pks
            .into_iter()
            .map(|pk| {
                Item::from([
                    (keys::PK.to_owned(), s(pk)),
                    (keys::SK.to_owned(), s(keys::MARK_SK)),
                ])
            })
            .collect();
        let items = batch_get(&self.client, &self.table, request)
            .await
            .map_err(MarksError)?;
        let mut found: HashMap<String, AddressMark> = HashMap::new();
        for item in &items {
            let pk = string(item, keys::PK)
                .ok_or_else(|| MarksError("a mark without its key".into()))?;
            found.insert(pk.to_owned(), item_data(item).map_err(MarksError)?);
        }
        Ok(recipients
            .iter()
            .map(|(tenant, address)| found.get(&keys::mark_pk(tenant, address)).cloned())
            .collect())
    }
}
