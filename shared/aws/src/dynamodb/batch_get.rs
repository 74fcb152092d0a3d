//! `BatchGetItem` for the adapters that read several items at once: strongly consistent, 100
//! keys per request, and what DynamoDB leaves unprocessed (throttling) asked again after a
//! short, growing pause.

use super::codec::Item;
use crate::sdk_error::describe;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::KeysAndAttributes;
use std::time::Duration;

/// `BatchGetItem` takes at most 100 keys per request.
const LIMIT: usize = 100;
/// Rounds before unprocessed keys are reported as unavailable (the SDK's own retries apply to
/// each round).
const ROUNDS: usize = 5;

/// The items found for `keys` (distinct `pk`/`sk` maps), in no particular order; a key without
/// an item is simply absent. The error is the SDK's description.
pub async fn batch_get(client: &Client, table: &str, keys: Vec<Item>) -> Result<Vec<Item>, String> {
    let mut found = Vec::new();
    for chunk in keys.chunks(LIMIT) {
        let mut pending = chunk.to_vec();
        let mut pause = Duration::from_millis(25);
        for round in 0.. {
            if pending.is_empty() {
                break;
            }
            if round == ROUNDS {
                return Err(format!(
                    "{} items left unprocessed after {ROUNDS} rounds",
                    pending.len()
                ));
            }
            if round > 0 {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            let request = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut pending)))
                .consistent_read(true)
                .build()
                .map_err(|e| e.to_string())?;
            let output = client
                .batch_get_item()
                .request_items(table, request)
                .send()
                .await
                .map_err(|e| describe(&e))?;
            found.extend(
                output
                    .responses()
                    .and_then(|r| r.get(table))
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
            pending = output
                .unprocessed_keys()
                .and_then(|u| u.get(table))
                .map(|k| k.keys().to_vec())
                .unwrap_or_default();
        }
    }
    Ok(found)
}
