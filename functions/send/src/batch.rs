//! The policy of one batch of the send queue, the same on Lambda and in the local stack: one
//! memory of the records the batch reads (prefetched together: the messages of one change
//! share them), the pace, each message started only with [`START_RESERVE`] of the invocation
//! left, and once the provider throttles or time runs short, the rest handed back untried.

use crate::{START_RESERVE, SendHandlerError, SendPace, handle_send_within};
use rappel_app::deliver::prefetch;
use rappel_app::{DeliveryError, DeliveryOutcome, DeliveryServices};
use rappel_ports::deadline::Deadline;
use rappel_ports::schedules::SendRequest;

/// Why a batch stopped: the messages after this are handed back untried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandBack {
    /// The provider throttled: spending the rest against its limit would only fail them.
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
    /// Not tried: the batch had stopped.
    HandedBack(HandBack),
}

pub struct SendBatch<'a> {
    services: DeliveryServices,
    pace: &'a SendPace,
    deadline: Deadline,
    stopped: Option<HandBack>,
}

impl<'a> SendBatch<'a> {
    /// A batch of `requests` (the readable ones), their records read together first.
    pub async fn begin(
        services: &DeliveryServices,
        pace: &'a SendPace,
        deadline: Deadline,
        requests: &[SendRequest],
    ) -> Self {
        let services = services.for_batch();
        prefetch(&services, requests).await;
        Self {
            services,
            pace,
            deadline,
            stopped: None,
        }
    }

    /// Why the batch stopped, if it has: every later message is handed back.
    pub fn stopped(&self) -> Option<HandBack> {
        self.stopped
    }

    /// Handles the next message of the batch, or hands it back when the batch has stopped.
    pub async fn handle(&mut self, request: &SendRequest) -> Step {
        if let Some(why) = self.stopped {
            return Step::HandedBack(why);
        }
        self.pace.wait_turn().await;
        if !self.deadline.allows(START_RESERVE) {
            self.stopped = Some(HandBack::OutOfTime);
            return Step::HandedBack(HandBack::OutOfTime);
        }
        match handle_send_within(&self.services, request, self.deadline).await {
            Ok(outcomes) => Step::Handled(outcomes),
            Err(error) => {
                self.stopped = match &error {
                    SendHandlerError::Delivery(DeliveryError::Throttled(_)) => {
                        Some(HandBack::Throttled)
                    }
                    SendHandlerError::Delivery(DeliveryError::OutOfTime) => {
                        Some(HandBack::OutOfTime)
                    }
                    _ => None,
                };
                Step::Failed(error)
            }
        }
    }
}
