//! The one shape every subject has at send time: from its loaded state, build **one** context,
//! and from it the verdict and (if sent) the rendering — the recipient's language included,
//! since the rendering carries the resolved contact.
//!
//! A subject implements [`SubjectAtSend`] (its context and its planner's two functions); the
//! delivery path and the previews only see [`DecidesAtSend`], which every [`SubjectAtSend`]
//! is, so nothing outside a subject's own file matches on the subject.

use super::MissingRecord;
use chrono::{DateTime, Utc};
use rappel_core::message::{MessageKey, StaleReason, SuppressionReason, Verdict};
use rappel_core::model::{AppointmentTypeId, ClientId, Locale};
use rappel_core::render::{ComposeError, LinkSigner, Rendering, SenderIdentity};

/// What the send path hands a subject to render with.
#[derive(Clone, Copy)]
pub struct SendTime<'a> {
    pub links: &'a LinkSigner,
    pub sender: &'a SenderIdentity,
    pub now: DateTime<Utc>,
}

/// A subject's send-time decision on one of its messages.
pub enum Decision<'a> {
    /// Too late, or no longer in the subject's current plan.
    Stale(StaleReason),
    /// Planned, but a channel rule refuses it.
    Suppress(SuppressionReason),
    /// To be sent, in the recipient's language, from this rendering.
    Send {
        locale: Locale,
        rendering: Box<Rendering<'a>>,
    },
}

/// Why a subject could not decide: a record it refers to is gone, or the message cannot be
/// rendered (recorded `failed` with the reason; never sent in other words).
#[derive(Debug, thiserror::Error)]
pub enum Undecidable {
    #[error("the {0} record is missing")]
    Missing(&'static str),
    #[error(transparent)]
    Unrenderable(#[from] ComposeError),
}

impl From<MissingRecord> for Undecidable {
    fn from(missing: MissingRecord) -> Self {
        Self::Missing(missing.0)
    }
}

/// One subject's loaded state, and its planner seen from one context.
pub trait SubjectAtSend: std::fmt::Debug + Send + Sync {
    /// What the verdict and the rendering of one message are both computed from.
    type Context<'a>
    where
        Self: 'a;

    /// The context for `key` (an appointment's message to a staff member who lost it sees
    /// them as the previous staff member).
    fn context(&self, key: &MessageKey) -> Result<Self::Context<'_>, MissingRecord>;

    /// The client the history files the message under.
    fn client(&self) -> Option<&ClientId>;

    /// The appointment type whose own templates apply, if any.
    fn appointment_type(&self) -> Option<&AppointmentTypeId> {
        None
    }

    fn verdict(key: &MessageKey, ctx: &Self::Context<'_>, now: DateTime<Utc>) -> Verdict;

    fn rendering<'a>(
        key: &MessageKey,
        ctx: &Self::Context<'a>,
        at: SendTime<'_>,
    ) -> Result<Rendering<'a>, ComposeError>
    where
        Self: 'a;
}

/// A loaded subject as the delivery path and the previews use it (object-safe).
pub trait DecidesAtSend: std::fmt::Debug + Send + Sync {
    fn client(&self) -> Option<&ClientId>;
    fn appointment_type(&self) -> Option<&AppointmentTypeId>;
    /// Verdict, then rendering, from one context.
    fn decide(&self, key: &MessageKey, at: SendTime<'_>) -> Result<Decision<'_>, Undecidable>;
    /// The rendering alone, whatever the verdict (a template's preview).
    fn render(&self, key: &MessageKey, at: SendTime<'_>) -> Result<Rendering<'_>, Undecidable>;
}

impl<S: SubjectAtSend> DecidesAtSend for S {
    fn client(&self) -> Option<&ClientId> {
        SubjectAtSend::client(self)
    }

    fn appointment_type(&self) -> Option<&AppointmentTypeId> {
        SubjectAtSend::appointment_type(self)
    }

    fn decide(&self, key: &MessageKey, at: SendTime<'_>) -> Result<Decision<'_>, Undecidable> {
        let ctx = self.context(key)?;
        Ok(match S::verdict(key, &ctx, at.now) {
            Verdict::Stale(reason) => Decision::Stale(reason),
            Verdict::Suppress(reason) => Decision::Suppress(reason),
            Verdict::Send => {
                let rendering = S::rendering(key, &ctx, at)?;
                Decision::Send {
                    locale: rendering.contact.locale,
                    rendering: Box::new(rendering),
                }
            }
        })
    }

    fn render(&self, key: &MessageKey, at: SendTime<'_>) -> Result<Rendering<'_>, Undecidable> {
        let ctx = self.context(key)?;
        Ok(S::rendering(key, &ctx, at)?)
    }
}
