//! Fakes for the Lambda handler tests: the fixture's salon in the embedded adapters.

use aws_lambda_events::event::dynamodb::Event;
use chrono::{TimeZone, Utc};
use rappel_app::{DeliveryServices, ReactionServices};
use rappel_aws::stream::decode_batch;
use rappel_core::model::EmailAddress;
use rappel_core::render::{LinkSigner, SenderIdentity};
use rappel_ports::clock::VirtualClock;
use rappel_ports::delivery::Outbox;
use rappel_ports::history::MemoryHistory;
use rappel_ports::ledger::MemoryLedger;
use rappel_ports::records::{Expected, MemoryRecords, Record, RecordWriter};
use rappel_ports::replan::{MemoryProgress, ReplanWork};
use rappel_ports::schedules::InProcessScheduler;
use rappel_ports::send_queue::InProcessQueue;
use serde_json::json;
use std::sync::Arc;

/// A DynamoDB stream batch as Lambda delivers it: one appointment moved, one unreadable record.
pub const BATCH: &str = include_str!("../../../infra/events/dynamodb-stream-batch.json");

pub struct Fakes {
    /// The re-plan steps the change handler queued.
    pub replans: Arc<InProcessQueue<ReplanWork>>,
    /// The change handler's.
    pub services: ReactionServices,
    /// The send function's.
    pub delivery: DeliveryServices,
    pub scheduler: Arc<InProcessScheduler>,
    pub queue: Arc<InProcessQueue>,
    pub outbox: Arc<Outbox>,
}

/// The salon the fixture's appointment belongs to: Léa (`cl_lea`), Sam, "Coupe"; default
/// settings (24 h e-mail + SMS and 2 h SMS reminders); the appointment, moved by staff to
/// Saturday 28 March 2026, 10:00 in Paris.
pub async fn fakes() -> Fakes {
    let records = Arc::new(MemoryRecords::in_memory());
    for record in [
        json!({"record": "client", "tenant": "salon-lea", "id": "cl_lea", "name": "Léa Martin",
               "email": "lea@example.fr", "phone": "+33612345678", "locale": "fr",
               "time_zone": "Europe/Paris", "preferences": {"email": true, "sms": true, "marketing": false},
               "version": 1}),
        json!({"record": "staff", "tenant": "salon-lea", "id": "sam", "name": "Sam",
               "email": "sam@salon-lea.fr", "phone": null, "locale": "fr",
               "time_zone": "Europe/Paris", "version": 1}),
        json!({"record": "appointment_type", "tenant": "salon-lea", "id": "cut", "name": "Coupe",
               "overrides": {}, "version": 1}),
    ] {
        let record: Record = serde_json::from_value(record).expect("a valid record");
        records.put(record, Expected::Absent).await.expect("seeded");
    }
    // The table already holds what the stream reports: the appointment as moved.
    let moved = decode_batch(&batch())
        .changes
        .remove(0)
        .new
        .expect("a new image");
    records.put(moved, Expected::Absent).await.expect("seeded");
    let scheduler = Arc::new(InProcessScheduler::in_memory());
    let queue = Arc::new(InProcessQueue::in_memory());
    let replans = Arc::new(InProcessQueue::<ReplanWork>::in_memory());
    let outbox = Arc::new(Outbox::new(None, false));
    let clock = Arc::new(VirtualClock::starting_at(
        Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(),
    ));
    let delivery = DeliveryServices {
        records: records.clone(),
        marks: Arc::new(rappel_ports::address_marks::MemoryAddressMarks::in_memory()),
        mailer: outbox.clone(),
        sms: outbox.clone(),
        ledger: Arc::new(MemoryLedger::in_memory()),
        history: Arc::new(MemoryHistory::in_memory()),
        clock: clock.clone(),
        sender: SenderIdentity {
            address: EmailAddress::parse("no-reply@rappel.example").unwrap(),
            sms_opt_out: None,
            two_way_sms: false,
        },
        links: LinkSigner::new("https://links.example", b"test-key".to_vec()),
        settles: queue.clone(),
        pace: Arc::new(rappel_ports::delivery::Unpaced),
        usage: Arc::new(rappel_ports::usage::MemoryUsage::in_memory()),
        held: scheduler.clone(),
        two_way: None,
        pseudonyms: rappel_core::privacy::Pseudonyms::new([7u8; 32]).unwrap(),
    };
    Fakes {
        services: ReactionServices {
            records,
            clock,
            schedules: scheduler.clone(),
            queue: queue.clone(),
            replans: replans.clone(),
            progress: Arc::new(MemoryProgress::in_memory()),
            events: Arc::new(rappel_ports::events::MemoryEventLog::in_memory()),
            history: delivery.history.clone(),
            ledger: delivery.ledger.clone(),
        },
        delivery,
        scheduler,
        queue,
        replans,
        outbox,
    }
}

pub fn batch() -> Event {
    serde_json::from_str(BATCH).expect("the fixture is a DynamoDB stream event")
}
