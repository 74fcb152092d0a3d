//! The local runtime: composition of the embedded adapters and the loops AWS would run.

use crate::disturbance::Disturbance;
use chrono::{DateTime, Duration, Utc};
use rappel_app::erasure::{ErasureServices, StepRun};
use rappel_app::webhooks::WebhookDispatch;
use rappel_app::{ApiPorts, ApiServices, DeliveryServices, ReactionServices, TwoWaySms};
use rappel_change_handler::handle_changes;
use rappel_core::model::{EmailAddress, PhoneNumber};
use rappel_core::privacy::Pseudonyms;
use rappel_core::render::{LinkSigner, SenderIdentity};
use rappel_ports::address_marks::MemoryAddressMarks;
use rappel_ports::clock::{Clock, VirtualClock};
use rappel_ports::credentials::MemoryCredentials;
use rappel_ports::deadline::Deadline;
use rappel_ports::delivery::Outbox;
use rappel_ports::delivery::{Mailer, SmsSender, Unpaced, VirtualPace};
use rappel_ports::erasure::ErasureWork;
use rappel_ports::events::MemoryEventLog;
use rappel_ports::group_commit::SyncDomain;
use rappel_ports::history::MemoryHistory;
use rappel_ports::idempotency::MemoryIdempotency;
use rappel_ports::journal::Compact;
use rappel_ports::json_file::{JsonFile, persist};
use rappel_ports::ledger::DeliveryLedger;
use rappel_ports::ledger::MemoryLedger;
use rappel_ports::records::{ChangeRecord, MemoryRecords, RecordStore};
use rappel_ports::replan::{MemoryProgress, ReplanWork};
use rappel_ports::schedules::Schedules;
use rappel_ports::schedules::{Firing, InProcessScheduler, SendRequest};
use rappel_ports::send_queue::{Finished, InProcessQueue, MAX_RECEIVES, QueuedRequest, SendQueue};
use rappel_ports::sending_domains::MemorySendingDomains;
use rappel_ports::sms_replies::MemorySmsReplies;
use rappel_ports::usage::MemoryUsage;
use rappel_ports::webhooks::MemoryWebhooks;
use rappel_send::{BATCH_SIZE, SendBatch, Step};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// How often a failing change record is tried before it is dead-lettered (a send request is
/// tried [`MAX_RECEIVES`] times, like the SQS queue's `maxReceiveCount`).
pub const MAX_ATTEMPTS: u32 = 3;

#[derive(Debug, Clone)]
pub struct LocalConfig {
    /// Where state, schedules, history and `.eml` files are kept; `None` keeps all in memory.
    pub data_dir: Option<PathBuf>,
    /// The virtual clock's starting instant.
    pub start_at: DateTime<Utc>,
    /// Print every message to stdout.
    pub echo: bool,
    /// Base of the signed cancel/reschedule links.
    pub link_base_url: String,
    pub link_secret: Vec<u8>,
    pub sender: EmailAddress,
    /// What disturbs the stack (the soak's failing calls, write log, reordered feed, doubled
    /// firings). `None` everywhere else.
    pub disturbance: Option<Arc<dyn Disturbance>>,
    /// Simulate providers that accept this many messages a second per channel: each send
    /// moves the virtual clock to its channel's next turn, and schedules fire between sends
    /// as their time comes (the fairness run). `None`: sends take no time.
    pub provider_rate: Option<f64>,
}

/// The local stack's two-way number, which its SMS come from and replies go to: one of the
/// numbers ARCEP keeps for fiction (01 99 00 xx xx), so it can never reach anyone.
pub fn local_two_way_number() -> PhoneNumber {
    PhoneNumber::parse("+33199001234").unwrap_or_else(|_| unreachable!("a valid E.164 number"))
}

/// The local stack's pseudonym key: fixed, so that the marks and STOPs a data dir keeps are
/// found again after a restart (a deployment's own key comes from its template's secret).
pub fn local_pseudonyms() -> Pseudonyms {
    Pseudonyms::new(*b"rappel-local-stack-pseudonym-key-v1")
        .unwrap_or_else(|_| unreachable!("a key of 35 bytes"))
}

