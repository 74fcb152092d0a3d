//! The embedded send queue: a FIFO kept in memory (and in a JSON file for a data dir), drained
//! by the local runtime with the same receive-count and dead-letter rules as SQS.

use super::{QueueError, SendQueue};
use crate::journal::{Durable, Journaled};
use crate::lock;
use crate::schedules::SendRequest;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Mutex;

/// A request on the queue and how many times it has been received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedRequest {
    pub request: SendRequest,
    pub receives: u32,
}

/// A change as the journal keeps it.
#[derive(Serialize, Deserialize)]
enum Change {
    Enqueue(Vec<SendRequest>),
    /// The head was received once more.
    Received,
    /// The head is off the queue.
    Done,
    /// The head goes to the back.
    RetryLater,
}

#[derive(Default)]
struct Items(VecDeque<QueuedRequest>);

impl Journaled for Items {
    type Saved = VecDeque<QueuedRequest>;
    type Change = Change;

    fn restore(saved: Self::Saved) -> Self {
        Self(saved)
    }

    fn saved(&self) -> impl Serialize + '_ {
        &self.0
    }

    fn apply(&mut self, change: Change) {
        let items = &mut self.0;
        match change {
            Change::Enqueue(requests) => {
                items.extend(requests.into_iter().map(|request| QueuedRequest {
                    request,
                    receives: 0,
                }))
            }
            Change::Received => {
                if let Some(head) = items.front_mut() {
                    head.receives += 1;
                }
            }
            Change::Done => {
                items.pop_front();
            }
            Change::RetryLater => {
                if let Some(head) = items.pop_front() {
                    items.push_back(head);
                }
            }
        }
    }
}

pub struct InProcessQueue {
    items: Mutex<Durable<Items>>,
}

impl InProcessQueue {
    pub fn in_memory() -> Self {
        Self {
            items: Mutex::new(Durable::in_memory(Items::default())),
        }
    }

    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        Ok(Self {
            items: Mutex::new(Durable::open(path)?),
        })
    }

    /// The request at the head of the queue, its receive count already raised, left on the
    /// queue until [`Self::done`] or [`Self::retry_later`] (a stop in between receives it again
    /// after a restart, like an SQS message whose visibility timeout ran out).
    pub fn receive(&self) -> Option<QueuedRequest> {
        let mut items = lock(&self.items);
        items.0.front()?;
        items.change_or_log(Change::Received, "send queue");
        let received = items.0.front()?.clone();
        crate::crash_point::crash_point("queue.received");
        Some(received)
    }

    /// The head request was handled (or dead-lettered): off the queue.
    pub fn done(&self) {
        let mut items = lock(&self.items);
        if !items.0.is_empty() {
            items.change_or_log(Change::Done, "send queue");
        }
    }

    /// The head request failed: to the back of the queue, to be received again.
    pub fn retry_later(&self) {
        let mut items = lock(&self.items);
        if !items.0.is_empty() {
            items.change_or_log(Change::RetryLater, "send queue");
        }
    }

    pub fn len(&self) -> usize {
        lock(&self.items).0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[async_trait]
impl SendQueue for InProcessQueue {
    async fn enqueue(&self, requests: &[SendRequest]) -> Result<(), QueueError> {
        if !requests.is_empty() {
            let change = Change::Enqueue(requests.to_vec());
            lock(&self.items).change_or_log(change, "send queue");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rappel_core::message::{Channel, MessageKey, MessageKind, Recipient, Subject};
    use rappel_core::model::{AppointmentId, ClientId, TenantId};

    fn request(ordinal: u64) -> SendRequest {
        SendRequest::Message {
            key: MessageKey {
                tenant: TenantId::parse("t").unwrap(),
                subject: Subject::Appointment(AppointmentId::parse("a").unwrap()),
                kind: MessageKind::Reminder,
                ordinal,
                recipient: Recipient::Client(ClientId::parse("c").unwrap()),
                channel: Channel::Email,
                due: chrono::Utc.with_ymd_and_hms(2026, 3, 26, 9, 0, 0).unwrap(),
            },
        }
    }

    #[tokio::test]
    async fn a_received_request_stays_queued_until_handled_and_counts_its_receives() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("queue.json");
        let queue = InProcessQueue::persisted(&path).unwrap();
        queue.enqueue(&[request(1), request(2)]).await.unwrap();
        assert_eq!(queue.receive().unwrap().receives, 1);
        queue.retry_later();
        assert_eq!(queue.receive().unwrap().request, request(2));
        queue.done();

        let restarted = InProcessQueue::persisted(&path).unwrap();
        let again = restarted.receive().unwrap();
        assert_eq!((again.request, again.receives), (request(1), 2));
    }
}
