//! # rappel-ports — ports and embedded adapters
//!
//! Each port is a trait split by capability, in its own folder next to its embedded adapter
//! (AWS adapters live in their own crate, so this one never pulls an SDK):
//!
//! | port | trait(s) | embedded adapter |
//! |---|---|---|
//! | [`clock`] | `Clock` | `SystemClock`, `VirtualClock` (tests and demos) |
//! | [`records`] | `RecordReader` (get, get many, one `Query` method), `RecordWriter`, change feed; kinds declared once (`StoredRecord`) | `MemoryRecords` (optionally persisted: snapshot + journal); `RecordsCache` per batch |
//! | [`schedules`] | `Schedules` | `InProcessScheduler` (fired by the local runtime as the clock moves) |
//! | [`send_queue`] | `SendQueue` | `InProcessQueue` (drained by the local runtime, receive counts and dead letters as SQS) |
//! | [`delivery`] | `Mailer`, `SmsSender`, `ProviderPace` | `Outbox` (prints, keeps, writes `.eml` files); `SendPace`, `VirtualPace` |
//! | [`address_marks`] | `AddressMarks` | `MemoryAddressMarks` (optionally persisted); `MarksCache` per batch |
//! | [`events`] | `EventLog` (each business's delivery events by position) | `MemoryEventLog` (optionally persisted) |
//! | [`ledger`] | `DeliveryLedger` | `MemoryLedger` |
//! | [`history`] | `CommunicationHistory` | `MemoryHistory` |
//! | [`credentials`] | `CredentialCheck`, `CredentialAdmin` | `MemoryCredentials` (optionally persisted) |
//! | [`idempotency`] | `IdempotencyKeys` | `MemoryIdempotency` (optionally persisted) |
//! | [`replan`] | `ReplanQueue`, `ReplanProgress` | `InProcessQueue`, `MemoryProgress` |
//! | [`sending_domains`] | `SendingDomains` (a business's own domain at the e-mail provider) | `MemorySendingDomains` (optionally persisted; verified on the local stack's word) |
//! | [`webhooks`] | `WebhookStore` (the businesses' endpoints and their progress), `WebhookPoster` | `MemoryWebhooks` (optionally persisted) |
//! | [`erasure`] | `ErasureQueue` (what wakes a client's erasure job) | `InProcessQueue<ErasureWork>` |
//! | [`sms_replies`] | `SmsReplies` (what was texted to a number from a two-way number; STOPs per business) | `MemorySmsReplies` (optionally persisted) |
//! | [`usage`] | `UsageMeter` (a business's month: messages, SMS parts and cost) | `MemoryUsage` (optionally persisted) |
//!
//! [`deadline`] says how long an invocation may still run, and what one port call can take;
//! [`forward_compatible`] reads a stored value written by a release that knows more fields;
//! [`journal`] and [`json_file`] are the embedded adapters' durable files, synced together by
//! [`group_commit`]'s barriers; [`crash_point`]
//! names the places a restart test may stop the process. (The soak's failing decorators and
//! write log are test code: `rappel-testkit`.)

pub mod address_marks;
pub mod clock;
pub mod crash_point;
pub mod credentials;
pub mod deadline;
pub mod delivery;
pub mod erasure;
pub mod events;
pub mod forward_compatible;
pub mod group_commit;
pub mod history;
pub mod idempotency;
pub mod journal;
pub mod json_file;
pub mod ledger;
pub mod records;
pub mod replan;
pub mod schedules;
pub mod send_queue;
pub mod sending_domains;
pub mod sms_replies;
pub mod usage;
pub mod webhooks;

/// A lock that survives a panic in another holder: the data is plain values, still usable.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
