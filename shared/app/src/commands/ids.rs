//! Fresh ids for records the caller does not name.

use super::CommandError;
use rappel_ports::records::StoreError;

/// A fresh random id with a readable prefix ("cl_…", "ap_…"), as the id type it is for.
pub fn fresh_id<T: TryFrom<String>>(prefix: &str) -> Result<T, CommandError> {
    T::try_from(format!("{prefix}_{}", uuid::Uuid::new_v4().simple()))
        .map_err(|_| StoreError::Unavailable(format!("could not allocate a {prefix} id")).into())
}

/// The id a create under the caller's idempotency `key` takes: the same key, the same id, so
/// a request run again (its first answer lost) meets its own record. Fresh when there is no
/// key.
pub fn id_for_key<T: TryFrom<String>>(prefix: &str, key: Option<&str>) -> Result<T, CommandError> {
    use sha2::{Digest, Sha256};
    let Some(key) = key else {
        return fresh_id(prefix);
    };
    let digest = hex::encode(Sha256::digest(key.as_bytes()));
    T::try_from(format!("{prefix}_k{}", &digest[..31]))
        .map_err(|_| StoreError::Unavailable(format!("could not derive a {prefix} id")).into())
}

/// A create under an id derived from the caller's idempotency key: when it fails and a record
/// already stands under the id — made by the same request, run before without its answer
/// kept — that record is the answer.
pub async fn created_once<T>(
    created: impl Future<Output = Result<T, CommandError>>,
    stored: impl Future<Output = Result<Option<T>, StoreError>>,
) -> Result<T, CommandError> {
    match created.await {
        Ok(record) => Ok(record),
        Err(error) => stored.await?.ok_or(error),
    }
}

/// Tells apart two messages of one sender in the same millisecond, in arrival order within
/// this process (a counter), and across processes (random bits). The window rule orders ties
/// by id, so the first to arrive keeps the reply.
pub fn arrival_nonce() -> String {
    use std::sync::atomic::{AtomicU16, Ordering};
    static ARRIVALS: AtomicU16 = AtomicU16::new(0);
    let arrival = ARRIVALS.fetch_add(1, Ordering::Relaxed);
    let random = uuid::Uuid::new_v4().as_u128() as u16;
    format!("{arrival:04x}{random:04x}")
}
