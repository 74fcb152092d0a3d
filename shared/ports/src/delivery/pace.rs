//! The providers' pace. Each provider accepts so many messages a second (SES its sending
//! rate, SNS its SMS rate), each on its own: a copy of the send function waits its turn **per
//! channel**, and only just before it calls that provider — a duplicate, a stale or a
//! suppressed message never waits, and a slow SMS pace never holds back an e-mail.

use crate::clock::{Clock, VirtualClock};
use async_trait::async_trait;
use rappel_core::message::Channel;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Waits until a message may be handed to a channel's provider.
#[async_trait]
pub trait ProviderPace: Send + Sync {
    async fn wait_turn(&self, channel: Channel);
}

/// No pacing: tests, and the local stack unless it simulates a provider's rate.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unpaced;

#[async_trait]
impl ProviderPace for Unpaced {
    async fn wait_turn(&self, _channel: Channel) {}
}

/// One channel's turns on one copy: at most one send per `interval`.
#[derive(Debug)]
struct Turns {
    interval: Duration,
    last: Mutex<Option<Instant>>,
}

impl Turns {
    fn new(interval: Duration) -> Self {
        Self {
            interval,
            last: Mutex::new(None),
        }
    }

    async fn wait(&self) {
        let mut last = self.last.lock().await;
        if let Some(previous) = *last {
            tokio::time::sleep_until(previous + self.interval).await;
        }
        *last = Some(Instant::now());
    }
}

/// The send function's pace on Lambda. The queue's event source mapping runs at most
/// `concurrency` copies; each sends one message per channel every `concurrency / rate`
/// seconds, so together they stay under `rate` messages per second per provider however long
/// the queue is — a 09:00 burst waits in the queue instead of being throttled.
#[derive(Debug)]
pub struct SendPace {
    email: Turns,
    sms: Turns,
}

impl SendPace {
    /// `rate` messages per second per provider, shared by `concurrency` copies.
    pub fn new(rate_per_second: f64, concurrency: u32) -> Self {
        let interval = if rate_per_second > 0.0 {
            Duration::from_secs_f64(f64::from(concurrency.max(1)) / rate_per_second)
        } else {
            Duration::ZERO
        };
        Self {
            email: Turns::new(interval),
            sms: Turns::new(interval),
        }
    }

    /// How long one copy waits between two sends on one channel.
    pub fn interval(&self) -> Duration {
        self.email.interval
    }

    fn turns(&self, channel: Channel) -> &Turns {
        match channel {
            Channel::Email => &self.email,
            Channel::Sms => &self.sms,
        }
    }
}

#[async_trait]
impl ProviderPace for SendPace {
    async fn wait_turn(&self, channel: Channel) {
        self.turns(channel).wait().await;
    }
}

/// A provider's rate simulated on the local stack's virtual clock: a send waits for its
/// channel's next free turn by moving the clock there (the local stack runs one message at a
/// time when it simulates a rate, so nothing else sees the clock jump).
pub struct VirtualPace {
    clock: Arc<VirtualClock>,
    interval: chrono::Duration,
    next: std::sync::Mutex<[Option<chrono::DateTime<chrono::Utc>>; 2]>,
}

impl VirtualPace {
    /// `rate` messages per second per channel.
    pub fn new(clock: Arc<VirtualClock>, rate_per_second: f64) -> Self {
        let micros = if rate_per_second > 0.0 {
            (1_000_000.0 / rate_per_second).round() as i64
        } else {
            0
        };
        Self {
            clock,
            interval: chrono::Duration::microseconds(micros),
            next: std::sync::Mutex::new([None, None]),
        }
    }
}

#[async_trait]
impl ProviderPace for VirtualPace {
    async fn wait_turn(&self, channel: Channel) {
        let index = match channel {
            Channel::Email => 0,
            Channel::Sms => 1,
        };
        let mut next = crate::lock(&self.next);
        let now = self.clock.now();
        let turn = next[index].map_or(now, |n| n.max(now));
        if turn > now {
            self.clock.set(turn);
        }
        next[index] = Some(turn + self.interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ten_per_second_over_two_copies_is_one_send_every_200_ms_each() {
        assert_eq!(
            SendPace::new(10.0, 2).interval(),
            Duration::from_millis(200)
        );
        assert_eq!(SendPace::new(14.0, 1).interval().as_millis(), 71);
    }

    #[tokio::test(start_paused = true)]
    async fn a_copy_waits_its_turn_between_two_sends_of_one_channel() {
        let pace = SendPace::new(5.0, 1);
        let start = Instant::now();
        for _ in 0..3 {
            pace.wait_turn(Channel::Email).await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(400));
    }

    #[tokio::test(start_paused = true)]
    async fn an_sms_does_not_wait_for_the_e_mail_sent_just_before() {
        let pace = SendPace::new(1.0, 1);
        let start = Instant::now();
        pace.wait_turn(Channel::Email).await;
        pace.wait_turn(Channel::Sms).await;
        pace.wait_turn(Channel::Email).await;
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test]
    async fn a_simulated_provider_moves_the_virtual_clock_to_each_channels_next_turn() {
        let start = chrono::Utc.with_ymd_and_hms(2026, 3, 27, 9, 0, 0).unwrap();
        let clock = Arc::new(VirtualClock::starting_at(start));
        let pace = VirtualPace::new(clock.clone(), 10.0);
        for _ in 0..3 {
            pace.wait_turn(Channel::Email).await;
        }
        assert_eq!(clock.now(), start + chrono::Duration::milliseconds(200));
        pace.wait_turn(Channel::Sms).await;
        assert_eq!(clock.now(), start + chrono::Duration::milliseconds(200));
    }
}
