//! The policy of one batch of the send queue, the same on Lambda and in the local stack: one
//! memory of the records the batch reads (prefetched together: the messages of one change
//! share them), each message started only with [`START_RESERVE`] of the invocation left, and
//! once a provider throttles, that channel's messages handed back untried — the other
//! channel's go on. Pacing is not here: the delivery path waits for its provider's turn just
//! before calling it ([`rappel_ports::delivery::ProviderPace`]), so a duplicate, stale or
//! suppressed message takes no turn.

use crate::{START_RESERVE, SendHandlerError, handle_send_within};
use rappel_app::deliver::prefetch;
use rappel_app::{DeliveryError, DeliveryOutcome, DeliveryServices};
use rappel_core::message::Channel;
use rappel_ports::deadline::Deadline;
use rappel_ports::schedules::SendRequest;

/// Why a message was handed back untried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandBack {
    /// Its provider throttled: spending the rest against its limit would only fail them.
    Throttled,
    /// Too little of the invocation is left to send and record another message.
    OutOfTime,
}

/// What became of one message of the batch.
#[derive(Debug)]
pub enum Step {
    /// Handled: what became of the messages it stands for.
    Handled(Vec<DeliveryOutcome>),
    /// Failed: to be received again (the queue's redrive dead-letters it in the end).
    Failed(SendHandlerError),
    /// Not tried: its channel was throttled, or the batch is out of time.
    HandedBack(HandBack),
}

pub struct SendBatch {
    services: DeliveryServices,
    deadline: Deadline,
    out_of_time: bool,
    throttled: Vec<Channel>,
}

impl SendBatch {
    /// A batch of `requests` (the readable ones), their records read together first, sent at
    /// the pace `services` carry.
    pub async fn begin(
        services: &DeliveryServices,
        deadline: Deadline,
        requests: &[SendRequest],
    ) -> Self {
        let services = services.for_batch();
        prefetch(&services, requests).await;
        Self {
            services,
            deadline,
            out_of_time: false,
            throttled: Vec::new(),
        }
    }

    /// Whether the batch is out of time: every later message is handed back.
    pub fn out_of_time(&self) -> bool {
        self.out_of_time
    }

    /// Why `request` would be handed back untried now, if it would.
    fn hand_back(&self, request: &SendRequest) -> Option<HandBack> {
        if self.out_of_time {
            return Some(HandBack::OutOfTime);
        }
        // A digest firing may send on either channel.
        let blocked = match request.key() {
            Some(key) => self.throttled.contains(&key.channel),
            None => !self.throttled.is_empty(),
        };
        blocked.then_some(HandBack::Throttled)
    }

    /// Handles the next message of the batch, or hands it back.
    pub async fn handle(&mut self, request: &SendRequest) -> Step {
        if let Some(why) = self.hand_back(request) {
            return Step::HandedBack(why);
        }
        if !self.deadline.allows(START_RESERVE) {
            self.out_of_time = true;
            return Step::HandedBack(HandBack::OutOfTime);
        }
        match handle_send_within(&self.services, request, self.deadline).await {
            Ok(outcomes) => Step::Handled(outcomes),
            Err(error) => {
                match &error {
                    SendHandlerError::Delivery(DeliveryError::Throttled(_)) => {
                        match request.key() {
                            Some(key) => self.throttled.push(key.channel),
                            None => self.throttled.extend([Channel::Email, Channel::Sms]),
                        }
                    }
                    SendHandlerError::Delivery(DeliveryError::OutOfTime) => {
                        self.out_of_time = true;
                    }
                    _ => {}
                }
                Step::Failed(error)
            }
        }
    }
}
