//! The embedded queue: a FIFO kept in memory (and in a journal for a data dir), drained by the
//! local runtime with the same receive-count and dead-letter rules as SQS. One type for every
//! queue of the local stack: the send queue (send requests) and the re-plan queue (re-plan
//! work).

use super::{QueueError, SendQueue};
use crate::journal::{Durable, Journaled};
use crate::lock;
use crate::replan::{ReplanQueue, ReplanWork};
use crate::schedules::SendRequest;
use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Mutex;

/// What a queue can carry: what its journal can write and read back.
pub trait Queued: Clone + Serialize + DeserializeOwned + Send + 'static {}
impl<T: Clone + Serialize + DeserializeOwned + Send + 'static> Queued for T {}

/// A request on the queue and how many times it has been received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned", serialize = "T: Serialize"))]
pub struct QueuedRequest<T = SendRequest> {
    pub request: T,
    pub receives: u32,
}

/// A change as the journal keeps it.
#[derive(Serialize, Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned", serialize = "T: Serialize"))]
enum Change<T> {
    Enqueue(Vec<T>),
    /// The head was received once more.
    Received,
    /// The head is off the queue.
    Done,
    /// The head goes to the back.
    RetryLater,
}

struct Items<T>(VecDeque<QueuedRequest<T>>);

impl<T> Default for Items<T> {
    fn default() -> Self {
        Self(VecDeque::new())
    }
}

impl<T: Queued> Journaled for Items<T> {
    type Saved = VecDeque<QueuedRequest<T>>;
    type Change = Change<T>;

    fn restore(saved: Self::Saved) -> Self {
        Self(saved)
    }

    fn saved(&self) -> impl Serialize + '_ {
        &self.0
    }

    fn apply(&mut self, change: Change<T>) {
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

pub struct InProcessQueue<T: Queued = SendRequest> {
    items: Mutex<Durable<Items<T>>>,
}

impl<T: Queued> InProcessQueue<T> {
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
    pub fn receive(&self) -> Option<QueuedRequest<T>> {
        let mut items = lock(&self.items);
        items.0.front()?;
        items.change_or_log(Change::Received, "queue");
        let received = items.0.front()?.clone();
        crate::crash_point::crash_point("queue.received");
        Some(received)
    }

    /// The first `n` requests waiting, head first, without receiving them: what a batch
    /// prefetches the records of.
    pub fn peek(&self, n: usize) -> Vec<T> {
        lock(&self.items)
            .0
            .iter()
            .take(n)
            .map(|queued| queued.request.clone())
            .collect()
    }

    /// The head request was handled (or dead-lettered): off the queue.
    pub fn done(&self) {
        let mut items = lock(&self.items);
        if !items.0.is_empty() {
            items.change_or_log(Change::Done, "queue");
        }
    }

    /// The head request failed: to the back of the queue, to be received again.
    pub fn retry_later(&self) {
        let mut items = lock(&self.items);
        if !items.0.is_empty() {
            items.change_or_log(Change::RetryLater, "queue");
        }
    }

    pub fn len(&self) -> usize {
        lock(&self.items).0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T: Queued> InProcessQueue<T> {
    /// Puts `items` at the back, all at once.
    pub fn push(&self, items: &[T]) {
        if !items.is_empty() {
            let change = Change::Enqueue(items.to_vec());
            lock(&self.items).change_or_log(change, "queue");
        }
    }
}

#[async_trait]
impl SendQueue for InProcessQueue<SendRequest> {
    async fn enqueue(&self, requests: &[SendRequest]) -> Result<(), QueueError> {
        self.push(requests);
        Ok(())
    }
}

#[async_trait]
impl ReplanQueue for InProcessQueue<ReplanWork> {
    async fn enqueue(&self, work: &[ReplanWork]) -> Result<(), QueueError> {
        self.push(work);
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
        let queue = InProcessQueue::<SendRequest>::persisted(&path).unwrap();
        queue.enqueue(&[request(1), request(2)]).await.unwrap();
        assert_eq!(queue.receive().unwrap().receives, 1);
        queue.retry_later();
        assert_eq!(queue.receive().unwrap().request, request(2));
        queue.done();

        let restarted = InProcessQueue::<SendRequest>::persisted(&path).unwrap();
        let again = restarted.receive().unwrap();
        assert_eq!((again.request, again.receives), (request(1), 2));
    }
}
