//! DynamoDB adapters: the record store, the delivery ledger and the communication history.
//!
//! ## Table design
//!
//! **Records table** (`RAPPEL_RECORDS_TABLE`, stream `NEW_AND_OLD_IMAGES` → change handler).
//! One item per business record; the record itself sits in `data` (a map written with
//! `serde_dynamo`), next to the attributes the keys and the stream filters need:
//!
//! | attribute | value | why |
//! |---|---|---|
//! | `pk` | `T#<tenant>` | every query stays inside one tenant |
//! | `sk` | `<kind>#<id>` (`appointment#ap_…`, `settings#settings`) | get by id |
//! | `kind` | `appointment`, `client`, … | stream filter criteria match on it |
//! | `version` | number | optimistic concurrency: `put` is conditional on it |
//! | `data` | map | the record |
//!
//! Appointments also carry the keys of three global secondary indexes (projection ALL, so a
//! query returns whole records). Instants in sort keys are `YYYY-MM-DDTHH:MM:SSZ` (UTC, fixed
//! width) so that text order is time order:
//!
//! | index | partition key | sort key | serves |
//! |---|---|---|---|
//! | `by_client` | `client_pk` = `T#<tenant>#C#<client>` | `client_sk` = `<start>#<id>` (appointments), `~<kind>#<id>` (their waitlist entries, invoices, quotes, messages: after every appointment) | a client's appointments (re-plan after a client change, "rebooked since" rule); everything about a client (their erasure) |
//! | `by_staff` | `staff_pk` = `T#<tenant>#S#<staff>` | `staff_sk` = `<start>#<id>` | a staff member's agenda for a day; re-plan after a staff change |
//! | `by_end` | `end_pk` = `T#<tenant>#A` | `end_sk` = `<end>#<id>` | a business's appointments still ending ahead (re-plan after a settings or type change) |
//!
//! Gets are strongly consistent; index queries are eventually consistent (a record written a
//! moment ago may be missing from a re-plan triggered by another change — the record's own
//! stream event plans it anyway).
//!
//! **Deliveries table** (`RAPPEL_DELIVERIES_TABLE`, **no stream**): the ledger and the history
//! live in their own table, so their writes can never wake the change handler — no filter to
//! get wrong. TTL attribute `expires_at` (epoch seconds).
//!
//! | item | `pk` | `sk` |
//! |---|---|---|
//! | ledger entry | `L#<message key>` | `L` |
//! | a business's usage of a month | `U#<tenant>` | `<YYYY-MM>` (counters raised with `ADD`) |
//! | history entry | `H#<tenant>#<client>` | `<recorded at>#<message key>` |
//! | idempotency key of the API | `K#<tenant>#<key>` | `K` (expires a day after its answer) |
//! | an integrator's API key (digest) | `I#<integrator>` | `KEY#<key id>` (expires 90 days after its revocation) |
//! | a business an integrator may act for | `I#<integrator>` | `B#<tenant>` |
//! | a business's own sending domain (its claim) | `D#<domain>` | `D` |
//! | a business's webhook endpoint | `W#<tenant>` | `<endpoint id>` |
//! | a business's delivery event | `E#<tenant>` | `<occurred at, ms>#<event id>` (kept 30 days) |
//! | an SMS sent from the two-way number (what replies answer) | `S#<two-way number>#<number>` | `<sent at, ms>#<tenant>` (kept 30 days, or until the appointment it asked about) |
//! | a number that texted STOP to a business | `X#<tenant>#<keyed hash of the number>` | `X` |

mod batch_delete;
mod batch_get;
pub(crate) mod codec;
mod conditional;
mod credentials;
mod events;
mod history;
mod idempotency;
pub(crate) mod keys;
mod ledger;
mod marks;
mod progress;
mod records;
pub mod schema;
mod sms_replies;
mod usage;
mod webhooks;

pub use credentials::DynamoCredentials;
pub use events::DynamoEventLog;
pub use history::DynamoHistory;
pub use idempotency::DynamoIdempotency;
pub use ledger::DynamoLedger;
pub use marks::DynamoAddressMarks;
pub use progress::DynamoProgress;
pub use records::DynamoRecords;
pub use sms_replies::DynamoSmsReplies;
pub use usage::DynamoUsage;
pub use webhooks::DynamoWebhooks;
