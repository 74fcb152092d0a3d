//! The ports each use case runs against, built once at start-up (cold start on Lambda).
//!
//! Split by who needs what, so that each Lambda function is composed with — and allowed to
//! reach — only the AWS resources it uses:
//!
//! - [`ApiServices`]: the HTTP API reads and writes records and reads the ledger and history;
//! - [`DeliveryServices`]: the single delivery path (the send function) also sends mail and SMS
//!   and writes the ledger and history;
//! - [`ReactionServices`]: the change reaction (the stream handler) reads records, creates and deletes
//!   schedules and puts the messages due now on the send queue — it never sends, so it needs
//!   no mail, SMS, ledger, history or link key.

use rappel_core::model::PhoneNumber;
use rappel_core::privacy::Pseudonyms;
use rappel_core::render::{LinkSigner, SenderIdentity};
use rappel_ports::address_marks::{AddressMarks, MarksCache};
use rappel_ports::clock::Clock;
use rappel_ports::delivery::{Mailer, OptOutsCache, ProviderPace, SmsSender};
use rappel_ports::erasure::{ErasureQueue, Mailboxes};
use rappel_ports::events::{BufferedEvents, EventLog};
use rappel_ports::history::CommunicationHistory;
use rappel_ports::idempotency::IdempotencyKeys;
use rappel_ports::ledger::DeliveryLedger;
use rappel_ports::records::{RecordStore, RecordsCache};
use rappel_ports::replan::{ReplanProgress, ReplanQueue};
use rappel_ports::schedules::Schedules;
use rappel_ports::send_queue::SendQueue;
use rappel_ports::sending_domains::SendingDomains;
use rappel_ports::sms_replies::SmsReplies;
use rappel_ports::usage::UsageMeter;
use rappel_ports::webhooks::{WebhookRetries, WebhookStore};
use std::sync::Arc;

/// What the HTTP API needs.
#[derive(Clone)]
pub struct ApiServices {
    pub records: Arc<dyn RecordStore>,
    pub ledger: Arc<dyn DeliveryLedger>,
    pub history: Arc<dyn CommunicationHistory>,
    pub clock: Arc<dyn Clock>,
    /// The re-plans of a business, shown with its settings (read only).
    pub progress: Arc<dyn ReplanProgress>,
    /// The keys that make a retried `POST` safe.
    pub idempotency: Arc<dyn IdempotencyKeys>,
    /// Who messages come from, for a template's preview to compose as the send path does.
    pub sender: SenderIdentity,
    /// The send queue: a template's test goes out through the send function (the API has no
    /// provider rights).
    pub send_queue: Arc<dyn SendQueue>,
    /// The businesses' monthly usage (`GET /v1/usage`).
    pub usage: Arc<dyn UsageMeter>,
    /// The businesses' own sending domains at the e-mail provider (`/v1/sending-identity`).
    pub domains: Arc<dyn SendingDomains>,
    /// The businesses' delivery events (`GET /v1/events`).
    pub events: Arc<dyn EventLog>,
    /// The businesses' webhook endpoints (`/v1/webhooks`).
    pub webhooks: Arc<dyn WebhookStore>,
    /// What runs an endpoint enabled again at once.
    pub webhook_retries: Arc<dyn WebhookRetries>,
    /// Whether an endpoint may be `http://` to a loopback address (the local stack).
    pub loopback_webhooks: bool,
    /// The businesses' address marks, read for a client's export.
    pub marks: Arc<dyn AddressMarks>,
    /// The deployment's two-way number and its STOPs, read for a client's export.
    pub two_way: Option<TwoWaySms>,
    /// What wakes a client's erasure job (`DELETE /v1/clients/{id}`).
    pub erasures: Arc<dyn ErasureQueue>,
    /// What an erased client's refusals and texts are kept under (their keyed hashes).
    pub pseudonyms: Pseudonyms,
    /// The local stack's outbox, whose messages an erasure forgets; none on AWS.
    pub mailboxes: Option<Arc<dyn Mailboxes>>,
}

/// What the single delivery path needs.
#[derive(Clone)]
pub struct DeliveryServices {
    pub records: Arc<dyn RecordStore>,
    /// Addresses that bounced for good or complained: not mailed again.
    pub marks: Arc<dyn AddressMarks>,
    pub mailer: Arc<dyn Mailer>,
    pub sms: Arc<dyn SmsSender>,
    pub ledger: Arc<dyn DeliveryLedger>,
    pub history: Arc<dyn CommunicationHistory>,
    pub clock: Arc<dyn Clock>,
    pub sender: SenderIdentity,
    pub links: LinkSigner,
    /// The send queue, for the settle request of a message sent whose `sent` the ledger could
    /// not record (see [`mod@crate::deliver`]).
    pub settles: Arc<dyn SendQueue>,
    /// The providers' pace, waited on just before a provider is called (see
    /// [`ProviderPace`]): what is decided without a provider call never waits.
    pub pace: Arc<dyn ProviderPace>,
    /// The businesses' monthly usage: what an SMS budget is checked against, and where a
    /// message sent is counted when the ledger does not count it itself.
    pub usage: Arc<dyn UsageMeter>,
    /// Where a message its business's send cap held back is scheduled again, for its slot in
    /// a later hour.
    pub held: Arc<dyn Schedules>,
    /// The two-way number SMS go out from, when the deployment has one: what they text is
    /// remembered for the replies, and a STOP to a business is honoured.
    pub two_way: Option<TwoWaySms>,
    /// What address marks and STOPs are kept under (an address's keyed hash).
    pub pseudonyms: Pseudonyms,
}

