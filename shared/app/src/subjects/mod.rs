//! The subjects of messages (an appointment, a client, a staff member's or manager's day), as
//! the single delivery path sees them: load the subject's current
//! state, ask its planner for the verdict, get what to render. [`SubjectState`] dispatches on
//! the subject; each subject's loading lives in its own module, its planning in
//! `rappel_core::planning::<subject>`.

mod appointment;
mod billing;
mod client;
mod day;
mod inbound;
mod slot;

pub use appointment::{AppointmentRecords, OtherBookings, Substitute};
pub use billing::{BillingRecords, OwnedDocument};
pub use client::ClientRecords;
pub use day::DayRecords;
pub use inbound::InboundRecords;
pub use slot::SlotRecords;

use chrono::{DateTime, Utc};
use rappel_core::message::{MessageKey, Recipient, StaleReason, Subject, Verdict};
use rappel_core::model::{Appointment, AppointmentTypeId, ClientId, Locale};
use rappel_core::planning;
use rappel_core::render::{ComposeError, LinkSigner, Rendering, SenderIdentity};
use rappel_ports::records::{RecordStore, StoreError, TypedRecords};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A record the subject refers to is gone (records are never deleted through the API,
    /// so this means a data problem worth a look).
    #[error("the {0} record is missing")]
    Missing(&'static str),
}

/// The current state of a message's subject, loaded at send time.
#[derive(Debug, Clone)]
pub enum SubjectState {
    Appointment {
        appointment: Box<Appointment>,
        records: Box<AppointmentRecords>,
    },
    Client(Box<ClientRecords>),
    /// A staff member's or manager's day.
    Day(Box<DayRecords>),
    /// An invoice or a quote.
    Billing(Box<BillingRecords>),
    Inbound(Box<InboundRecords>),
    /// A freed slot, seen from one client's offer.
    Slot(Box<SlotRecords>),
}

/// What loading a subject found.
pub enum Loaded {
    Found(SubjectState),
    /// The subject no longer exists: the message is stale, with this reason.
    Gone(StaleReason),
}

impl SubjectState {
    pub async fn load(records: &dyn RecordStore, key: &MessageKey) -> Result<Loaded, ContextError> {
        let tenant = &key.tenant;
        match &key.subject {
            Subject::Appointment(id) => {
                let Some(appointment) = records.appointment(tenant, id).await? else {
                    return Ok(Loaded::Gone(StaleReason::SubjectGone(key.subject.kind())));
                };
                // A staff member addressed who no longer performs it (told they lost it).
                let extra_staff = match &key.recipient {
                    Recipient::Staff(id) if *id != appointment.staff_id => Some(id),
                    _ => None,
                };
                let other_bookings = if planning::depends_on_other_bookings(key.kind) {
                    OtherBookings::Read
                } else {
                    OtherBookings::Skip
                };
                let loaded = AppointmentRecords::load(
                    records,
                    tenant,
                    &[&appointment],
                    extra_staff,
                    None,
                    other_bookings,
                )
                .await?;
                Ok(Loaded::Found(Self::Appointment {
                    appointment: Box::new(appointment),
                    records: Box::new(loaded),
                }))
            }
            Subject::Client(id) => Ok(
                match ClientRecords::load(records, tenant, id, None).await? {
                    Some(loaded) => Loaded::Found(Self::Client(Box::new(loaded))),
                    None => Loaded::Gone(StaleReason::SubjectGone(key.subject.kind())),
                },
            ),
            Subject::StaffDay { .. } | Subject::ManagerDay { .. } => Ok(
                match DayRecords::load(records, tenant, &key.subject, None).await? {
                    Some(loaded) => Loaded::Found(Self::Day(Box::new(loaded))),
                    None => Loaded::Gone(StaleReason::SubjectGone(key.subject.kind())),
                },
            ),
            Subject::Invoice(id) => Ok(found_or_gone(
                BillingRecords::load_invoice(records, tenant, id)
                    .await?
                    .map(|b| Self::Billing(Box::new(b))),
                key,
            )),
            Subject::Quote(id) => Ok(found_or_gone(
                BillingRecords::load_quote(records, tenant, id)
                    .await?
                    .map(|b| Self::Billing(Box::new(b))),
                key,
            )),
            Subject::Inbound(id) => Ok(found_or_gone(
                InboundRecords::load(records, tenant, id)
                    .await?
                    .map(|i| Self::Inbound(Box::new(i))),
                key,
            )),
            Subject::Slot(slot) => {
                let Recipient::Client(client) = &key.recipient else {
                    return Err(ContextError::Missing("client of the offer"));
                };
                let loaded =
                    SlotRecords::for_client(records, tenant, slot.clone(), client, key.due).await?;
                Ok(Loaded::Found(Self::Slot(Box::new(loaded))))
            }
        }
    }

    /// The client the history files it under.
    pub fn client(&self) -> Option<&ClientId> {
        match self {
            Self::Appointment { appointment, .. } => Some(&appointment.client_id),
            Self::Client(c) => Some(&c.client.id),
            Self::Day(_) => None,
            Self::Billing(b) => Some(b.document.view().client_id()),
            Self::Inbound(i) => i.inbound.sender.client_id(),
            Self::Slot(s) => s.clients.first().map(|c| &c.id),
        }
    }

    /// The appointment type whose own templates apply, if any.
    pub fn appointment_type(&self) -> Option<&AppointmentTypeId> {
        match self {
            Self::Appointment { appointment, .. } => Some(&appointment.type_id),
            // An offer is worded per type like the appointment it would become.
            Self::Slot(s) => Some(&s.slot.type_id),
            Self::Client(_) | Self::Day(_) | Self::Billing(_) | Self::Inbound(_) => None,
        }
    }

    pub fn default_locale(&self) -> Locale {
        match self {
            Self::Appointment { records, .. } => records.settings.input.default_locale,
            Self::Client(c) => c.settings.input.default_locale,
            Self::Day(d) => d.settings.input.default_locale,
            Self::Billing(b) => b.settings.input.default_locale,
            Self::Inbound(i) => i.settings.input.default_locale,
            Self::Slot(s) => s.settings.input.default_locale,
        }
    }

    /// The planner's send-time verdict on `key`, from this state.
    pub fn verdict(&self, key: &MessageKey, now: DateTime<Utc>) -> Result<Verdict, ContextError> {
        Ok(match self {
            Self::Appointment {
                appointment,
                records,
            } => {
                let ctx = records.planning(appointment, previous_staff(key))?;
                planning::verdict(key, appointment, &ctx, now)
            }
            Self::Client(c) => planning::client::verdict(key, &c.context(), now),
            Self::Day(d) => planning::day::verdict(key, &d.context(), now),
            Self::Billing(b) => planning::billing::verdict(key, &b.context(), now),
            Self::Inbound(i) => planning::inbound::verdict(key, &i.context(), now),
            Self::Slot(s) => planning::slot::verdict(key, &s.context(), now),
        })
    }

    /// The recipient's language, if they are known.
    pub fn recipient_locale(&self, key: &MessageKey) -> Option<Locale> {
        match self {
            Self::Appointment {
                appointment,
                records,
            } => records
                .planning(appointment, previous_staff(key))
                .ok()?
                .contact(&key.recipient)
                .map(|c| c.locale),
            Self::Client(c) => c.context().contact(&key.recipient).map(|c| c.locale),
            Self::Day(d) => d.context().contact(&key.recipient).map(|c| c.locale),
            Self::Billing(b) => b.context().contact(&key.recipient).map(|c| c.locale),
            Self::Inbound(i) => i.context().contact(&key.recipient).map(|c| c.locale),
            Self::Slot(s) => s.context().contact(&key.recipient).map(|c| c.locale),
        }
    }

    /// What the message renders from, from this state.
    pub fn rendering(
        &self,
        key: &MessageKey,
        links: &LinkSigner,
        sender: &SenderIdentity,
        now: DateTime<Utc>,
    ) -> Result<Rendering<'_>, ComposeError> {
        match self {
            Self::Appointment {
                appointment,
                records,
            } => {
                let ctx = records
                    .planning(appointment, previous_staff(key))
                    .map_err(|_| ComposeError::UnknownRecipient)?;
                planning::appointment::rendering(key, appointment, &ctx, links, sender, now)
            }
            Self::Client(c) => planning::client::rendering(key, &c.context(), links, now),
            Self::Day(d) => planning::day::rendering(key, &d.context()),
            Self::Billing(b) => planning::billing::rendering(key, &b.context(), now),
            Self::Inbound(i) => planning::inbound::rendering(key, &i.context()),
            Self::Slot(s) => planning::slot::rendering(key, &s.context(), links),
        }
    }
}

fn found_or_gone(state: Option<SubjectState>, key: &MessageKey) -> Loaded {
    match state {
        Some(state) => Loaded::Found(state),
        None => Loaded::Gone(StaleReason::SubjectGone(key.subject.kind())),
    }
}

fn previous_staff(key: &MessageKey) -> Option<&rappel_core::model::StaffId> {
    match &key.recipient {
        Recipient::Staff(id) => Some(id),
        _ => None,
    }
}
