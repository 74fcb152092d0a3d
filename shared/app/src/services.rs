//! The ports every use case runs against, built once at start-up (cold start on Lambda).

use rappel_core::render::{LinkSigner, SenderIdentity};
use rappel_ports::clock::Clock;
use rappel_ports::delivery::{Mailer, SmsSender};
use rappel_ports::history::CommunicationHistory;
use rappel_ports::ledger::DeliveryLedger;
use rappel_ports::records::RecordStore;
use rappel_ports::schedules::Schedules;
use std::sync::Arc;

#[derive(Clone)]
pub struct Services {
    pub records: Arc<dyn RecordStore>,
    pub schedules: Arc<dyn Schedules>,
    pub mailer: Arc<dyn Mailer>,
    pub sms: Arc<dyn SmsSender>,
    pub ledger: Arc<dyn DeliveryLedger>,
    pub history: Arc<dyn CommunicationHistory>,
    pub clock: Arc<dyn Clock>,
    pub sender: SenderIdentity,
    pub links: LinkSigner,
}
