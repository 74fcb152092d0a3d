//! Dates, clock times and time zones as the reader writes them: the one writer every kind of
//! message uses, so an American reads "Tuesday, November 9, 2027" on an invoice as on a
//! reminder, and a zone reads "heure de Paris" or "New York time", not `America/New_York`.

use crate::model::{DateOrder, HourCycle, Language, Locale, TimeZone};
use chrono::{DateTime, NaiveDate, Utc};

/// A long date as the reader writes it: "lundi 30 mars 2026", "Monday 30 March 2026",
/// "Monday, March 30, 2026" (en-US).
pub fn format_date(instant: DateTime<Utc>, zone: TimeZone, locale: Locale) -> String {
    format_day(instant.with_timezone(&zone.tz()).date_naive(), locale)
}

/// A calendar day (a due date, a last day of validity) written like [`format_date`].
pub fn format_day(day: NaiveDate, locale: Locale) -> String {
    let pattern = match locale.date_order() {
        DateOrder::DayMonth => "%A %-d %B %Y",
        DateOrder::MonthDay => "%A, %B %-d, %Y",
    };
    day.format_localized(pattern, locale.chrono_locale())
        .to_string()
}

/// A clock time as the reader writes it: "15:30", or "3:30 PM" where a 12-hour clock is usual.
pub fn format_time(instant: DateTime<Utc>, zone: TimeZone, locale: Locale) -> String {
    let local = instant.with_timezone(&zone.tz());
    match locale.hour_cycle() {
        HourCycle::H23 => local.format("%H:%M").to_string(),
        // `format` (not `format_localized`) writes `%p` as "AM"/"PM", the US convention.
        HourCycle::H12 => local.format("%-I:%M %p").to_string(),
    }
}

/// A time zone as people name it: "heure de Paris", "heure de New York", "Paris time",
/// "New York time"; UTC and the `Etc/` zones as "UTC" or their offset.
pub fn zone_name(zone: TimeZone, locale: Locale) -> String {
    let name = zone.name();
    if name == "UTC" || name.starts_with("Etc/") {
        return match name.trim_start_matches("Etc/") {
            "UTC" | "UCT" | "Universal" | "Zulu" | "GMT" | "Greenwich" => "UTC".to_owned(),
            // POSIX signs are inverted: Etc/GMT+5 is UTC-05:00.
            other => other.replace("GMT+", "UTC-").replace("GMT-", "UTC+"),
        };
    }
    let city = name.rsplit('/').next().unwrap_or(name).replace('_', " ");
    match locale.templates() {
        Language::En => format!("{city} time"),
        Language::Fr => french_zone_name(&city),
    }
}

