//! The embedded mailer and SMS sender: nothing leaves the machine. Every message is kept (for
//! `GET /_local/outbox` and tests; in `outbox.json` of a data dir), printed readably to stdout
//! when asked, and e-mails are also written as `.eml` files that any mail client opens. Faults
//! can be injected to exercise retries and failure handling.
//!
//! Unlike SES and SNS, the outbox of a data dir is **idempotent**: a message whose key (the
//! e-mail's Message-ID, the SMS's idempotency key — both derived from the message key) was
//! already accepted is answered with the first receipt and not sent again. A local stack killed
//! between the send and the ledger's `sent` therefore delivers each message once after its
//! restart, where AWS could send it twice. An in-memory outbox (tests) is not: there, as on AWS,
//! only the delivery ledger stands between a duplicate trigger and a second message.

use super::{Mailer, ProviderReceipt, SendError, SmsSender};
use crate::journal::{Durable, Journaled};
use crate::json_file::{write_atomically, write_renamed};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::PhoneNumber;
use rappel_core::render::{OutgoingEmail, OutgoingSms};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::collections::{HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum OutboxEntry {
    Email {
        id: String,
        /// The idempotency key (Message-ID).
        key: String,
        at: DateTime<Utc>,
        to: String,
        reply_to: Option<String>,
        subject: String,
        text: String,
        html: String,
        calendar: Option<String>,
        mime: String,
        /// The provider tags it was sent with (whose message it is, for feedback).
        #[serde(default)]
        tags: Vec<(String, String)>,
    },
    Sms {
        id: String,
        /// The idempotency key.
        key: String,
        at: DateTime<Utc>,
        to: String,
        text: String,
        encoding: String,
        segments: usize,
        /// `Promotional` for marketing messages, else `Transactional` (SNS `SMSType`).
        sms_type: String,
        /// Whose message it is (tenant, recipient, kind).
        #[serde(default)]
        tags: Vec<(String, String)>,
    },
}

/// A failure to inject on the next sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxFault {
    /// A passing outage (the provider answered 5xx).
    Transient,
    /// The provider says "too fast".
    Throttled,
    Permanent,
}

/// What survives a restart.
#[derive(Default, Serialize, Deserialize)]
struct Kept {
    sent: Vec<OutboxEntry>,
    counter: u64,
}

/// The messages accepted, with their receipts by idempotency key.
#[derive(Default)]
struct Book {
    kept: Kept,
    /// Idempotency key → receipt id, of everything in `kept.sent`.
    by_key: HashMap<String, String>,
}

/// A change as the journal keeps it.
#[derive(Serialize, Deserialize)]
enum Change {
    /// Accepted as number `counter`.
    Sent {
        counter: u64,
        entry: Box<OutboxEntry>,
    },
    /// Numbering continues after this (the `.eml` files found in the folder).
    NumberedFrom(u64),
    /// These messages forgotten (their recipient, or someone they name, erased).
    Forgotten(Vec<String>),
}

impl Journaled for Book {
    type Saved = Kept;
    type Change = Change;

    fn restore(kept: Kept) -> Self {
        let by_key = kept
            .sent
            .iter()
            .map(|e| (e.key().to_owned(), e.id().to_owned()))
            .collect();
        Self { kept, by_key }
    }

    fn saved(&self) -> impl Serialize + '_ {
        &self.kept
    }

    fn apply(&mut self, change: Change) {
        match change {
            Change::Sent { counter, entry } => {
                self.kept.counter = self.kept.counter.max(counter);
                self.by_key
                    .insert(entry.key().to_owned(), entry.id().to_owned());
                self.kept.sent.push(*entry);
            }
            Change::NumberedFrom(counter) => {
                self.kept.counter = self.kept.counter.max(counter);
            }
            Change::Forgotten(ids) => {
                let ids: HashSet<String> = ids.into_iter().collect();
                self.kept.sent.retain(|e| !ids.contains(e.id()));
            }
        }
    }
}

impl OutboxEntry {
    /// Whether any of its texts (address, subject, bodies, invitation, MIME) holds `mention`,
    /// whatever its case.
    fn mentions(&self, mention: &str) -> bool {
        let mention = mention.to_lowercase();
        let texts: Vec<&str> = match self {
            OutboxEntry::Email {
                to,
                reply_to,
                subject,
                text,
                html,
                calendar,
                mime,
                ..
            } => [
                Some(to),
                reply_to.as_ref(),
                Some(subject),
                Some(text),
                Some(html),
                calendar.as_ref(),
                Some(mime),
            ]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect(),
            OutboxEntry::Sms { to, text, .. } => vec![to, text],
        };
        texts.iter().any(|t| t.to_lowercase().contains(&mention))
    }

