//! The ports each use case runs against, built once at start-up (cold start on Lambda).
//!
//! Split by who needs what, so that each Lambda function is composed with — and allowed to
//! reach — only the AWS resources it uses:
//!
//! - [`ApiServices`]: the HTTP API reads and writes records and reads the ledger and history;
//! - [`DeliveryServices`]: the single delivery path (the send function) also sends mail and SMS
//!   and writes the ledger and history;
//! - [`Services`]: the change reaction (the stream handler) also creates and deletes schedules.

use rappel_core::render::{LinkSigner, SenderIdentity};
use rappel_ports::clock::Clock;
use rappel_ports::delivery::{Mailer, SmsSender};
use rappel_ports::history::CommunicationHistory;
use rappel_ports::ledger::DeliveryLedger;
use rappel_ports::records::RecordStore;
use rappel_ports::schedules::Schedules;
use std::sync::Arc;

/// What the HTTP API needs.
#[derive(Clone)]
pub struct ApiServices {
    pub records: Arc<dyn RecordStore>,
    pub ledger: Arc<dyn DeliveryLedger>,
    pub history: Arc<dyn CommunicationHistory>,
    pub clock: Arc<dyn Clock>,
}

/// What the single delivery path needs.
#[derive(Clone)]
pub struct DeliveryServices {
    pub records: Arc<dyn RecordStore>,
    pub mailer: Arc<dyn Mailer>,
    pub sms: Arc<dyn SmsSender>,
    pub ledger: Arc<dyn DeliveryLedger>,
    pub history: Arc<dyn CommunicationHistory>,
    pub clock: Arc<dyn Clock>,
    pub sender: SenderIdentity,
    pub links: LinkSigner,
}

/// What the reaction to a change needs: delivery plus the scheduler.
#[derive(Clone)]
pub struct Services {
    pub delivery: DeliveryServices,
    pub schedules: Arc<dyn Schedules>,
}

impl DeliveryServices {
    /// The API's view of the same adapters (the local stack serves both from one process).
    pub fn api(&self) -> ApiServices {
        ApiServices {
            records: self.records.clone(),
            ledger: self.ledger.clone(),
            history: self.history.clone(),
            clock: self.clock.clone(),
        }
    }
}
