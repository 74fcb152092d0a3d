//! Dates and instants as the API takes them: four-digit years from 1970 to 2999 only.
//!
//! chrono reads `-0001-01-01` and `+10000-01-01`; neither is RFC 3339, and a reminder planned
//! from them cannot be held by a schedule (`at(yyyy-mm-ddThh:mm:ss)`) nor read back by most
//! clients. Refusing them at the edge keeps every planned instant inside four-digit years:
//! the furthest offset a plan adds (a year and a little) never leaves them.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};

/// The first year a date or an instant may fall in.
pub const FIRST_YEAR: i32 = 1970;
/// The last year a date or an instant may fall in.
pub const LAST_YEAR: i32 = 2999;

/// Why a date or an instant was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidCalendarValue {
    #[error("expected a date as YYYY-MM-DD")]
    NotADate,
    #[error("expected an RFC 3339 date-time with an offset, e.g. 2026-03-30T10:00:00+02:00")]
    NotAnInstant,
    #[error("the year must be between {FIRST_YEAR} and {LAST_YEAR} (got {0})")]
    YearOutOfRange(i32),
}

fn check_year(year: i32) -> Result<(), InvalidCalendarValue> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(InvalidCalendarValue::YearOutOfRange(year))
    }
}

/// A calendar day (`YYYY-MM-DD`) in the years Rappel plans for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct CalendarDate(NaiveDate);

/// An instant written with its offset, in the years Rappel plans for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CalendarInstant(DateTime<FixedOffset>);

/// The schemas say the bound too (a `pattern` on the year), so a generated client and a fuzzer
/// know it; the pattern is unanchored at the end, the format says the rest.
const YEAR_PATTERN: &str = "^(19[7-9][0-9]|2[0-9]{3})-";

impl utoipa::PartialSchema for CalendarDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        crate::schema::calendar(
            "A calendar day, YYYY-MM-DD, in the years 1970 to 2999.",
            "2026-04-13",
            utoipa::openapi::KnownFormat::Date,
            YEAR_PATTERN,
        )
    }
}
impl utoipa::ToSchema for CalendarDate {}

impl utoipa::PartialSchema for CalendarInstant {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        crate::schema::calendar(
            "An instant, RFC 3339 with its offset, in the years 1970 to 2999.",
            "2026-03-30T10:00:00+02:00",
            utoipa::openapi::KnownFormat::DateTime,
            YEAR_PATTERN,
        )
    }
}
impl utoipa::ToSchema for CalendarInstant {}

impl CalendarDate {
    /// Parses `YYYY-MM-DD` (four digits, no sign) in the accepted years.
    pub fn parse(raw: &str) -> Result<Self, InvalidCalendarValue> {
        let four_digit = raw.len() == 10 && raw.as_bytes()[..4].iter().all(u8::is_ascii_digit);
        let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .filter(|_| four_digit)
            .ok_or(InvalidCalendarValue::NotADate)?;
        Self::new(date)
    }

    /// A date built elsewhere, checked against the same years.
    pub fn new(date: NaiveDate) -> Result<Self, InvalidCalendarValue> {
        check_year(date.year())?;
        Ok(Self(date))
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }
}

impl CalendarInstant {
    /// Parses an RFC 3339 date-time with its offset in the accepted years.
    pub fn parse(raw: &str) -> Result<Self, InvalidCalendarValue> {
        let four_digit = raw.len() > 4 && raw.as_bytes()[..4].iter().all(u8::is_ascii_digit);
        let instant = DateTime::parse_from_rfc3339(raw)
            .ok()
            .filter(|_| four_digit)
            .ok_or(InvalidCalendarValue::NotAnInstant)?;
        check_year(instant.year())?;
        check_year(instant.with_timezone(&Utc).year())?;
        Ok(Self(instant))
    }

    /// The instant in UTC, as every record keeps it.
    pub fn utc(self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }

    /// The instant with the offset it was written with.
    pub fn fixed(self) -> DateTime<FixedOffset> {
        self.0
    }
}

impl<'de> Deserialize<'de> for CalendarDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for CalendarInstant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_before_year_one_or_after_9999_is_refused() {
        for raw in [
            "-0001-01-01",
            "+10000-01-01",
            "0000-01-01",
            "1969-12-31",
            "3000-01-01",
        ] {
            assert!(CalendarDate::parse(raw).is_err(), "{raw} was accepted");
        }
        assert!(CalendarDate::parse("9999-12-31").is_err());
    }

    #[test]
    fn a_date_in_the_planned_years_is_taken_as_written() {
        let date = CalendarDate::parse("2026-04-13").map(CalendarDate::date);
        assert_eq!(
            date,
            Ok(NaiveDate::from_ymd_opt(2026, 4, 13).unwrap_or_default())
        );
        assert!(CalendarDate::parse("1970-01-01").is_ok());
        assert!(CalendarDate::parse("2999-12-31").is_ok());
    }

    #[test]
    fn an_instant_outside_the_years_is_refused_even_when_its_offset_moves_it_in() {
        for raw in [
            "+10000-01-03T09:00:00Z",
            "-0001-01-01T00:00:00Z",
            "9999-12-31T23:00:00Z",
            "1969-12-31T23:30:00-01:00",
            "2999-12-31T23:30:00-01:00",
        ] {
            assert!(CalendarInstant::parse(raw).is_err(), "{raw} was accepted");
        }
    }

    #[test]
    fn an_instant_keeps_its_offset_and_gives_its_utc() {
        let instant = CalendarInstant::parse("2026-03-30T10:00:00+02:00").map(CalendarInstant::utc);
        assert_eq!(
            instant.map(|i| i.to_rfc3339()),
            Ok("2026-03-30T08:00:00+00:00".to_owned())
        );
    }

    #[test]
    fn the_error_says_which_years_are_accepted() {
        let message = CalendarDate::parse("9999-12-31")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            message.contains("1970") && message.contains("2999"),
            "{message}"
        );
    }
}
