//! Why a command refused or failed: one type for every command, mapped to an HTTP problem
//! once (by the API) and to a page or an SMS answer by the other ways in.

use rappel_core::model::AppointmentError;
use rappel_ports::records::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The subject named does not exist for this business (another business's ids too).
    #[error("no {0} with this id")]
    NotFound(&'static str),
    /// A reference in the input names nothing this business has (`unknown_client`, …).
    #[error("{message}")]
    UnknownReference { code: &'static str, message: String },
    /// The input is well formed but not acceptable (`invalid_field`, `invalid_template`, …).
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// The caller expected another version than the stored one.
    #[error("the {what} is at version {current}, not {expected}")]
    VersionConflict {
        what: &'static str,
        current: u64,
        expected: u64,
    },
    /// The subject's state does not allow this action.
    #[error("{0}")]
    InvalidTransition(String),
    #[error(transparent)]
    Appointment(#[from] AppointmentError),
    /// The store refused (a concurrent change: `Conflict`) or is unavailable.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What kind of refusal a [`CommandError`] is, for each way in to say it its own way (an HTTP
/// status, an import's item outcome, a page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing of this business under that id.
    NotFound,
    /// Well-formed input the business's records or rules do not accept.
    Unprocessable,
    /// The record changed meanwhile, or its state does not allow this.
    Conflict,
    /// The input names a position no list gave.
    BadInput,
    /// A passing outage: asking again may succeed.
    Unavailable,
}

impl CommandError {
    /// A stable, machine-readable code (`not_found`, `unknown_client`, `version_conflict`…).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "not_found",
            Self::UnknownReference { code, .. } | Self::Invalid { code, .. } => code,
            Self::VersionConflict { .. } => "version_conflict",
            Self::InvalidTransition(_) => "invalid_transition",
            Self::Appointment(e) => match e {
                AppointmentError::EndNotAfterStart => "end_before_start",
                AppointmentError::TooLong => "appointment_too_long",
                AppointmentError::StartInPast => "start_in_past",
                AppointmentError::BeyondHorizon(_) => "beyond_horizon",
                AppointmentError::InvalidInitialStatus(_) => "invalid_status",
                AppointmentError::InvalidTransition { .. } => "invalid_transition",
                AppointmentError::NotStartedYet(_) => "not_started",
                AppointmentError::AlreadyBegun => "already_begun",
            },
            Self::Store(StoreError::Conflict { .. }) => "version_conflict",
            Self::Store(StoreError::InvalidCursor) => "invalid_cursor",
            Self::Store(StoreError::Unavailable(_) | StoreError::Corrupt(_)) => "store_unavailable",
        }
    }

    pub fn refusal(&self) -> Refusal {
        match self {
            Self::NotFound(_) => Refusal::NotFound,
            Self::UnknownReference { .. } | Self::Invalid { .. } => Refusal::Unprocessable,
            Self::VersionConflict { .. } | Self::InvalidTransition(_) => Refusal::Conflict,
            Self::Appointment(
                AppointmentError::InvalidTransition { .. }
                | AppointmentError::NotStartedYet(_)
                | AppointmentError::AlreadyBegun,
            ) => Refusal::Conflict,
            Self::Appointment(_) => Refusal::Unprocessable,
            Self::Store(StoreError::Conflict { .. }) => Refusal::Conflict,
            Self::Store(StoreError::InvalidCursor) => Refusal::BadInput,
            Self::Store(StoreError::Unavailable(_) | StoreError::Corrupt(_)) => {
                Refusal::Unavailable
            }
        }
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
        }
    }

    pub fn unknown(code: &'static str, message: impl Into<String>) -> Self {
        Self::UnknownReference {
            code,
            message: message.into(),
        }
    }
}

/// `expected`, when given, must be the stored version.
pub fn expect_version(
    what: &'static str,
    current: u64,
    expected: Option<u64>,
) -> Result<(), CommandError> {
    match expected {
        Some(expected) if expected != current => Err(CommandError::VersionConflict {
            what,
            current,
            expected,
        }),
        _ => Ok(()),
    }
}
