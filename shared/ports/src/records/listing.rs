//! The subjects a change re-plans, listed a page at a time: a settings change cannot read a
//! business's 20,000 appointments in one go, so it reads them in pages of keys, each page
//! handed to its own bounded piece of work. Every listing walks an index in a fixed order and
//! resumes after an opaque cursor, so a retry picks up where the last page ended.

use chrono::{DateTime, Utc};
use rappel_core::model::{AppointmentTypeId, ClientId, StaffId};
use serde::{Deserialize, Serialize};

use super::{RecordKey, RecordKind};

/// What to list, in one business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum Listing {
    /// Appointments ending after `after`, by end (`by_end`): whose messages may still be due.
    AppointmentsEndingAfter { after: DateTime<Utc> },
    /// Appointments of one type starting after `after`, by start (`by_type`).
    AppointmentsOfType {
        type_id: AppointmentTypeId,
        after: DateTime<Utc>,
    },
    /// Appointments of one staff member starting at or after `from`, by start (`by_staff`).
    AppointmentsOfStaff { staff: StaffId, from: DateTime<Utc> },
    /// Invoices and quotes still open (issued, sent): the only documents with reminders ahead.
    OpenDocuments,
    /// Clients whose visits may have ended after `since` — at least every client whose last
    /// visit did (re-engagement steps count from the last visit).
    ClientsVisitedSince { since: DateTime<Utc> },
    /// Every staff member (each has a digest schedule when digests are on).
    StaffMembers,
    /// Every record of one kind in the business, by id (the table's own key: no index): the
    /// API's lists of clients, invoices and quotes.
    Records { kind: RecordKind },
    /// Every record about one client — appointments, waitlist entries, invoices, quotes,
    /// messages they sent as a client (`by_client`): what their erasure deletes.
    RecordsOfClient { client: ClientId },
}

impl Listing {
    /// A short name, for work ids and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Listing::AppointmentsEndingAfter { .. } => "ending",
            Listing::AppointmentsOfType { .. } => "of-type",
            Listing::AppointmentsOfStaff { .. } => "of-staff",
            Listing::OpenDocuments => "documents",
            Listing::ClientsVisitedSince { .. } => "clients",
            Listing::StaffMembers => "staff",
            Listing::Records { .. } => "records",
            Listing::RecordsOfClient { .. } => "of-client",
        }
    }
}

/// One page of a listing: the keys of the records, in the listing's order, and where the next
/// page starts (`None`: this was the last).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPage {
    pub keys: Vec<RecordKey>,
    pub next: Option<String>,
}
