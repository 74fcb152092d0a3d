//! How long an invocation may still run. Lambda stops a function at its deadline, whatever it
//! is doing: a delivery stopped between the provider's acceptance and the ledger's record would
//! be sent again. So work that must not be cut in two is only started when the time it can
//! take at worst is still left ([`Deadline::allows`]).
//!
//! The worst case of one port call is [`CALL_BOUND`]: every AWS call is bounded by the SDK's
//! operation timeout (`rappel_aws::sdk::OPERATION_TIMEOUT`, checked equal by a test), the
//! embedded adapters answer at once.

use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// The longest one port call can take, all its retries included.
pub const CALL_BOUND: Duration = Duration::from_secs(8);

/// The instant an invocation must have returned by, or none (the local stack, tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline(Option<Instant>);

impl Deadline {
    /// No deadline: everything is allowed.
    pub const NONE: Deadline = Deadline(None);

    /// `within` from now.
    pub fn after(within: Duration) -> Self {
        Self(Some(Instant::now() + within))
    }

    /// From Lambda's context: the deadline in milliseconds since the epoch (0 when unknown,
    /// which is read as no deadline).
    pub fn from_epoch_millis(millis: u64) -> Self {
        if millis == 0 {
            return Self::NONE;
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let remaining = Duration::from_millis(millis).saturating_sub(now);
        Self(Some(Instant::now() + remaining))
    }

    /// What is left (`None`: no deadline).
    pub fn remaining(&self) -> Option<Duration> {
        self.0
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Whether `needed` still fits before the deadline.
    pub fn allows(&self, needed: Duration) -> bool {
        self.remaining().is_none_or(|left| left >= needed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_deadline_everything_fits() {
        assert!(Deadline::NONE.allows(Duration::from_secs(3600)));
        assert_eq!(Deadline::from_epoch_millis(0), Deadline::NONE);
    }

    #[tokio::test(start_paused = true)]
    async fn a_deadline_allows_what_still_fits_and_nothing_after() {
        let deadline = Deadline::after(Duration::from_secs(30));
        assert!(deadline.allows(Duration::from_secs(30)));
        tokio::time::advance(Duration::from_secs(5)).await;
        assert!(deadline.allows(Duration::from_secs(25)));
        assert!(!deadline.allows(Duration::from_secs(26)));
        tokio::time::advance(Duration::from_secs(60)).await;
        assert_eq!(deadline.remaining(), Some(Duration::ZERO));
    }

    #[test]
    fn lambdas_deadline_in_epoch_milliseconds_counts_from_now() {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let in_ten = u64::try_from((now + Duration::from_secs(10)).as_millis()).unwrap();
        let deadline = Deadline::from_epoch_millis(in_ten);
        let left = deadline.remaining().unwrap();
        assert!(
            left <= Duration::from_secs(10) && left > Duration::from_secs(9),
            "{left:?}"
        );
        let past = u64::try_from((now - Duration::from_secs(10)).as_millis()).unwrap();
        assert_eq!(
            Deadline::from_epoch_millis(past).remaining(),
            Some(Duration::ZERO)
        );
    }
}
