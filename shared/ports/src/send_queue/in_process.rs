//! The embedded queue: kept in memory (and in a journal for a data dir), drained by the local
//! runtime with the same receive-count and dead-letter rules as SQS. One type for every queue
//! of the local stack: the send queue (send requests) and the re-plan queue (re-plan work).
//!
//! It keeps the lanes and fair shares of the SQS queues: the urgent lane is served before the
//! bulk lane, and inside a lane the businesses with something waiting take turns — one
//! message each, round after round — so a business with a backlog of 20,000 delays another's
//! next message by one turn, not by its backlog. (SQS fair queues approximate this; the local
//! queue is exact.)

use super::{QueueError, SendQueue};
use crate::journal::{Durable, Journaled};
use crate::lock;
use crate::replan::{ReplanQueue, ReplanWork};
use crate::schedules::SendRequest;
use async_trait::async_trait;
use rappel_core::message::Lane;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;

/// What a queue can carry: what its journal can write and read back, with its lane and its
/// message group (the business it is for).
pub trait Queued: Clone + Serialize + DeserializeOwned + Send + 'static {
    fn lane(&self) -> Lane;
    fn group(&self) -> String;
}

impl Queued for SendRequest {
    fn lane(&self) -> Lane {
        SendRequest::lane(self)
    }

    fn group(&self) -> String {
        self.tenant().to_string()
    }
}

impl Queued for ReplanWork {
    fn lane(&self) -> Lane {
        Lane::Bulk
    }

    fn group(&self) -> String {
        self.job.tenant.to_string()
    }
}

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
    /// The head goes to the back of its group.
    RetryLater,
    /// The first `n` requests in turn were received together: off the lanes, in flight.
    ReceivedBatch(usize),
    /// The requests in flight are finished, in order: `true` off the queue, `false` to the
    /// back of their group.
    FinishedBatch(Vec<bool>),
    /// A restart: what was in flight waits again, first in turn as it was.
    InFlightReleased,
}

/// How a request received in a batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// Handled (or dead-lettered): off the queue.
    Done,
    /// Failed or handed back: to the back of its group, received again later.
    RetryLater,
}

/// One lane: each group's requests in order, and the groups' turns.
struct LaneItems<T> {
    groups: HashMap<String, VecDeque<QueuedRequest<T>>>,
    /// The groups with something waiting, the next to be served first.
    turns: VecDeque<String>,
}

impl<T> Default for LaneItems<T> {
    fn default() -> Self {
        Self {
            groups: HashMap::new(),
            turns: VecDeque::new(),
        }
    }
}

impl<T: Queued> LaneItems<T> {
    fn push(&mut self, queued: QueuedRequest<T>) {
        let group = queued.request.group();
        let waiting = self.groups.entry(group.clone()).or_default();
        if waiting.is_empty() {
            self.turns.push_back(group);
        }
        waiting.push_back(queued);
    }

    fn head_mut(&mut self) -> Option<&mut QueuedRequest<T>> {
        let group = self.turns.front()?;
        self.groups.get_mut(group)?.front_mut()
    }

    /// Takes the head off; its group's turn passes to the next group.
    fn pop(&mut self) -> Option<QueuedRequest<T>> {
        let group = self.turns.pop_front()?;
        let waiting = self.groups.get_mut(&group)?;
        let head = waiting.pop_front();
        if waiting.is_empty() {
            self.groups.remove(&group);
        } else {
            self.turns.push_back(group);
        }
        head
    }

    /// The first `limit` requests in the order they would be received: round after round, one
    /// per group with something left.
    fn in_turn(&self, limit: usize, into: &mut Vec<QueuedRequest<T>>) {
        let mut active: Vec<_> = self
            .turns
            .iter()
            .filter_map(|group| self.groups.get(group).map(VecDeque::iter))
            .collect();
        while !active.is_empty() {
            active.retain_mut(|waiting| match waiting.next() {
                Some(queued) if into.len() < limit => {
                    into.push(queued.clone());
                    true
                }
                _ => false,
            });
            if into.len() >= limit {
                return;
            }
        }
    }
}

struct Items<T> {
    lanes: [LaneItems<T>; 2],
    /// Received in a batch, not finished yet (SQS's in-flight messages): still on the queue.
    in_flight: Vec<QueuedRequest<T>>,
    /// Waiting and in flight.
    len: usize,
}

