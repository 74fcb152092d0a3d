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

impl CommandError {
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