/// "heure de Paris", "heure d'Athènes", "heure de La Réunion": the French names of the cities
/// that differ from the zone's English one, elided before a vowel.
fn french_zone_name(city: &str) -> String {
    let french = match city {
        "London" => "Londres",
        "Brussels" => "Bruxelles",
        "Lisbon" => "Lisbonne",
        "Vienna" => "Vienne",
        "Warsaw" => "Varsovie",
        "Copenhagen" => "Copenhague",
        "Athens" => "Athènes",
        "Moscow" => "Moscou",
        "Bucharest" => "Bucarest",
        "Montreal" => "Montréal",
        "Mexico City" => "Mexico",
        "Sao Paulo" => "São Paulo",
        "Algiers" => "Alger",
        "Singapore" => "Singapour",
        "Reunion" => "La Réunion",
        "Noumea" => "Nouméa",
        "Tahiti" => "Tahiti",
        "Guadeloupe" => "Guadeloupe",
        "Martinique" => "Martinique",
        "Cayenne" => "Cayenne",
        "Mayotte" => "Mayotte",
        other => other,
    };
    let elided = french
        .chars()
        .next()
        .is_some_and(|c| "AEIOUYÉÈÊÂÎÔÛ".contains(c));
    if elided {
        format!("heure d'{french}")
    } else {
        format!("heure de {french}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn dates_are_written_in_the_recipient_language_and_zone() {
        let instant = Utc.with_ymd_and_hms(2026, 3, 30, 8, 0, 0).unwrap();
        let paris = TimeZone::parse("Europe/Paris").unwrap();
        let ny = TimeZone::parse("America/New_York").unwrap();
        assert_eq!(
            format_date(instant, paris, Locale::FR),
            "lundi 30 mars 2026"
        );
        assert_eq!(format_time(instant, paris, Locale::FR), "10:00");
        assert_eq!(format_date(instant, ny, Locale::EN), "Monday 30 March 2026");
        assert_eq!(format_time(instant, ny, Locale::EN), "04:00");
        let tokyo = TimeZone::parse("Asia/Tokyo").unwrap();
        let late = Utc.with_ymd_and_hms(2026, 3, 30, 20, 0, 0).unwrap();
        assert_eq!(
            format_date(late, tokyo, Locale::EN),
            "Tuesday 31 March 2026"
        );
    }

    #[test]
    fn an_american_reads_three_thirty_pm_and_a_briton_fifteen_thirty() {
        let instant = Utc.with_ymd_and_hms(2026, 3, 30, 19, 30, 0).unwrap();
        let ny = TimeZone::parse("America/New_York").unwrap();
        let london = TimeZone::parse("Europe/London").unwrap();
        assert_eq!(format_time(instant, ny, Locale::EN_US), "3:30 PM");
        assert_eq!(
            format_date(instant, ny, Locale::EN_US),
            "Monday, March 30, 2026"
        );
        let morning = Utc.with_ymd_and_hms(2026, 3, 30, 13, 5, 0).unwrap();
        assert_eq!(format_time(morning, ny, Locale::EN_US), "9:05 AM");
        let midnight = Utc.with_ymd_and_hms(2026, 3, 31, 4, 0, 0).unwrap();
        assert_eq!(format_time(midnight, ny, Locale::EN_US), "12:00 AM");
        let gb = Locale::parse("en-GB").unwrap();
        assert_eq!(format_time(instant, london, gb), "20:30");
        assert_eq!(format_date(instant, london, gb), "Monday 30 March 2026");
        let paris = TimeZone::parse("Europe/Paris").unwrap();
        assert_eq!(format_time(instant, paris, Locale::FR), "21:30");
        let canada_fr = Locale::parse("fr-CA").unwrap();
        assert_eq!(format_time(instant, ny, canada_fr), "15:30");
        assert_eq!(format_date(instant, ny, canada_fr), "lundi 30 mars 2026");
    }

    #[test]
    fn an_invoice_date_is_written_as_the_reader_writes_dates() {
        let day = NaiveDate::from_ymd_opt(2027, 11, 9).unwrap_or_default();
        assert_eq!(format_day(day, Locale::EN_US), "Tuesday, November 9, 2027");
        assert_eq!(format_day(day, Locale::FR), "mardi 9 novembre 2027");
        let gb = Locale::parse("en-GB").unwrap();
        assert_eq!(format_day(day, gb), "Tuesday 9 November 2027");
    }

    #[test]
    fn a_zone_is_named_the_way_its_readers_say_it() {
        let zone = |name: &str| TimeZone::parse(name).unwrap();
        for (name, locale, expected) in [
            ("Europe/Paris", Locale::FR, "heure de Paris"),
            ("America/New_York", Locale::FR, "heure de New York"),
            ("America/New_York", Locale::EN, "New York time"),
            ("Europe/London", Locale::FR, "heure de Londres"),
            ("Europe/Athens", Locale::FR, "heure d'Athènes"),
            ("Europe/Amsterdam", Locale::FR, "heure d'Amsterdam"),
            ("Indian/Reunion", Locale::FR, "heure de La Réunion"),
            (
                "America/Argentina/Buenos_Aires",
                Locale::EN,
                "Buenos Aires time",
            ),
            ("UTC", Locale::FR, "UTC"),
            ("Etc/GMT+5", Locale::EN, "UTC-5"),
        ] {
            assert_eq!(zone_name(zone(name), locale), expected, "{name}");
        }
    }
}
