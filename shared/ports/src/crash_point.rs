//! Named crash points for the local stack's restart tests. `RAPPEL_CRASH_AT=<point>:<n>` makes
//! the process abort (no unwinding, no clean-up — like a SIGKILL or a power cut) the `n`-th
//! time it passes `<point>`. Without the variable a crash point costs one relaxed atomic load.
//!
//! The points sit between the writes whose order matters: where a kill by chance would land
//! only once in thousands of tries, a test can land on purpose.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The variable the restart tests set.
pub const CRASH_AT: &str = "RAPPEL_CRASH_AT";

/// Every crash point, for the tests to pick from.
pub const POINTS: [&str; 6] = [
    "outbox.accepted",
    "ledger.settled",
    "history.recorded",
    "queue.received",
    "schedule.queued",
    "feed.handled",
];

struct Plan {
    point: String,
    at: u64,
    seen: AtomicU64,
}

fn plan() -> Option<&'static Plan> {
    static PLAN: OnceLock<Option<Plan>> = OnceLock::new();
    PLAN.get_or_init(|| {
        let raw = std::env::var(CRASH_AT).ok()?;
        let (point, at) = raw.split_once(':')?;
        Some(Plan {
            point: point.to_owned(),
            at: at.parse().ok()?,
            seen: AtomicU64::new(0),
        })
    })
    .as_ref()
}

/// Aborts the process here if `RAPPEL_CRASH_AT` names this point and this pass.
pub fn crash_point(name: &str) {
    if let Some(plan) = plan()
        && plan.point == name
        && plan.seen.fetch_add(1, Ordering::Relaxed) + 1 == plan.at
    {
        eprintln!("crash point {name} reached: aborting");
        std::process::abort();
    }
}