/// A two-way number (replies come back to it) and what was texted from it.
#[derive(Clone)]
pub struct TwoWaySms {
    pub number: PhoneNumber,
    pub replies: Arc<dyn SmsReplies>,
}

/// What the reaction to a change needs — and the re-plan steps it starts: the records it plans
/// from, the scheduler for future messages, the send queue for the ones due now, the re-plan
/// queue and the re-plan progress for a change that affects many subjects. It never sends
/// itself: a slow or throttling provider must not hold back the stream of changes.
#[derive(Clone)]
pub struct ReactionServices {
    pub records: Arc<dyn RecordStore>,
    pub clock: Arc<dyn Clock>,
    pub schedules: Arc<dyn Schedules>,
    pub queue: Arc<dyn SendQueue>,
    pub replans: Arc<dyn ReplanQueue>,
    pub progress: Arc<dyn ReplanProgress>,
    /// Where the messages planned, moved and withdrawn are published as events.
    pub events: Arc<dyn EventLog>,
    /// The history and the ledger's copies, only re-stamped — by the steps of a retention
    /// job (on AWS only the re-plan function may; the change handler never touches them).
    pub history: Arc<dyn CommunicationHistory>,
    pub ledger: Arc<dyn DeliveryLedger>,
}

impl ReactionServices {
    /// The same services for one batch of changes: each record the batch plans from is read
    /// once (see [`RecordsCache`] for why that is safe).
    pub fn for_batch(&self) -> Self {
        Self {
            records: Arc::new(RecordsCache::new(self.records.clone())),
            ..self.clone()
        }
    }

    /// The same services with the events they publish kept until [`BufferedEvents::flush`]:
    /// one write for a whole batch or re-plan step.
    pub fn buffering_events(&self) -> (Self, Arc<BufferedEvents>) {
        let buffer = Arc::new(BufferedEvents::new(self.events.clone()));
        let services = Self {
            events: buffer.clone(),
            ..self.clone()
        };
        (services, buffer)
    }
}

impl DeliveryServices {
    /// The same services for one batch of messages: each record they depend on is read once
    /// (see [`RecordsCache`] for why that is safe), each recipient's address mark and each number's opt-out too. The ledger
    /// is never remembered: every claim asks it.
    pub fn for_batch(&self) -> Self {
        Self {
            records: Arc::new(RecordsCache::new(self.records.clone())),
            marks: Arc::new(MarksCache::new(self.marks.clone())),
            sms: Arc::new(OptOutsCache::new(self.sms.clone())),
            ..self.clone()
        }
    }

    /// The API's view of the same adapters (the local stack serves both from one process),
    /// with the re-plan progress the change handler's side keeps, and the API's own ports.
    pub fn api(&self, own: ApiPorts) -> ApiServices {
        ApiServices {
            records: self.records.clone(),
            ledger: self.ledger.clone(),
            history: self.history.clone(),
            clock: self.clock.clone(),
            progress: own.progress,
            idempotency: own.idempotency,
            sender: self.sender.clone(),
            send_queue: self.settles.clone(),
            usage: self.usage.clone(),
            domains: own.domains,
            events: own.events,
            webhooks: own.webhooks,
            // The local stack's runtime runs due endpoints itself.
            webhook_retries: Arc::new(rappel_ports::webhooks::MemoryWebhookRetries::default()),
            loopback_webhooks: true,
            marks: self.marks.clone(),
            two_way: self.two_way.clone(),
            erasures: own.erasures,
            pseudonyms: self.pseudonyms.clone(),
            mailboxes: own.mailboxes,
        }
    }
}

/// The API's ports the delivery path has no use for ([`DeliveryServices::api`]).
pub struct ApiPorts {
    pub progress: Arc<dyn ReplanProgress>,
    pub idempotency: Arc<dyn IdempotencyKeys>,
    pub domains: Arc<dyn SendingDomains>,
    pub events: Arc<dyn EventLog>,
    pub webhooks: Arc<dyn WebhookStore>,
    pub erasures: Arc<dyn ErasureQueue>,
    pub mailboxes: Option<Arc<dyn Mailboxes>>,
}
