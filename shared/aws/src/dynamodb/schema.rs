//! The two tables as the SAM template declares them, created through the API: used to set up
//! an emulator (integration tests, `infra/moto-stack.sh`), and the reference the template is
//! checked against.

use super::keys;
use crate::sdk_error::describe;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TimeToLiveSpecification,
};

/// The records table's global secondary indexes: (name, partition key, sort key).
pub const RECORD_INDEXES: [(&str, &str, &str); 5] = [
    (keys::BY_CLIENT, keys::CLIENT_PK, keys::CLIENT_SK),
    (keys::BY_STAFF, keys::STAFF_PK, keys::STAFF_SK),
    (keys::BY_END, keys::END_PK, keys::END_SK),
    (keys::BY_START, keys::END_PK, keys::START_SK),
    (keys::BY_TYPE, keys::TYPE_PK, keys::TYPE_SK),
];

/// The deliveries table's TTL attribute.
pub const TTL_ATTRIBUTE: &str = keys::EXPIRES_AT;

#[derive(Debug, thiserror::Error)]
#[error("could not create table {table}: {reason}")]
pub struct SchemaError {
    pub table: String,
    pub reason: String,
}

fn key(name: &str, key_type: KeyType) -> Result<KeySchemaElement, String> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .map_err(|e| e.to_string())
}

fn string_attribute(name: &str) -> Result<AttributeDefinition, String> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .map_err(|e| e.to_string())
}

/// The records table: `pk`/`sk`, its indexes, stream with old and new images, TTL on
/// `expires_at` (each business's retention), on demand.
pub async fn create_records_table(client: &Client, table: &str) -> Result<(), SchemaError> {
    let fail = |reason: String| SchemaError {
        table: table.to_owned(),
        reason,
    };
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(keys::PK, KeyType::Hash).map_err(fail)?)
        .key_schema(key(keys::SK, KeyType::Range).map_err(fail)?)
        .attribute_definitions(string_attribute(keys::PK).map_err(fail)?)
        .attribute_definitions(string_attribute(keys::SK).map_err(fail)?)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .map_err(|e| fail(e.to_string()))?,
        );
    let mut defined: Vec<&str> = Vec::new();
    for (name, pk, sk) in RECORD_INDEXES {
        // Two indexes may share a key attribute: it is defined once.
        for attribute in [pk, sk] {
            if !defined.contains(&attribute) {
                defined.push(attribute);
                request = request.attribute_definitions(string_attribute(attribute).map_err(fail)?);
            }
        }
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(name)
                .key_schema(key(pk, KeyType::Hash).map_err(fail)?)
                .key_schema(key(sk, KeyType::Range).map_err(fail)?)
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .map_err(|e| fail(e.to_string()))?,
        );
    }
    request.send().await.map_err(|e| fail(describe(&e)))?;
    enable_ttl(client, table).await.map_err(fail)
}

/// TTL on [`TTL_ATTRIBUTE`] (epoch seconds).
async fn enable_ttl(client: &Client, table: &str) -> Result<(), String> {
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(TTL_ATTRIBUTE)
                .build()
                .map_err(|e| e.to_string())?,
        )
        .send()
        .await
        .map_err(|e| describe(&e))?;
    Ok(())
}

/// The deliveries table: `pk`/`sk`, no stream, TTL on `expires_at`, on demand.
pub async fn create_deliveries_table(client: &Client, table: &str) -> Result<(), SchemaError> {
    let fail = |reason: String| SchemaError {
        table: table.to_owned(),
        reason,
    };
    client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(keys::PK, KeyType::Hash).map_err(fail)?)
        .key_schema(key(keys::SK, KeyType::Range).map_err(fail)?)
        .attribute_definitions(string_attribute(keys::PK).map_err(fail)?)
        .attribute_definitions(string_attribute(keys::SK).map_err(fail)?)
        // The publish function reads the events written (template.yaml filters it to them).
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewImage)
                .build()
                .map_err(|e| fail(e.to_string()))?,
        )
        .send()
        .await
        .map_err(|e| fail(describe(&e)))?;
    enable_ttl(client, table).await.map_err(fail)
}
