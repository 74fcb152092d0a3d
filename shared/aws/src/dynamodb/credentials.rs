//! Integrators' credentials on DynamoDB: one partition per integrator in the deliveries table
//! (`I#<integrator>`), its keys under `KEY#<id>` and its businesses under `B#<tenant>`. The
//! authorizer's check is one `BatchGetItem` of the key and the grant; a revoked key expires
//! by the table's TTL [`REVOKED_KEPT_FOR`] later.

use super::batch_get::batch_get;
use super::codec::{Item, n, s, string};
use super::keys;
use crate::sdk_error::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::ReturnValue;
use chrono::{DateTime, Utc};
use rappel_core::access::{ApiKeyId, IntegratorId};
use rappel_core::model::TenantId;
use rappel_ports::credentials::{
    CredentialAdmin, CredentialCheck, CredentialsError, KeyAndGrant, REVOKED_KEPT_FOR, StoredKey,
};

#[derive(Debug, Clone)]
pub struct DynamoCredentials {
    client: Client,
    table: String,
}

impl DynamoCredentials {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn address(pk: String, sk: String) -> Item {
    Item::from([(keys::PK.into(), s(pk)), (keys::SK.into(), s(sk))])
}

fn key_of(item: &Item) -> Result<StoredKey, CredentialsError> {
    serde_dynamo::from_item(item.clone())
        .map_err(|e| CredentialsError(format!("unreadable key entry: {e}")))
}

#[async_trait]
impl CredentialCheck for DynamoCredentials {
    async fn key_and_grant(
        &self,
        integrator: &IntegratorId,
        key: &ApiKeyId,
        business: &TenantId,
    ) -> Result<KeyAndGrant, CredentialsError> {
        let pk = keys::integrator_pk(integrator);
        let key_sk = keys::api_key_sk(key);
        let grant_sk = keys::grant_sk(business);
        let found = batch_get(
            &self.client,
            &self.table,
            vec![
                address(pk.clone(), key_sk.clone()),
                address(pk, grant_sk.clone()),
            ],
        )
        .await
        .map_err(CredentialsError)?;
        let mut answer = KeyAndGrant {
            key: None,
            granted: false,
        };
        for item in &found {
            match string(item, keys::SK) {
                Some(sk) if sk == key_sk => answer.key = Some(key_of(item)?),
                Some(sk) if sk == grant_sk => answer.granted = true,
                _ => {}
            }
        }
        Ok(answer)
    }
}

#[async_trait]
impl CredentialAdmin for DynamoCredentials {
    async fn put_key(
        &self,
        integrator: &IntegratorId,
        key: &StoredKey,
    ) -> Result<(), CredentialsError> {
        let mut item: Item = serde_dynamo::to_item(key)
            .map_err(|e| CredentialsError(format!("key entry cannot be stored: {e}")))?;
        item.extend(address(
            keys::integrator_pk(integrator),
            keys::api_key_sk(&key.id),
        ));
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) => Err(CredentialsError(match error.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(_)) => {
                    "a key with this id exists".into()
                }
                _ => describe(&error),
            })),
        }
    }

    async fn revoke_key(
        &self,
        integrator: &IntegratorId,
        key: &ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<bool, CredentialsError> {
        let revoked_at =
            serde_dynamo::to_attribute_value(at).map_err(|e| CredentialsError(e.to_string()))?;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::integrator_pk(integrator)))
            .key(keys::SK, s(keys::api_key_sk(key)))
            .condition_expression("attribute_exists(pk)")
            .update_expression(
                "SET revoked_at = if_not_exists(revoked_at, :at), #expires = :expires",
            )
            .expression_attribute_names("#expires", keys::EXPIRES_AT)
            .expression_attribute_values(":at", revoked_at)
            .expression_attribute_values(":expires", n((at + REVOKED_KEPT_FOR).timestamp()))
            .return_values(ReturnValue::None)
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) => match error.as_service_error() {
                Some(UpdateItemError::ConditionalCheckFailedException(_)) => Ok(false),
                _ => Err(CredentialsError(describe(&error))),
            },
        }
    }

    async fn keys(&self, integrator: &IntegratorId) -> Result<Vec<StoredKey>, CredentialsError> {
        let mut keys = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", s(keys::integrator_pk(integrator)))
                .expression_attribute_values(":prefix", s(keys::API_KEY_SK_PREFIX))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| CredentialsError(describe(&e)))?;
            for item in page.items() {
                keys.push(key_of(item)?);
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        keys.sort_by_key(|key| key.created_at);
        Ok(keys)
    }

    async fn grant(
        &self,
        integrator: &IntegratorId,
        business: &TenantId,
        at: DateTime<Utc>,
    ) -> Result<(), CredentialsError> {
        let mut item = address(keys::integrator_pk(integrator), keys::grant_sk(business));
        item.insert("granted_at".into(), s(at.to_rfc3339()));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map(|_| ())
            .or_else(|error| match error.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(_)) => Ok(()),
                _ => Err(CredentialsError(describe(&error))),
            })
    }

    async fn withdraw(
        &self,
        integrator: &IntegratorId,
        business: &TenantId,
    ) -> Result<bool, CredentialsError> {
        let deleted = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::integrator_pk(integrator)))
            .key(keys::SK, s(keys::grant_sk(business)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| CredentialsError(describe(&e)))?;
        Ok(deleted.attributes.is_some_and(|old| !old.is_empty()))
    }

    async fn grants(
        &self,
        integrator: &IntegratorId,
        after: Option<&TenantId>,
        limit: usize,
    ) -> Result<Vec<TenantId>, CredentialsError> {
        let pk = keys::integrator_pk(integrator);
        let mut businesses = Vec::new();
        let mut start = after.map(|after| address(pk.clone(), keys::grant_sk(after)));
        while businesses.len() < limit {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", s(pk.clone()))
                .expression_attribute_values(":prefix", s(keys::GRANT_SK_PREFIX))
                .limit(i32::try_from(limit - businesses.len()).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| CredentialsError(describe(&e)))?;
            businesses.extend(page.items().iter().filter_map(|item| {
                string(item, keys::SK)
                    .and_then(|sk| sk.strip_prefix(keys::GRANT_SK_PREFIX))
                    .and_then(|id| TenantId::parse(id).ok())
            }));
            start = page.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        Ok(businesses)
    }
}
