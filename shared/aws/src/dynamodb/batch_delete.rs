//! `BatchWriteItem` deletes for the adapters that forget several items at once (a client's
//! erasure): 25 keys per request, and what DynamoDB leaves unprocessed (throttling) sent again
//! after a short, growing pause.

use super::codec::Item;
use crate::sdk_error::describe;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};
use std::time::Duration;

/// `BatchWriteItem` takes at most 25 requests.
const LIMIT: usize = 25;
/// Rounds before unprocessed deletes are reported (the SDK's own retries apply to each round).
const ROUNDS: usize = 5;

/// Deletes the items of `keys` (`pk`/`sk` maps); a key without an item is no error. The error
/// is the SDK's description.
pub async fn batch_delete(client: &Client, table: &str, keys: Vec<Item>) -> Result<(), String> {
    for chunk in keys.chunks(LIMIT) {
        let mut pending = chunk
            .iter()
            .map(|key| {
                DeleteRequest::builder()
                    .set_key(Some(key.clone()))
                    .build()
                    .map(|delete| WriteRequest::builder().delete_request(delete).build())
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut pause = Duration::from_millis(25);
        for round in 0.. {
            if pending.is_empty() {
                break;
            }
            if round == ROUNDS {
                return Err(format!(
                    "{} deletes left unprocessed after {ROUNDS} rounds",
                    pending.len()
                ));
            }
            if round > 0 {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            let output = client
                .batch_write_item()
                .request_items(table, std::mem::take(&mut pending))
                .send()
                .await
                .map_err(|e| describe(&e))?;
            pending = output
                .unprocessed_items()
                .and_then(|left| left.get(table))
                .cloned()
                .unwrap_or_default();
        }
    }
    Ok(())
}