    pub fn id(&self) -> &str {
        match self {
            OutboxEntry::Email { id, .. } | OutboxEntry::Sms { id, .. } => id,
        }
    }

    /// The idempotency key it was sent with.
    pub fn key(&self) -> &str {
        match self {
            OutboxEntry::Email { key, .. } | OutboxEntry::Sms { key, .. } => key,
        }
    }
}

#[derive(Default)]
struct State {
    book: Durable<Book>,
    email_faults: VecDeque<OutboxFault>,
    sms_faults: VecDeque<OutboxFault>,
    opted_out: HashSet<String>,
    rejected_addresses: HashSet<String>,
    /// Keys offered again after they were accepted (answered from the first receipt): what a
    /// provider without idempotency keys would have sent twice. Since this process started.
    repeated: Vec<String>,
}

impl State {
    /// The next receipt id and its number.
    fn next_id(&self, prefix: &str) -> (String, u64) {
        let counter = self.book.kept.counter + 1;
        (format!("{prefix}-{counter:06}"), counter)
    }

    fn sent(&mut self, counter: u64, entry: OutboxEntry) {
        self.book.change_or_log(
            Change::Sent {
                counter,
                entry: Box::new(entry),
            },
            "outbox",
        );
    }

    /// The receipt of a message already accepted, when the outbox is idempotent.
    fn receipt_of(&mut self, key: &str) -> Option<String> {
        if !self.book.is_persisted() {
            return None;
        }
        let receipt = self.book.by_key.get(key).cloned();
        if receipt.is_some() {
            self.repeated.push(key.to_owned());
        }
        receipt
    }
}

pub struct Outbox {
    state: Mutex<State>,
    eml_dir: Option<PathBuf>,
    echo: bool,
}

impl Outbox {
    /// `eml_dir`: where to write `.eml` files; `echo`: print each message to stdout.
    /// Numbering continues after the highest `.eml` already in `eml_dir`, so a restarted
    /// stack never overwrites the messages of an earlier run.
    pub fn new(eml_dir: Option<PathBuf>, echo: bool) -> Self {
        let counter = eml_dir.as_deref().map_or(0, highest_number_in);
        let book = Book {
            kept: Kept {
                sent: Vec::new(),
                counter,
            },
            ..Book::default()
        };
        Self {
            state: Mutex::new(State {
                book: Durable::in_memory(book),
                ..State::default()
            }),
            eml_dir,
            echo,
        }
    }

    /// An outbox kept in `dir` (`outbox.json` and the `.eml` files), as a data dir holds it.
    pub fn persisted(dir: impl Into<PathBuf>, echo: bool) -> std::io::Result<Self> {
        let dir = dir.into();
        let mut book = Durable::<Book>::open(dir.join("outbox.json"))?;
        let highest = highest_number_in(&dir);
        if highest > book.kept.counter {
            book.change(Change::NumberedFrom(highest))?;
        }
        Ok(Self {
            state: Mutex::new(State {
                book,
                ..State::default()
            }),
            eml_dir: Some(dir),
            echo,
        })
    }

    /// Keys offered again after they were accepted, since this process started (the
    /// idempotent outbox answered them from their first receipt; SES or SNS would have sent
    /// them twice).
    pub fn repeated_offers(&self) -> Vec<String> {
        lock(&self.state).repeated.clone()
    }

    pub fn messages(&self) -> Vec<OutboxEntry> {
        lock(&self.state).book.kept.sent.clone()
    }

    /// The next e-mail sends fail with these faults, in order.
    pub fn inject_email_faults(&self, faults: impl IntoIterator<Item = OutboxFault>) {
        lock(&self.state).email_faults.extend(faults);
    }

    pub fn inject_sms_faults(&self, faults: impl IntoIterator<Item = OutboxFault>) {
        lock(&self.state).sms_faults.extend(faults);
    }

    /// The number answered STOP.
    pub fn opt_out(&self, phone: &PhoneNumber) {
        lock(&self.state)
            .opted_out
            .insert(phone.as_str().to_owned());
    }

