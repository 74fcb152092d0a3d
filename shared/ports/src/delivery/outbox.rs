//! The embedded mailer and SMS sender: nothing leaves the machine. Every message is kept (for
//! `GET /_local/outbox` and tests), printed readably to stdout when asked, and e-mails are also
//! written as `.eml` files that any mail client opens. Faults can be injected to exercise
//! retries and failure handling.

use super::{Mailer, ProviderReceipt, SendError, SmsSender};
use crate::lock;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rappel_core::model::PhoneNumber;
use rappel_core::render::{OutgoingEmail, OutgoingSms};
use serde::Serialize;
use std::collections::{HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum OutboxEntry {
    Email {
        id: String,
        at: DateTime<Utc>,
        to: String,
        reply_to: Option<String>,
        subject: String,
        text: String,
        html: String,
        calendar: Option<String>,
        mime: String,
    },
    Sms {
        id: String,
        at: DateTime<Utc>,
        to: String,
        text: String,
        encoding: String,
        segments: usize,
    },
}

/// A failure to inject on the next sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxFault {
    Transient,
    Permanent,
}

#[derive(Default)]
struct State {
    sent: Vec<OutboxEntry>,
    email_faults: VecDeque<OutboxFault>,
    sms_faults: VecDeque<OutboxFault>,
    opted_out: HashSet<String>,
    rejected_addresses: HashSet<String>,
    counter: u64,
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
        Self {
            state: Mutex::new(State {
                counter,
                ..State::default()
            }),
            eml_dir,
            echo,
        }
    }

    pub fn messages(&self) -> Vec<OutboxEntry> {
        lock(&self.state).sent.clone()
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

    fn next_id(state: &mut State, prefix: &str) -> String {
        state.counter += 1;
        format!("{prefix}-{:06}", state.counter)
    }
}

/// The highest `NNNNNN` of the `<prefix>-NNNNNN.eml` files in `dir` (0 when there are none).
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
            SendError::transient("Throttling", "injected fault: provider throttled")
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
            if let Some(fault) = state.email_faults.pop_front() {
                return Err(fault_error(fault));
            }
            if state.rejected_addresses.contains(email.to.as_str()) {
                return Err(SendError::permanent(
                    "MessageRejected",
                    format!("address rejected by the mail provider: {}", email.to),
                ));
            }
            let id = Self::next_id(&mut state, "email");
            let entry = OutboxEntry::Email {
                id: id.clone(),
                at: now,
                to: email.to.to_string(),
                reply_to: email.reply_to.as_ref().map(ToString::to_string),
                subject: email.subject.clone(),
                text: email.text.clone(),
                html: email.html.clone(),
                calendar: email.calendar.as_ref().map(|c| c.ics.clone()),
                mime: mime.clone(),
            };
            state.sent.push(entry.clone());
            (id, entry)
        };
        if let Some(dir) = &self.eml_dir {
            let written = std::fs::create_dir_all(dir).and_then(|()| {
                crate::json_file::write_atomically(&dir.join(format!("{id}.eml")), mime.as_bytes())
            });
            if let Err(error) = written {
                tracing::warn!(%error, "could not write the .eml file");
            }
        }
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
            if let Some(fault) = state.sms_faults.pop_front() {
                return Err(fault_error(fault));
            }
            let id = Self::next_id(&mut state, "sms");
            state.sent.push(OutboxEntry::Sms {
                id: id.clone(),
                at: now,
                to: sms.to.to_string(),
                text: sms.text.clone(),
                encoding: format!("{:?}", sms.size.encoding),
                segments: sms.size.segments,
            });
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
            message_id: "m1@rappel".into(),
            marketing: false,
            list_unsubscribe: None,
        }
    }

    #[tokio::test]
    async fn a_restarted_outbox_numbers_on_and_never_overwrites_earlier_messages() {
        let dir = tempfile::tempdir().unwrap();
        let now = chrono::Utc::now();
        let first = Outbox::new(Some(dir.path().to_owned()), false);
        first.send_email(&email(), now).await.unwrap();
        first.send_email(&email(), now).await.unwrap();
        let before = std::fs::read(dir.path().join("email-000002.eml")).unwrap();

        let restarted = Outbox::new(Some(dir.path().to_owned()), false);
        let receipt = restarted.send_email(&email(), now).await.unwrap();
        assert_eq!(receipt.message_id, "email-000003");
        assert_eq!(
            std::fs::read(dir.path().join("email-000002.eml")).unwrap(),
            before
        );
        let files = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(files, 3);
    }
}
