//! Address marks on DynamoDB: one item per recipient in the deliveries table
//! (`M#<tenant>#<recipient>` / `M`), the latest mark in `data`.

use super::codec::{Item, item_data, s};
use super::keys;
use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use rappel_core::feedback::AddressMark;
use rappel_core::message::Recipient;
use rappel_core::model::TenantId;
use rappel_ports::address_marks::{AddressMarks, MarksError};

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
        recipient: &Recipient,
        mark: AddressMark,
    ) -> Result<(), MarksError> {
        let data = serde_dynamo::to_attribute_value(&mark)
            .map_err(|e| MarksError(format!("a mark cannot be stored: {e}")))?;
        let item = Item::from([
            (keys::PK.to_owned(), s(keys::mark_pk(tenant, recipient))),
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
        recipient: &Recipient,
    ) -> Result<Option<AddressMark>, MarksError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::mark_pk(tenant, recipient)))
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
}
