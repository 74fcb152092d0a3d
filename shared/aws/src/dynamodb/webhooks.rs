//! The businesses' webhook endpoints on DynamoDB, in the deliveries table: one partition per
//! business (`W#<tenant>`), one item per endpoint (`<endpoint id>`), the endpoint in `data`.
//! At most 10 per business: a business's endpoints are one query.

use super::codec::{Item, item_data, s};
use super::keys;
use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, Utc};
use rappel_core::events::WebhookEndpoint;
use rappel_core::model::TenantId;
use rappel_ports::webhooks::{WebhookStore, WebhookStoreError};

#[derive(Debug, Clone)]
pub struct DynamoWebhooks {
    client: Client,
    table: String,
}

impl DynamoWebhooks {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn failed(e: impl std::error::Error + 'static) -> WebhookStoreError {
    WebhookStoreError(describe(&e))
}

#[async_trait]
impl WebhookStore for DynamoWebhooks {
    async fn save(&self, endpoint: &WebhookEndpoint) -> Result<(), WebhookStoreError> {
        let data = serde_dynamo::to_attribute_value(endpoint)
            .map_err(|e| WebhookStoreError(e.to_string()))?;
        let item = Item::from([
            (keys::PK.to_owned(), s(keys::webhooks_pk(&endpoint.tenant))),
            (keys::SK.to_owned(), s(endpoint.id.clone())),
            (keys::DATA.to_owned(), data),
        ]);
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn of_business(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<WebhookEndpoint>, WebhookStoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_values(":pk", s(keys::webhooks_pk(tenant)))
            .consistent_read(true)
            .send()
            .await
            .map_err(failed)?;
        let mut endpoints = output
            .items()
            .iter()
            .map(item_data::<WebhookEndpoint>)
            .collect::<Result<Vec<_>, _>>()
            .map_err(WebhookStoreError)?;
        endpoints.sort_by_key(|e| e.created_at);
        Ok(endpoints)
    }

    async fn delete(&self, tenant: &TenantId, id: &str) -> Result<bool, WebhookStoreError> {
        let output = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::webhooks_pk(tenant)))
            .key(keys::SK, s(id))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await
            .map_err(failed)?;
        Ok(output.attributes().is_some_and(|a| !a.is_empty()))
    }

    /// On AWS endpoints are not polled: the events' own stream will drive their posting.
    async fn due(&self, _now: DateTime<Utc>) -> Result<Vec<WebhookEndpoint>, WebhookStoreError> {
        Err(WebhookStoreError(
            "endpoints are not listed across businesses on DynamoDB".into(),
        ))
    }
}