    /// Mail to this address bounces permanently (like an SES rejection).
    pub fn reject_address(&self, address: &str) {
        lock(&self.state)
            .rejected_addresses
            .insert(address.to_owned());
    }
}

/// The highest `NNNNNN` of the `<prefix>-NNNNNN.eml` files in `dir` (0 when there are none).
/// The outbox stands for its recipients' mailboxes: an erasure forgets every message that
/// names the client — theirs, and the staff's alerts and digests that mention them — with
/// its `.eml` file, and folds its journal so that no file keeps them.
#[async_trait::async_trait]
impl crate::erasure::Mailboxes for Outbox {
    async fn forget_mentions(&self, mentions: &[String]) -> std::io::Result<usize> {
        let mentions: Vec<&String> = mentions.iter().filter(|m| !m.trim().is_empty()).collect();
        let mut state = lock(&self.state);
        let ids: Vec<String> = state
            .book
            .kept
            .sent
            .iter()
            .filter(|e| mentions.iter().any(|m| e.mentions(m)))
            .map(|e| e.id().to_owned())
            .collect();
        if let Some(dir) = &self.eml_dir {
            for id in &ids {
                match std::fs::remove_file(dir.join(format!("{id}.eml"))) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let forgotten = ids.len();
        if forgotten > 0 {
            state.book.change(Change::Forgotten(ids))?;
        }
        state.book.compact_now()?;
        Ok(forgotten)
    }
}

fn highest_number_in(dir: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| {
            let stem = name.strip_suffix(".eml")?;
            stem.rsplit('-').next()?.parse::<u64>().ok()
        })
        .max()
        .unwrap_or(0)
}

fn fault_error(fault: OutboxFault) -> SendError {
    match fault {
        OutboxFault::Transient => {
            SendError::transient("ServiceUnavailable", "injected fault: provider unavailable")
        }
        OutboxFault::Throttled => {
            SendError::throttled("Throttling", "injected fault: provider throttled")
        }
        OutboxFault::Permanent => {
            SendError::permanent("MessageRejected", "injected fault: message rejected")
        }
    }
}

#[async_trait]
impl Mailer for Outbox {
    async fn send_email(
        &self,
        email: &OutgoingEmail,
        now: DateTime<Utc>,
    ) -> Result<ProviderReceipt, SendError> {
        let mime = email.to_mime(now).map_err(|e| {
            SendError::permanent("InvalidMessage", format!("cannot build MIME: {e}"))
        })?;
        let (id, entry) = {
            let mut state = lock(&self.state);
            if let Some(id) = state.receipt_of(&email.message_id) {
                return Ok(ProviderReceipt { message_id: id });
            }
            if let Some(fault) = state.email_faults.pop_front() {
                return Err(fault_error(fault));
            }
            if state.rejected_addresses.contains(email.to.as_str()) {
                return Err(SendError::permanent(
                    "MessageRejected",
                    format!("address rejected by the mail provider: {}", email.to),
                ));
            }
            let (id, counter) = state.next_id("email");
            let entry = OutboxEntry::Email {
                id: id.clone(),
                key: email.message_id.clone(),
                at: now,
                to: email.to.to_string(),
                reply_to: email.reply_to.as_ref().map(ToString::to_string),
                subject: email.subject.clone(),
                text: email.text.clone(),
                html: email.html.clone(),
                calendar: email.calendar.as_ref().map(|c| c.ics.clone()),
                mime: mime.clone(),
                tags: email.tags.clone(),
            };
            // The .eml first: once `outbox.json` says sent, its file is there — synced with
            // the book's line by the same barrier when the outbox is kept in a data dir.
            let path = self
                .eml_dir
                .as_ref()
                .map(|dir| dir.join(format!("{id}.eml")));
            let written = match (&path, state.book.sync_domain()) {
                (Some(path), Some(domain)) => write_renamed(path, mime.as_bytes(), &domain),
                (Some(path), None) => write_atomically(path, mime.as_bytes()),
                (None, _) => Ok(()),
            };
            if let Err(error) = written {
                tracing::warn!(%error, "could not write the .eml file");
            }
            state.sent(counter, entry.clone());
            crate::crash_point::crash_point("outbox.accepted");
            (id, entry)
        };
        if self.echo
            && let OutboxEntry::Email {
                to,
                subject,
                text,
                calendar,
                ..
            } = &entry
        {
            let invite = calendar
                .as_ref()
                .map(|_| " [+ invite.ics]")
                .unwrap_or_default();
            println!(
                "\n── e-mail {id} @ {now} → {to}{invite}\n   Subject: {subject}\n{}",
                indent(text)
            );
        }
        Ok(ProviderReceipt { message_id: id })
    }
}

#[async_trait]
impl SmsSender for Outbox {
    async fn is_opted_out(&self, phone: &PhoneNumber) -> Result<bool, SendError> {
        Ok(lock(&self.state).opted_out.contains(phone.as_str()))
    }

