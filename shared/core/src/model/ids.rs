//! Identifiers. Every id is parsed once at the edge into its own type, so a client id can never
//! be passed where a staff id is expected, and nothing unsafe for a storage key or a schedule
//! name ever reaches the adapters.

use serde::{Deserialize, Serialize};

/// Why a string is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} must be 1 to 64 characters of letters, digits, '-' or '_' (got {len} characters)")]
pub struct InvalidId {
    pub kind: &'static str,
    pub len: usize,
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $label:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        $crate::schema::string_schema!(
            $name,
            concat!("A ", $label, ": 1 to 64 characters of letters, digits, '-' or '_'."),
            "cl_3f9a1c",
            None,
            Some(64),
            Some("^[A-Za-z0-9_-]{1,64}$")
        );

        impl $name {
            /// Parses an identifier: 1..=64 chars of `[A-Za-z0-9_-]`.
            pub fn parse(raw: &str) -> Result<Self, InvalidId> {
                let ok = !raw.is_empty()
                    && raw.len() <= 64
                    && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if ok {
                    Ok(Self(raw.to_owned()))
                } else {
                    Err(InvalidId { kind: $label, len: raw.chars().count() })
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidId;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

pub(crate) use id_type;

id_type!(
    /// A business using Rappel (the tenant every record belongs to).
    TenantId,
    "tenant id"
);
id_type!(
    /// A client of a business: the person who books.
    ClientId,
    "client id"
);
id_type!(
    /// A staff member who performs appointments.
    StaffId,
    "staff id"
);
id_type!(
    /// A kind of appointment a business offers ("haircut", "first consultation").
    AppointmentTypeId,
    "appointment type id"
);
id_type!(
    /// One booked appointment.
    AppointmentId,
    "appointment id"
);
id_type!(
    /// An owner or manager who receives business alerts.
    ManagerId,
    "manager id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_accepts_letters_digits_dashes_and_underscores() {
        assert!(ClientId::parse("cl_01-ABC").is_ok());
    }

    #[test]
    fn an_id_rejects_empty_long_or_unsafe_strings() {
        assert!(ClientId::parse("").is_err());
        assert!(ClientId::parse(&"a".repeat(65)).is_err());
        assert!(ClientId::parse("a/b").is_err());
        assert!(ClientId::parse("a#b").is_err());
        assert!(ClientId::parse("é").is_err());
    }

    #[test]
    fn an_id_deserialises_only_when_valid() {
        assert!(serde_json::from_str::<StaffId>("\"ok-1\"").is_ok());
        assert!(serde_json::from_str::<StaffId>("\"not ok\"").is_err());
    }
}