impl LocalConfig {
    /// In memory, silent, clock frozen at `start_at`: what tests use.
    pub fn for_tests(start_at: DateTime<Utc>) -> Self {
        Self {
            data_dir: None,
            start_at,
            echo: false,
            link_base_url: "http://127.0.0.1/links".into(),
            link_secret: b"local-test-link-key-of-32-bytes-at-least".to_vec(),
            sender: default_sender(),
            disturbance: None,
            provider_rate: None,
        }
    }
}

pub fn default_sender() -> EmailAddress {
    EmailAddress::parse("no-reply@rappel.localhost.localdomain")
        .unwrap_or_else(|_| unreachable!("constant address is valid"))
}

/// Something that kept failing, kept (in the data dir too) with what is needed to replay it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum DeadLetter {
    /// A change record the change handler failed [`MAX_ATTEMPTS`] times, images included.
    ChangeRecord {
        /// The change as the feed carried it: `sequence`, and the record's `old` and `new`
        /// images.
        #[schema(value_type = Object)]
        change: Box<ChangeRecord>,
        failed_at: DateTime<Utc>,
    },
    /// A re-plan step the re-plan handler failed [`MAX_RECEIVES`] times.
    ReplanStep {
        /// The step as it was queued (its job, with the image from before the change).
        #[schema(value_type = Object)]
        work: Box<ReplanWork>,
        receives: u32,
        error: String,
        failed_at: DateTime<Utc>,
    },
    /// An erasure's wake-up the erase step failed [`MAX_RECEIVES`] times.
    ErasureStep {
        #[schema(value_type = Object)]
        work: ErasureWork,
        receives: u32,
        error: String,
        failed_at: DateTime<Utc>,
    },
    /// A message the send handler failed [`MAX_RECEIVES`] times (from a schedule or a change).
    SendRequest {
        /// The request as it was queued (a message key, or a digest firing).
        #[schema(value_type = Object)]
        request: SendRequest,
        receives: u32,
        error: String,
        failed_at: DateTime<Utc>,
    },
}

pub struct LocalStack {
    /// What the change handler runs with.
    pub services: ReactionServices,
    /// What the send handler (the single delivery path) runs with.
    pub delivery: DeliveryServices,
    pub records: Arc<MemoryRecords>,
    pub scheduler: Arc<InProcessScheduler>,
    pub queue: Arc<InProcessQueue>,
    /// The re-plan steps of changes that affect many subjects.
    pub replans: Arc<InProcessQueue<ReplanWork>>,
    /// The wake-ups of client erasures, and what their steps run with.
    pub erasures: Arc<InProcessQueue<ErasureWork>>,
    erasure: ErasureServices,
    /// The durable stores folded into fresh snapshots once an erasure is done.
    journals: Vec<Arc<dyn Compact>>,
    /// The stores whose retention the sweep enforces (besides `records`).
    history_store: Arc<MemoryHistory>,
    ledger_store: Arc<MemoryLedger>,
    /// The clock's instant at the last retention sweep (one an hour at most, as DynamoDB's
    /// TTL deletes within days, not at the second).
    last_sweep: Mutex<Option<DateTime<Utc>>>,
    pub progress: Arc<MemoryProgress>,
    /// The API's idempotency keys (persisted with the rest in a data directory).
    pub idempotency: Arc<MemoryIdempotency>,
    /// Integrators' API keys and the businesses they may act for (persisted likewise).
    pub credentials: Arc<MemoryCredentials>,
    /// The businesses' own sending domains (verified on the local stack's word).
    pub domains: Arc<MemorySendingDomains>,
    /// Every business's delivery events (`/_local/events`, `GET /v1/events`).
    pub events: Arc<MemoryEventLog>,
    /// The businesses' webhook endpoints, and what posts the events to them.
    pub webhooks: Arc<MemoryWebhooks>,
    dispatch: WebhookDispatch,
    pub outbox: Arc<Outbox>,
    pub clock: Arc<VirtualClock>,
    /// Serialises feed pumping and schedule firing, as one Lambda shard / one scheduler would.
    runtime: tokio::sync::Mutex<()>,
    attempts: Mutex<HashMap<String, u32>>,
    dead_letters: Mutex<Vec<DeadLetter>>,
    dead_letters_file: Option<JsonFile>,
    disturbance: Option<Arc<dyn Disturbance>>,
    /// Sends move the clock (a simulated provider rate): schedules fire between sends.
    paced: bool,
    /// Acknowledgements waiting for one barrier (group commit): see [`HeldAcks`].
    held: Mutex<HeldAcks>,
}