    async fn send_sms(
        &self,
        sms: &OutgoingSms,
        now: DateTime<Utc>,
    ) -> Result<ProviderReceipt, SendError> {
        let id = {
            let mut state = lock(&self.state);
            if let Some(id) = state.receipt_of(&sms.idempotency_key) {
                return Ok(ProviderReceipt { message_id: id });
            }
            if let Some(fault) = state.sms_faults.pop_front() {
                return Err(fault_error(fault));
            }
            let (id, counter) = state.next_id("sms");
            let entry = OutboxEntry::Sms {
                id: id.clone(),
                key: sms.idempotency_key.clone(),
                at: now,
                to: sms.to.to_string(),
                text: sms.text.clone(),
                encoding: format!("{:?}", sms.size.encoding),
                segments: sms.size.segments,
                sms_type: if sms.transactional {
                    "Transactional"
                } else {
                    "Promotional"
                }
                .to_owned(),
                tags: sms.tags.clone(),
            };
            state.sent(counter, entry);
            crate::crash_point::crash_point("outbox.accepted");
            id
        };
        if self.echo {
            println!(
                "\n── SMS {id} @ {now} → {} ({} part(s))\n{}",
                sms.to,
                sms.size.segments,
                indent(&sms.text)
            );
        }
        Ok(ProviderReceipt { message_id: id })
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("   │ {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rappel_core::model::EmailAddress;

    fn email() -> OutgoingEmail {
        email_with_id("m1@rappel")
    }

    fn email_with_id(message_id: &str) -> OutgoingEmail {
        OutgoingEmail {
            from_name: "Salon".into(),
            from: EmailAddress::parse("no-reply@salon.example").unwrap(),
            reply_to: None,
            to_name: "Léa".into(),
            to: EmailAddress::parse("lea@example.fr").unwrap(),
            subject: "Rappel".into(),
            text: "t".into(),
            html: "<p>t</p>".into(),
            calendar: None,
            message_id: message_id.into(),
            marketing: false,
            list_unsubscribe: None,
            list_id: None,
            auto_reply: false,
            tags: Vec::new(),
        }
    }

    #[tokio::test]
    async fn a_restarted_outbox_numbers_on_and_never_overwrites_earlier_messages() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let first = Outbox::new(Some(dir.path().to_owned()), false);
        first
            .send_email(&email_with_id("m1@rappel"), now)
            .await
            .unwrap();
        first
            .send_email(&email_with_id("m2@rappel"), now)
            .await
            .unwrap();
        let before = std::fs::read(dir.path().join("email-000002.eml")).unwrap();

        let restarted = Outbox::new(Some(dir.path().to_owned()), false);
        let receipt = restarted
            .send_email(&email_with_id("m3@rappel"), now)
            .await
            .unwrap();
        assert_eq!(receipt.message_id, "email-000003");
        assert_eq!(
            std::fs::read(dir.path().join("email-000002.eml")).unwrap(),
            before
        );
        let files = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(files, 3);
    }

    #[tokio::test]
    async fn a_message_accepted_before_a_restart_is_not_sent_again() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let first = Outbox::persisted(dir.path(), false).unwrap();
        let receipt = first.send_email(&email(), now).await.unwrap();

        let restarted = Outbox::persisted(dir.path(), false).unwrap();
        assert_eq!(restarted.messages().len(), 1, "kept across the restart");
        let again = restarted.send_email(&email(), now).await.unwrap();
        assert_eq!(again, receipt, "the first receipt, nothing sent");
        assert_eq!(restarted.messages().len(), 1);
        let other = restarted
            .send_email(&email_with_id("m2@rappel"), now)
            .await
            .unwrap();
        assert_eq!(other.message_id, "email-000002");
    }
}