impl<T> Default for Items<T> {
    fn default() -> Self {
        Self {
            lanes: [LaneItems::default(), LaneItems::default()],
            in_flight: Vec::new(),
            len: 0,
        }
    }
}

fn index(lane: Lane) -> usize {
    match lane {
        Lane::Urgent => 0,
        Lane::Bulk => 1,
    }
}

impl<T: Queued> Items<T> {
    fn push(&mut self, queued: QueuedRequest<T>) {
        self.lanes[index(queued.request.lane())].push(queued);
        self.len += 1;
    }

    /// The lane served next: the first with something waiting.
    fn serving(&mut self) -> Option<&mut LaneItems<T>> {
        self.lanes.iter_mut().find(|lane| !lane.turns.is_empty())
    }

    fn head_mut(&mut self) -> Option<&mut QueuedRequest<T>> {
        self.serving()?.head_mut()
    }

    fn head(&self) -> Option<&QueuedRequest<T>> {
        let lane = self.lanes.iter().find(|lane| !lane.turns.is_empty())?;
        lane.groups.get(lane.turns.front()?)?.front()
    }

    fn pop(&mut self) -> Option<QueuedRequest<T>> {
        let head = self.serving()?.pop();
        if head.is_some() {
            self.len -= 1;
        }
        head
    }

    /// The first `limit` requests in the order they would be received.
    fn in_turn(&self, limit: usize) -> Vec<QueuedRequest<T>> {
        let mut first = Vec::with_capacity(limit.min(self.len));
        for lane in &self.lanes {
            lane.in_turn(limit, &mut first);
        }
        first
    }
}

impl<T: Queued> Journaled for Items<T> {
    /// Saved flat, in the order of receipt (what is in flight first: it was received first):
    /// restored, the same order comes back.
    type Saved = VecDeque<QueuedRequest<T>>;
    type Change = Change<T>;

    fn restore(saved: Self::Saved) -> Self {
        let mut items = Self::default();
        for queued in saved {
            items.push(queued);
        }
        items
    }

