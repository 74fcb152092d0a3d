//! The instants, people and ids the scenes share, written once.

use chrono::{DateTime, TimeZone as _, Utc};
use std::path::Path;

/// Léa Martin's e-mail address (French, Paris; `CallsApi::create_lea`).
pub const LEA_MAIL: &str = "lea@example.fr";
/// Léa Martin's mobile number.
pub const LEA_PHONE: &str = "+33612345678";

/// Friday 20 March 2026, 10:00 in Paris: a week before Léa's Friday 10:00 appointment, and
/// before the spring DST change (29 March).
pub fn friday_before() -> DateTime<Utc> {
    utc(2026, 3, 20, 9, 0)
}

/// An instant in UTC, to the minute.
pub fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .unwrap_or_else(|| panic!("{year}-{month}-{day} {hour}:{minute} is a valid UTC instant"))
}

/// A parsed id (or any type built from a string) that a test knows to be valid.
pub fn id<T: TryFrom<String>>(raw: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    match T::try_from(raw.to_owned()) {
        Ok(value) => value,
        Err(error) => panic!("{raw:?} is valid in a test: {error:?}"),
    }
}

/// The workspace's root folder (where `template.yaml` and `infra/` are).
pub fn workspace_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}
