//! Sending at a pace the providers accept. The queue's event source mapping runs at most
//! `concurrency` copies of the function; each sends one message per `concurrency / rate`
//! seconds, so together they stay under `rate` messages per second however long the queue is —
//! a 09:00 burst waits in the queue instead of being throttled and spending its retries.

use crate::MAX_PACING_INTERVAL;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// A pace under which a full batch cannot end inside the send function's timeout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "one copy would send every {interval:?} (SendConcurrency / SendRatePerSecond); at most {MAX_PACING_INTERVAL:?} lets a full batch end inside the send function's timeout"
)]
pub struct PaceTooSlow {
    pub interval: Duration,
}

#[derive(Debug)]
pub struct SendPace {
    interval: Duration,
    last: Mutex<Option<Instant>>,
}

impl SendPace {
    /// `rate` messages per second shared by `concurrency` copies of the function.
    pub fn new(rate_per_second: f64, concurrency: u32) -> Self {
        let interval = if rate_per_second > 0.0 {
            Duration::from_secs_f64(f64::from(concurrency.max(1)) / rate_per_second)
        } else {
            Duration::ZERO
        };
        Self {
            interval,
            last: Mutex::new(None),
        }
    }

    /// [`Self::new`], refused when one copy would wait longer than [`MAX_PACING_INTERVAL`]
    /// between two sends: a full batch would then not fit in the function's timeout.
    pub fn checked(rate_per_second: f64, concurrency: u32) -> Result<Self, PaceTooSlow> {
        let pace = Self::new(rate_per_second, concurrency);
        if pace.interval > MAX_PACING_INTERVAL {
            return Err(PaceTooSlow {
                interval: pace.interval,
            });
        }
        Ok(pace)
    }

    /// No pacing (tests, the local stack).
    pub fn unlimited() -> Self {
        Self {
            interval: Duration::ZERO,
            last: Mutex::new(None),
        }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Waits until this copy may send its next message.
    pub async fn wait_turn(&self) {
        let mut last = self.last.lock().await;
        if let Some(previous) = *last {
            tokio::time::sleep_until(previous + self.interval).await;
        }
        *last = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_per_second_over_two_copies_is_one_send_every_200_ms_each() {
        assert_eq!(
            SendPace::new(10.0, 2).interval(),
            Duration::from_millis(200)
        );
        assert_eq!(SendPace::new(14.0, 1).interval().as_millis(), 71);
    }

    #[test]
    fn a_pace_slower_than_two_seconds_a_copy_is_refused() {
        assert!(SendPace::checked(10.0, 20).is_ok());
        assert!(SendPace::checked(1.0, 2).is_ok());
        let error = SendPace::checked(1.0, 4).unwrap_err();
        assert_eq!(error.interval, Duration::from_secs(4));
    }

    #[tokio::test(start_paused = true)]
    async fn a_copy_waits_its_turn_between_two_sends() {
        let pace = SendPace::new(5.0, 1);
        let start = Instant::now();
        for _ in 0..3 {
            pace.wait_turn().await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(400));
    }
}