    fn saved(&self) -> impl Serialize + '_ {
        let mut saved = self.in_flight.clone();
        saved.extend(self.in_turn(self.len));
        saved
    }

    fn apply(&mut self, change: Change<T>) {
        match change {
            Change::Enqueue(requests) => {
                for request in requests {
                    self.push(QueuedRequest {
                        request,
                        receives: 0,
                    });
                }
            }
            Change::Received => {
                if let Some(head) = self.head_mut() {
                    head.receives += 1;
                }
            }
            Change::Done => {
                self.pop();
            }
            Change::RetryLater => {
                if let Some(head) = self.pop() {
                    self.push(head);
                }
            }
            Change::ReceivedBatch(n) => {
                for _ in 0..n {
                    let Some(mut head) = self.pop() else { break };
                    head.receives += 1;
                    self.len += 1;
                    self.in_flight.push(head);
                }
            }
            Change::InFlightReleased => {
                let mut order = std::mem::take(&mut self.in_flight);
                order.extend(self.in_turn(self.len));
                *self = Self::restore(order.into());
            }
            Change::FinishedBatch(done) => {
                // A request without an outcome (none expected) is received again later.
                let in_flight = std::mem::take(&mut self.in_flight);
                for (i, queued) in in_flight.into_iter().enumerate() {
                    self.len -= 1;
                    if !done.get(i).copied().unwrap_or(false) {
                        self.push(queued);
                    }
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

    /// Kept in the journal at `path`; a batch left in flight by a stop waits again, first in
    /// turn (received again, as SQS makes a message visible again).
    pub fn persisted(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        let mut items = Durable::<Items<T>>::open(path)?;
        if !items.in_flight.is_empty() {
            items.change(Change::InFlightReleased)?;
        }
        Ok(Self {
            items: Mutex::new(items),
        })
    }

    /// The request at the head of the queue, its receive count already raised, left on the
    /// queue until [`Self::done`] or [`Self::retry_later`] (a stop in between receives it again
    /// after a restart, like an SQS message whose visibility timeout ran out).
    pub fn receive(&self) -> Option<QueuedRequest<T>> {
        let mut items = lock(&self.items);
        items.head()?;
        items.change_or_log(Change::Received, "queue");
        let received = items.head()?.clone();
        crate::crash_point::crash_point("queue.received");
        Some(received)
    }

    /// The first `n` requests waiting, head first, without receiving them: what a batch
    /// prefetches the records of.
    pub fn peek(&self, n: usize) -> Vec<T> {
        lock(&self.items)
            .in_turn(n)
            .into_iter()
            .map(|queued| queued.request)
            .collect()
    }

    /// The next `n` requests waiting, in turn (fewer when fewer wait), each received once
    /// more and held in flight — still on the queue, not received again — until
    /// [`Self::finish_batch`]: a stop in between receives them again after a restart. Batches
    /// add up until finished; single receives ([`Self::receive`]) are not mixed with them.
    pub fn receive_batch(&self, n: usize) -> Vec<QueuedRequest<T>> {
        let mut items = lock(&self.items);
        let before = items.in_flight.len();
        if n == 0 || items.len == before {
            return Vec::new();
        }
        items.change_or_log(Change::ReceivedBatch(n), "queue");
        crate::crash_point::crash_point("queue.received");
        items.in_flight[before..].to_vec()
    }

    /// Everything in flight ended as `outcomes` say, in the order it was received (a request
    /// without an outcome is received again later). What its handling wrote is synced first —
    /// one barrier for all of it: a request leaves the queue only once what it did is kept.
    pub fn finish_batch(&self, outcomes: &[Finished]) {
        crate::journal::barrier_before_consuming(&self.items, "queue");
        self.finish_batch_synced(outcomes);
    }

    /// [`Self::finish_batch`] for a caller that has just passed a barrier of the store's
    /// domain after handling the batch.
    pub fn finish_batch_synced(&self, outcomes: &[Finished]) {
        let mut items = lock(&self.items);
        if items.in_flight.is_empty() {
            return;
        }
        let done = outcomes.iter().map(|o| *o == Finished::Done).collect();
        items.change_or_log(Change::FinishedBatch(done), "queue");
    }

    /// Requests waiting to be received (the queue's length less what is in flight).
    pub fn waiting(&self) -> usize {
        let items = lock(&self.items);
        items.len - items.in_flight.len()
    }

    /// The head request was handled (or dead-lettered): off the queue.
    pub fn done(&self) {
        crate::journal::barrier_before_consuming(&self.items, "queue");
        let mut items = lock(&self.items);
        if items.len > 0 {
            items.change_or_log(Change::Done, "queue");
        }
    }

    /// The head request failed: to the back of the queue, to be received again.
    pub fn retry_later(&self) {
        crate::journal::barrier_before_consuming(&self.items, "queue");
        let mut items = lock(&self.items);
        if items.len > 0 {
            items.change_or_log(Change::RetryLater, "queue");
        }
    }

    pub fn len(&self) -> usize {
        lock(&self.items).len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T: Queued + Sync> crate::journal::Compact for InProcessQueue<T> {
    fn compact(&self) -> std::io::Result<()> {
        lock(&self.items).compact_now()
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
        request_of("t", MessageKind::Reminder, ordinal)
    }

    fn request_of(tenant: &str, kind: MessageKind, ordinal: u64) -> SendRequest {
        SendRequest::Message {
            key: MessageKey {
                tenant: TenantId::parse(tenant).unwrap(),
                subject: Subject::Appointment(AppointmentId::parse("a").unwrap()),
                kind,
                ordinal,
                recipient: Recipient::Client(ClientId::parse("c").unwrap()),
                channel: Channel::Email,
                due: chrono::Utc.with_ymd_and_hms(2026, 3, 26, 9, 0, 0).unwrap(),
            },
            bulk: false,
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

    fn drain(queue: &InProcessQueue) -> Vec<SendRequest> {
        std::iter::from_fn(|| {
            let received = queue.receive()?;
            queue.done();
            Some(received.request)
        })
        .collect()
    }

    #[tokio::test]
    async fn a_business_with_a_backlog_delays_another_by_one_turn_not_by_its_backlog() {
        let queue = InProcessQueue::<SendRequest>::in_memory();
        let backlog: Vec<_> = (0..5)
            .map(|n| request_of("a", MessageKind::Reminder, n))
            .collect();
        queue.enqueue(&backlog).await.unwrap();
        let other = request_of("b", MessageKind::Reminder, 0);
        queue.enqueue(std::slice::from_ref(&other)).await.unwrap();
        assert_eq!(queue.peek(3)[1], other);

        let order = drain(&queue);
        assert_eq!(order.len(), 6);
        assert_eq!(order[0], backlog[0]);
        assert_eq!(order[1], other, "b's message is served at b's first turn");
        assert_eq!(&order[2..], &backlog[1..], "a's own order is kept");
    }

    #[tokio::test]
    async fn an_urgent_message_never_waits_behind_the_bulk_lane() {
        let queue = InProcessQueue::<SendRequest>::in_memory();
        let digests: Vec<_> = (0..3)
            .map(|n| request_of("a", MessageKind::Reengagement, n))
            .collect();
        queue.enqueue(&digests).await.unwrap();
        let reminder = request_of("a", MessageKind::Reminder, 9);
        queue
            .enqueue(std::slice::from_ref(&reminder))
            .await
            .unwrap();
        assert_eq!(drain(&queue)[0], reminder);
    }

    #[tokio::test]
    async fn a_restarted_queue_serves_the_same_turns_in_the_same_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("queue.json");
        let queue = InProcessQueue::<SendRequest>::persisted(&path).unwrap();
        for tenant in ["a", "a", "a", "b", "c"] {
            queue
                .enqueue(&[request_of(
                    tenant,
                    MessageKind::Reminder,
                    queue.len() as u64,
                )])
                .await
                .unwrap();
        }
        queue
            .enqueue(&[request_of("b", MessageKind::StaffDigest, 7)])
            .await
            .unwrap();
        queue.receive().unwrap();
        queue.retry_later();
        let expected = queue.peek(10);
        assert_eq!(expected.len(), 6);
        let restarted = InProcessQueue::<SendRequest>::persisted(&path).unwrap();
        assert_eq!(restarted.peek(10), expected);
        assert_eq!(drain(&restarted), expected);
    }

    #[tokio::test]
    async fn a_batch_is_received_in_turn_and_leaves_only_what_was_done() {
        let queue = InProcessQueue::<SendRequest>::in_memory();
        let a: Vec<_> = (0..3)
            .map(|n| request_of("a", MessageKind::Reminder, n))
            .collect();
        queue.enqueue(&a).await.unwrap();
        let b = request_of("b", MessageKind::Reminder, 0);
        queue.enqueue(std::slice::from_ref(&b)).await.unwrap();
        let in_turn = queue.peek(3);

        let batch = queue.receive_batch(3);
        assert_eq!(batch.len(), 3);
        assert_eq!(
            batch.iter().map(|r| r.request.clone()).collect::<Vec<_>>(),
            in_turn,
            "the batch is what single receives would have taken"
        );
        assert!(batch.iter().all(|r| r.receives == 1));
        assert_eq!(queue.len(), 4, "in flight is still on the queue");

        queue.finish_batch(&[Finished::Done, Finished::RetryLater, Finished::Done]);

        assert_eq!(queue.len(), 2);
        let left = drain(&queue);
        assert_eq!(left.len(), 2);
        assert!(left.contains(&in_turn[1]), "the retried one comes back");
        assert!(!left.contains(&in_turn[0]) && !left.contains(&in_turn[2]));
    }

    #[tokio::test]
    async fn a_batch_in_flight_at_a_stop_is_received_again_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("queue.json");
        let queue = InProcessQueue::<SendRequest>::persisted(&path).unwrap();
        let requests: Vec<_> = (0..4)
            .map(|n| request_of("a", MessageKind::Reminder, n))
            .collect();
        queue.enqueue(&requests).await.unwrap();
        queue.receive_batch(2);
        drop(queue);

        let restarted = InProcessQueue::<SendRequest>::persisted(&path).unwrap();
        assert_eq!(restarted.len(), 4);
        let again = restarted.receive_batch(4);
        assert_eq!(again.len(), 4);
        assert_eq!(
            again.iter().map(|r| r.request.clone()).collect::<Vec<_>>(),
            requests
        );
        assert_eq!(
            again.iter().map(|r| r.receives).collect::<Vec<_>>(),
            vec![2, 2, 1, 1],
            "the first two were received before the stop"
        );
        restarted.finish_batch(&[Finished::Done; 4]);
        assert!(restarted.is_empty());
        let reopened = InProcessQueue::<SendRequest>::persisted(&path).unwrap();
        assert!(reopened.is_empty());
    }
}
