//! Fresh ids for records the caller does not name.

use super::CommandError;
use rappel_ports::records::StoreError;

/// A fresh random id with a readable prefix ("cl_…", "ap_…"), as the id type it is for.
pub fn fresh_id<T: TryFrom<String>>(prefix: &str) -> Result<T, CommandError> {
    T::try_from(format!("{prefix}_{}", uuid::Uuid::new_v4().simple()))
        .map_err(|_| StoreError::Unavailable(format!("could not allocate a {prefix} id")).into())
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