/// What the runtime has done and not yet acknowledged: the feed's changes handled, firings
/// queued and not yet marked fired, the send queue's requests in flight with how each ended.
/// They are acknowledged together behind one barrier ([`LocalStack::acknowledge`]) — every
/// [`ACK_WINDOW`] firings while the clock moves, and whenever the runtime comes to rest — rather
/// than each behind its own sync. A stop before then hands them over again, which the delivery
/// ledger makes harmless (as a stream's or a queue's unacknowledged batch on AWS).
#[derive(Default)]
struct HeldAcks {
    /// The first changes of the feed, handled.
    feed: usize,
    fired: Vec<Firing>,
    sent: Vec<Finished>,
}

/// Firings acknowledged behind one barrier while the clock moves.
const ACK_WINDOW: usize = 100;

/// Everything written to the data dir so far is synced (nothing to do in memory).
pub async fn synced() -> std::io::Result<()> {
    synced_through(SyncDomain::global().mark()).await
}

/// Everything written to the data dir up to `mark` ([`SyncDomain::mark`]) is synced: the wait
/// runs on the blocking pool, so the requests answering at once share one sync while the
/// runtime's threads go on.
pub async fn synced_through(mark: u64) -> std::io::Result<()> {
    if SyncDomain::global().is_synced_through(mark) {
        return Ok(());
    }
    tokio::task::spawn_blocking(move || SyncDomain::global().barrier_through(mark))
        .await
        .map_err(std::io::Error::other)?
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl LocalStack {
    /// What the API runs with: the delivery path's stores, the re-plan progress and the
    /// idempotency keys.
    pub fn api_services(&self) -> ApiServices {
        self.delivery.api(ApiPorts {
            progress: self.progress.clone(),
            idempotency: self.idempotency.clone(),
            domains: self.domains.clone(),
            events: self.events.clone(),
            webhooks: self.webhooks.clone(),
            erasures: self.erasures.clone(),
            mailboxes: Some(self.outbox.clone()),
        })
    }

    pub fn new(config: LocalConfig) -> std::io::Result<Arc<Self>> {
        let clock = Arc::new(VirtualClock::starting_at(config.start_at));
        if let Some(dir) = &config.data_dir {
            crate::check_data_dir(dir)?;
        }
        let (records, scheduler, queue, ledger, history, eml_dir) = match &config.data_dir {
            Some(dir) => (
                MemoryRecords::persisted(dir.join("records.json"))?,
                InProcessScheduler::persisted(dir.join("schedules.json"))?,
                InProcessQueue::persisted(dir.join("send-queue.json"))?,
                MemoryLedger::persisted(dir.join("ledger.json"))?,
                MemoryHistory::persisted(dir.join("history.json"))?,
                Some(dir.join("outbox")),
            ),
            None => (
                MemoryRecords::in_memory(),
                InProcessScheduler::in_memory(),
                InProcessQueue::in_memory(),
                MemoryLedger::in_memory(),
                MemoryHistory::in_memory(),
                None,
            ),
        };
        let (replans, progress, idempotency, credentials) = match &config.data_dir {
            Some(dir) => (
                InProcessQueue::persisted(dir.join("replan-queue.json"))?,
                MemoryProgress::persisted(dir.join("replan-progress.json"))?,
                MemoryIdempotency::persisted(dir.join("idempotency-keys.json"))?,
                MemoryCredentials::persisted(dir.join("api-keys.json"))?,
            ),
            None => (
                InProcessQueue::in_memory(),
                MemoryProgress::in_memory(),
                MemoryIdempotency::in_memory(),
                MemoryCredentials::in_memory(),
            ),
        };
        let credentials = Arc::new(credentials);
        let (replans, progress) = (Arc::new(replans), Arc::new(progress));
        let idempotency = Arc::new(idempotency);
        let events = Arc::new(match &config.data_dir {
            Some(dir) => MemoryEventLog::persisted(dir.join("events.json"))?,
            None => MemoryEventLog::in_memory(),
        });
        let webhooks = Arc::new(match &config.data_dir {
            Some(dir) => MemoryWebhooks::persisted(dir.join("webhooks.json"))?,
            None => MemoryWebhooks::in_memory(),
        });
        let dispatch = WebhookDispatch {
            events: events.clone(),
            store: webhooks.clone(),
            poster: Arc::new(crate::webhook_poster::HttpPoster::new()),
            // The runtime finds due endpoints itself (and stops its clock at their retries).
            retries: Arc::new(rappel_ports::webhooks::MemoryWebhookRetries::default()),
            clock: clock.clone(),
            wall: Arc::new(rappel_ports::clock::SystemClock),
            // One process writes every event before it posts: none can come late.
            settle: Duration::zero(),
        };
        let domains = Arc::new(match &config.data_dir {
            Some(dir) => MemorySendingDomains::persisted(dir.join("sending-domains.json"))?,
            None => MemorySendingDomains::in_memory(),
        });
        let records = Arc::new(records);
        let scheduler = Arc::new(scheduler);
        let queue = Arc::new(queue);
        let outbox = Arc::new(match eml_dir {
            Some(dir) => Outbox::persisted(dir, config.echo)?,
            None => Outbox::new(None, config.echo),
        });
        let marks = Arc::new(match &config.data_dir {
            Some(dir) => MemoryAddressMarks::persisted(dir.join("address-marks.json"))?,
            None => MemoryAddressMarks::in_memory(),
        });
        let usage = Arc::new(match &config.data_dir {
            Some(dir) => MemoryUsage::persisted(dir.join("usage.json"))?,
            None => MemoryUsage::in_memory(),
        });
        let sms_replies = Arc::new(match &config.data_dir {
            Some(dir) => MemorySmsReplies::persisted(dir)?,
            None => MemorySmsReplies::in_memory(),
        });
        // What the handlers see: the stores themselves, or (the soak) disturbed.
        let mut store: Arc<dyn RecordStore> = records.clone();
        let mut schedules: Arc<dyn Schedules> = scheduler.clone();
        let mut mailer: Arc<dyn Mailer> = outbox.clone();
        let mut sms: Arc<dyn SmsSender> = outbox.clone();
        let ledger_store = Arc::new(ledger);
        let history_store = Arc::new(history.publishing_to(events.clone()));
        let mut ledger: Arc<dyn DeliveryLedger> = ledger_store.clone();
        if let Some(disturbance) = &config.disturbance {
            store = disturbance.records(store, clock.clone());
            schedules = disturbance.schedules(schedules);
            (mailer, sms) = disturbance.providers(outbox.clone());
            ledger = disturbance.ledger(ledger);
        }
        let delivery = DeliveryServices {
            records: store.clone(),
            marks: marks.clone(),
            mailer,
            sms,
            ledger,
            history: history_store.clone(),
            clock: clock.clone(),
            sender: SenderIdentity {
                address: config.sender,
                // The local outbox has no short number: the language's "reply STOP" wording.
                sms_opt_out: None,
                // Its SMS come from the local two-way number: clients answer by text.
                two_way_sms: true,
            },
            links: LinkSigner::new(config.link_base_url, config.link_secret),
            settles: queue.clone(),
            usage: usage.clone(),
            held: schedules.clone(),
            // The local outbox plays a two-way number: replies are posted to
            // `/_local/sms-reply`.
            two_way: Some(TwoWaySms {
                number: local_two_way_number(),
                replies: sms_replies.clone(),
            }),
            pseudonyms: local_pseudonyms(),
            pace: match config.provider_rate {
                Some(rate) => Arc::new(VirtualPace::new(clock.clone(), rate)),
                None => Arc::new(Unpaced),
            },
        };
        let services = ReactionServices {
            records: store,
            clock: clock.clone(),
            schedules,
            queue: queue.clone(),
            replans: replans.clone(),
            progress: progress.clone(),
            events: events.clone(),
            history: delivery.history.clone(),
            ledger: delivery.ledger.clone(),
        };
        let erasures = Arc::new(match &config.data_dir {
            Some(dir) => InProcessQueue::persisted(dir.join("erasure-queue.json"))?,
            None => InProcessQueue::in_memory(),
        });
        let erasure = ErasureServices {
            records: delivery.records.clone(),
            history: delivery.history.clone(),
            ledger: delivery.ledger.clone(),
            marks: marks.clone(),
            two_way: delivery.two_way.clone(),
            queue: erasures.clone(),
            clock: clock.clone(),
        };
        // Every store whose journal can hold what an erasure deletes.
        let journals: Vec<Arc<dyn Compact>> = vec![
            records.clone(),
            history_store.clone(),
            ledger_store.clone(),
            sms_replies,
            marks,
            queue.clone(),
            scheduler.clone(),
            erasures.clone(),
            idempotency.clone(),
        ];
        let dead_letters_file = config
            .data_dir
            .as_ref()
            .map(|d| JsonFile::new(d.join("dead-letters.json")));
        let dead_letters: Vec<DeadLetter> = match &dead_letters_file {
            Some(file) => file.load()?,
            None => Vec::new(),
        };
        Ok(Arc::new(Self {
            services,
            delivery,
            records,
            scheduler,
            queue,
            replans,
            erasures,
            erasure,
            journals,
            history_store,
            ledger_store,
            last_sweep: Mutex::new(None),
            progress,
            idempotency,
            credentials,
            domains,
            events,
            webhooks,
            dispatch,
            outbox,
            clock,
            runtime: tokio::sync::Mutex::new(()),
            attempts: Mutex::new(HashMap::new()),
            dead_letters: Mutex::new(dead_letters),
            dead_letters_file,
            disturbance: config.disturbance,
            paced: config.provider_rate.is_some(),
            held: Mutex::new(HeldAcks::default()),
        }))
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// For a clean stop: waits until the firing or change handling in progress has finished
    /// (every state file is written as each step happens), then holds the runtime so that
    /// nothing new starts before the process exits.
    pub async fn quiesce(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.runtime.lock().await
    }

    pub fn dead_letters(&self) -> Vec<DeadLetter> {
        lock(&self.dead_letters).clone()
    }

    fn dead_letter(&self, letter: DeadLetter) {
        let mut letters = lock(&self.dead_letters);
        letters.push(letter);
        persist(self.dead_letters_file.as_ref(), &*letters, "dead letters");
    }

    /// Puts every dead letter back through the normal path — a change record on the change
    /// feed, a send request on the send queue with a fresh receive count — then settles.
    /// What fails again is dead-lettered again. Returns how many were replayed.
    pub async fn replay_dead_letters(&self) -> usize {
        let _guard = self.runtime.lock().await;
        let letters = {
            let mut letters = lock(&self.dead_letters);
            let taken = std::mem::take(&mut *letters);
            persist(self.dead_letters_file.as_ref(), &*letters, "dead letters");
            taken
        };
        let count = letters.len();
        let mut requests = Vec::new();
        for letter in letters {
            match letter {
                DeadLetter::ChangeRecord { change, .. } => {
                    lock(&self.attempts).remove(&format!("change:{}", change.sequence));
                    self.records.replay_change(*change);
                }
                DeadLetter::ReplanStep { work, .. } => self.replans.push(&[*work]),
                DeadLetter::ErasureStep { work, .. } => self.erasures.push(&[work]),
                DeadLetter::SendRequest { request, .. } => requests.push(request),
            }
        }
        if let Err(error) = self.queue.enqueue(&requests).await {
            tracing::error!(%error, "could not queue the replayed send requests");
        }
        self.settle_locked().await;
        count
    }

    /// Runs the change handler until the feed is empty, and the send handler until the send
    /// queue is (what the event source mappings of the stream and of the queue do on AWS,
    /// without the delays).
    pub async fn settle(&self) {
        let _guard = self.runtime.lock().await;
        self.settle_locked().await;
    }

    async fn settle_locked(&self) {
        self.settle_holding().await;
        self.acknowledge();
    }

    /// Acknowledges what is held, behind one barrier: the feed's changes finished, the firings
    /// marked fired, the requests in flight finished (a failed one back on the queue).
    fn acknowledge(&self) {
        self.acknowledge_with(Vec::new());
    }

    /// [`Self::acknowledge`], the feed's failed changes `retry` going back at its front.
    fn acknowledge_with(&self, retry: Vec<ChangeRecord>) {
        let held = std::mem::take(&mut *lock(&self.held));
        if held.feed == 0 && retry.is_empty() && held.fired.is_empty() && held.sent.is_empty() {
            return;
        }
        // What handling all of it wrote, synced once; the acknowledgements' own lines wait for
        // the next barrier (lost, they hand the work over again).
        if let Err(error) = SyncDomain::global().barrier() {
            tracing::error!(%error, "could not sync the data dir before acknowledging");
        }
        if held.feed > 0 || !retry.is_empty() {
            self.records.finish_changes_synced(held.feed, retry);
        }
        if !held.fired.is_empty() {
            self.scheduler.fired_all_synced(&held.fired);
        }
        if !held.sent.is_empty() {
            self.queue.finish_batch_synced(&held.sent);
        }
    }

    /// [`Self::settle_locked`] leaving its acknowledgements held, but for failed sends: those
    /// are acknowledged (back on the queue) and tried again until they succeed or are
    /// dead-lettered.
    async fn settle_holding(&self) {
        loop {
            let handled_before = lock(&self.held).feed;
            let batch = self.records.peek_changes_after(handled_before, 100);
            if batch.is_empty() {
                if !self.replans.is_empty() {
                    self.drain_replans().await;
                    continue;
                }
                if !self.erasures.is_empty() {
                    self.drain_erasures().await;
                    continue;
                }
                if self.queue.waiting() == 0
                    && lock(&self.held).sent.contains(&Finished::RetryLater)
                {
                    self.acknowledge();
                    continue;
                }
                if self.queue.waiting() == 0 {
                    // Events posted once everything they record is done; a page at a time.
                    while self.dispatch.run_due().await.posted > 0 {}
                    return;
                }
                self.drain_queue().await;
                continue;
            }
            let outcome = match &self.disturbance {
                Some(disturbance) => self.handle_disturbed(disturbance.as_ref(), &batch).await,
                None => handle_changes(&self.services, &batch).await,
            };
            rappel_ports::crash_point::crash_point("feed.handled");
            let handled = batch.len();
            let failed: Vec<ChangeRecord> = batch
                .into_iter()
                .filter(|c| outcome.failed_sequences.contains(&c.sequence))
                .collect();
            let mut retry = Vec::new();
            for change in failed {
                let attempts = {
                    let mut map = lock(&self.attempts);
                    let n = map
                        .entry(format!("change:{}", change.sequence))
                        .or_insert(0);
                    *n += 1;
                    *n
                };
                if attempts < MAX_ATTEMPTS {
                    retry.push(change);
                } else {
                    self.dead_letter(DeadLetter::ChangeRecord {
                        change: Box::new(change),
                        failed_at: self.now(),
                    });
                }
            }
            lock(&self.held).feed += handled;
            if !retry.is_empty() {
                // Handled again before anything after them, as a stream retries a batch.
                self.acknowledge_with(retry);
            }
        }
    }

    /// A disturbed change feed: each delivery the disturbance makes of the batch, handled in
    /// turn; a change failed in any of them is retried.
    async fn handle_disturbed(
        &self,
        disturbance: &dyn Disturbance,
        batch: &[ChangeRecord],
    ) -> rappel_change_handler::BatchOutcome {
        let mut deliveries = disturbance.deliveries(batch).into_iter();
        let mut outcome = match deliveries.next() {
            Some(first) => handle_changes(&self.services, &first).await,
            None => rappel_change_handler::BatchOutcome::default(),
        };
        for again in deliveries {
            let handled = handle_changes(&self.services, &again).await;
            outcome.failed_sequences.extend(handled.failed_sequences);
        }
        outcome
    }

    /// Moves the clock to `target`, firing every schedule due on the way, in order, each at its
    /// own due time; then settles the feed.
    pub async fn advance_to(&self, target: DateTime<Utc>) {
        let _guard = self.runtime.lock().await;
        self.settle_locked().await;
        loop {
            let firing = {
                let held = lock(&self.held);
                self.scheduler.next_due_except(target, &held.fired)
            };
            // A failing webhook endpoint's retry before the next firing: the clock stops there.
            let retry = self.webhooks.next_retry(self.clock.now(), target);
            if let Some(at) = retry
                && firing.as_ref().is_none_or(|f| at < f.at)
            {
                self.clock.set(at);
                self.settle_locked().await;
                continue;
            }
            let Some(firing) = firing else {
                if lock(&self.held).fired.is_empty() {
                    break;
                }
                // Marked fired, a recurring schedule may come due again before the target.
                self.acknowledge();
                continue;
            };
            if firing.at > self.clock.now() {
                self.clock.set(firing.at);
            }
            if self.paced {
                // Every schedule due fires at its time, whatever waits on the queue (as on
                // AWS); the sends then take the clock forward at the providers' rate.
                self.fire_due().await;
                self.settle_locked().await;
                continue;
            }
            self.fire(&firing).await;
            // Disturbed (the soak): EventBridge Scheduler may deliver a firing twice.
            if self.disturbance.as_ref().is_some_and(|d| d.fires_twice()) {
                self.fire(&firing).await;
            }
            rappel_ports::crash_point::crash_point("schedule.queued");
            // Its input is on the (persisted) queue: only once that is synced is the one-shot
            // schedule done (a recurring one moves to its next day) — with the window's other
            // firings, behind one barrier. Stopped before, it fires again after a restart, and
            // the ledger makes the second copy a duplicate.
            // A recurring schedule's next firing exists only once this one is marked: its
            // window closes with it, so that next firing keeps its place in time.
            let recurring = matches!(firing.request, SendRequest::Digest { .. });
            let window_full = {
                let mut held = lock(&self.held);
                held.fired.push(firing);
                recurring || held.fired.len() >= ACK_WINDOW
            };
            self.settle_holding().await;
            if window_full {
                self.acknowledge();
            }
        }
        self.acknowledge();
        if target > self.clock.now() {
            self.clock.set(target);
        }
        if self.sweep_expired() > 0 {
            // The deletions' changes (nothing is planned from them) leave the feed, then the
            // stores' journals are folded: no file holds what was deleted, images included.
            self.settle_locked().await;
            self.compact_journals();
        }
    }

    /// Deletes what its business's retention no longer keeps — records, history entries,
    /// the ledger's copies — as DynamoDB's TTL does on AWS. At most once an hour of the
    /// clock; how many were deleted.
    fn sweep_expired(&self) -> usize {
        let now = self.clock.now();
        {
            let mut last = lock(&self.last_sweep);
            if last.is_some_and(|at| now < at + Duration::hours(1)) {
                return 0;
            }
            *last = Some(now);
        }
        let records = self.records.expire_due(now);
        let history = self.history_store.expire_due(now);
        let ledger = self.ledger_store.expire_due(now);
        let deleted = records + history + ledger;
        if deleted > 0 {
            tracing::info!(
                records,
                history,
                ledger,
                "retention: deleted what its business no longer keeps"
            );
        }
        deleted
    }

    pub async fn advance_by(&self, by: Duration) {
        let target = self.clock.now() + by;
        self.advance_to(target).await;
    }

    /// Puts every schedule due by now on the send queue (a simulated provider rate moves the
    /// clock while the queue drains).
    async fn fire_due(&self) {
        while let Some(firing) = self.scheduler.next_due(self.clock.now()) {
            self.fire(&firing).await;
            self.scheduler.fired(&firing);
        }
    }

    /// One schedule firing: its input goes on the send queue (the schedule's target on AWS).
    async fn fire(&self, firing: &Firing) {
        if let Err(error) = self
            .queue
            .enqueue(std::slice::from_ref(&firing.request))
            .await
        {
            tracing::error!(schedule = %firing.name, %error, "could not queue a firing");
        }
    }

    /// One pass over the re-plan queue: each step is handed to the re-plan handler once; a
    /// failed one goes to the back of the queue, and after [`MAX_RECEIVES`] receives to the
    /// dead letters (the re-plan queue's redrive on AWS).
    async fn drain_replans(&self) {
        for _ in 0..self.replans.len() {
            let Some(received) = self.replans.receive() else {
                return;
            };
            match rappel_replan::handle_step(&self.services, &received.request, Deadline::NONE)
                .await
            {
                Ok(_) => self.replans.done(),
                Err(error) if received.receives >= MAX_RECEIVES => {
                    tracing::error!(step = %received.request.step_id(), %error, "re-plan step dead-lettered");
                    self.dead_letter(DeadLetter::ReplanStep {
                        work: Box::new(received.request),
                        receives: received.receives,
                        error: error.to_string(),
                        failed_at: self.now(),
                    });
                    self.replans.done();
                }
                Err(_) => self.replans.retry_later(),
            }
        }
    }

    /// One pass over the erasure queue: each wake-up runs its erasure's next step once; a
    /// failed one goes to the back, and after [`MAX_RECEIVES`] receives to the dead letters.
    /// An erasure done, every durable store is folded into a fresh snapshot: no journal keeps
    /// what it deleted.
    async fn drain_erasures(&self) {
        for _ in 0..self.erasures.len() {
            let Some(received) = self.erasures.receive() else {
                return;
            };
            match rappel_app::erasure::run_step(&self.erasure, &received.request).await {
                Ok(run) => {
                    self.erasures.done();
                    if run
                        == (StepRun::Ran {
                            step: "refusals",
                            next: "done",
                        })
                    {
                        // The feed's changes about her, handled and held, leave it first.
                        self.acknowledge();
                        self.compact_journals();
                    }
                }
                Err(error) if received.receives >= MAX_RECEIVES => {
                    tracing::error!(%error, "erasure step dead-lettered");
                    self.dead_letter(DeadLetter::ErasureStep {
                        work: received.request,
                        receives: received.receives,
                        error: error.to_string(),
                        failed_at: self.now(),
                    });
                    self.erasures.done();
                }
                Err(_) => self.erasures.retry_later(),
            }
        }
    }

    fn compact_journals(&self) {
        for store in &self.journals {
            if let Err(error) = store.compact() {
                tracing::error!(%error, "could not fold a store's journal (after an erasure or a retention sweep)");
            }
        }
    }

    /// The send queue drained, in batches of [`BATCH_SIZE`] under the send function's own
    /// batch policy ([`SendBatch`]: records read once per batch, the rest of a batch left
    /// untried once the provider throttles). Each request is handed to the send handler once;
    /// how it ended is held for the next acknowledgement ([`HeldAcks`]): a failed one goes
    /// back on the queue then, and after [`MAX_RECEIVES`] receives to the dead letters (SQS
    /// redrive). Paced (a simulated provider rate), one request at a time, acknowledged each.
    async fn drain_queue(&self) {
        if self.paced {
            return self.drain_queue_paced().await;
        }
        loop {
            let received = self.queue.receive_batch(BATCH_SIZE as usize);
            if received.is_empty() {
                return;
            }
            let requests: Vec<SendRequest> = received.iter().map(|r| r.request.clone()).collect();
            let mut batch = SendBatch::begin(&self.delivery, Deadline::NONE, &requests).await;
            let mut outcomes = Vec::with_capacity(received.len());
            for queued in received {
                let step = batch.handle(&queued.request).await;
                outcomes.push(self.ended(step, queued));
            }
            lock(&self.held).sent.extend(outcomes);
        }
    }

    /// One pass over the send queue with a simulated provider rate: as [`Self::drain_queue`],
    /// but the schedules that came due while a send moved the clock join the queue before the
    /// next request is taken, and each request is acknowledged as it ends.
    async fn drain_queue_paced(&self) {
        let mut left = self.queue.len();
        while left > 0 {
            let upcoming = self.queue.peek((BATCH_SIZE as usize).min(left));
            let mut batch = SendBatch::begin(&self.delivery, Deadline::NONE, &upcoming).await;
            for _ in 0..upcoming.len() {
                // The clock moved with the last send: what came due meanwhile joins the
                // queue now, and takes its turn.
                self.fire_due().await;
                let Some(received) = self.queue.receive() else {
                    return;
                };
                left -= 1;
                let step = batch.handle(&received.request).await;
                match self.ended(step, received) {
                    Finished::Done => self.queue.done(),
                    Finished::RetryLater => self.queue.retry_later(),
                }
            }
        }
    }

    /// How a request's handling ended for the queue: a failure past [`MAX_RECEIVES`] receives
    /// goes to the dead letters and off the queue, as SQS's redrive does.
    fn ended(&self, step: Step, queued: QueuedRequest) -> Finished {
        match step {
            Step::Handled(_) => Finished::Done,
            Step::Failed(error) if queued.receives >= MAX_RECEIVES => {
                tracing::error!(kind = queued.request.kind_name(), %error, "send request dead-lettered");
                self.dead_letter(DeadLetter::SendRequest {
                    request: queued.request,
                    receives: queued.receives,
                    error: error.to_string(),
                    failed_at: self.now(),
                });
                Finished::Done
            }
            Step::Failed(_) | Step::HandedBack(_) => Finished::RetryLater,
        }
    }
}
