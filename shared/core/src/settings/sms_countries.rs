//! Where a business's SMS may go. SMS pumping sends traffic to numbers abroad (and premium
//! ones) at the sender's cost; a salon texts its own country's clients. So by default a
//! business's SMS go only to numbers of its own country — the country of its time zone — and a
//! business with clients across a border lists the countries (`sms_countries`).

use crate::model::TimeZone;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "sms_countries: {0:?} is not a country code: use ISO 3166 alpha-2 in capitals (\"FR\", \"BE\"), at most 50"
)]
pub struct InvalidSmsCountries(pub String);

/// `sms_countries` in the settings: the ISO 3166 alpha-2 codes of the countries whose numbers
/// may receive the business's SMS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
#[schema(value_type = Vec<String>, example = json!(["FR", "BE"]))]
pub struct SmsCountries(Vec<String>);

impl TryFrom<Vec<String>> for SmsCountries {
    type Error = InvalidSmsCountries;
    fn try_from(codes: Vec<String>) -> Result<Self, Self::Error> {
        if codes.len() > 50 {
            return Err(InvalidSmsCountries(format!("{} codes", codes.len())));
        }
        for code in &codes {
            let valid = code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase());
            if !valid {
                return Err(InvalidSmsCountries(code.clone()));
            }
        }
        Ok(Self(codes))
    }
}

impl From<SmsCountries> for Vec<String> {
    fn from(countries: SmsCountries) -> Self {
        countries.0
    }
}

impl SmsCountries {
    pub fn contains(&self, country: &str) -> bool {
        self.0.iter().any(|c| c == country)
    }
}

/// The country of a business's time zone, for the zones of the countries Rappel's businesses
/// are in (and France's overseas departments, whose numbers are their own countries' in the
/// numbering plan). A zone not listed has no default: its business lists its countries.
pub fn home_country(zone: TimeZone) -> Option<&'static str> {
    let country = match zone.name() {
        "Europe/Paris" => "FR",
        "Europe/Monaco" => "MC",
        "Europe/Brussels" => "BE",
        "Europe/Luxembourg" => "LU",
        "Europe/Zurich" => "CH",
        "Europe/Berlin" => "DE",
        "Europe/Vienna" => "AT",
        "Europe/Madrid" | "Atlantic/Canary" => "ES",
        "Europe/Rome" => "IT",
        "Europe/Lisbon" => "PT",
        "Europe/Amsterdam" => "NL",
        "Europe/London" => "GB",
        "Europe/Dublin" => "IE",
        "Indian/Reunion" => "RE",
        "Indian/Mayotte" => "YT",
        "America/Guadeloupe" => "GP",
        "America/Martinique" => "MQ",
        "America/Cayenne" => "GF",
        "America/Montreal" | "America/Toronto" => "CA",
        "America/New_York" | "America/Chicago" | "America/Denver" | "America/Los_Angeles" => "US",
        _ => return None,
    };
    Some(country)
}

/// Whether a business in `zone`, listing `listed` (if it did), may text a number of `country`.
pub fn sms_country_allowed(
    listed: Option<&SmsCountries>,
    zone: TimeZone,
    country: Option<&str>,
) -> bool {
    let Some(country) = country else {
        return false;
    };
    match listed {
        Some(countries) => countries.contains(country),
        None => home_country(zone) == Some(country),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> TimeZone {
        TimeZone::parse(name).unwrap()
    }

    #[test]
    fn a_paris_business_texts_french_numbers_only_unless_it_lists_more() {
        let paris = zone("Europe/Paris");
        assert!(sms_country_allowed(None, paris, Some("FR")));
        assert!(!sms_country_allowed(None, paris, Some("BE")));
        assert!(
            !sms_country_allowed(None, paris, None),
            "a non-geographic number"
        );
        let listed: SmsCountries = serde_json::from_str(r#"["FR", "BE"]"#).unwrap();
        assert!(sms_country_allowed(Some(&listed), paris, Some("BE")));
        assert!(!sms_country_allowed(Some(&listed), paris, Some("GB")));
    }

    #[test]
    fn a_business_in_a_zone_without_a_default_country_texts_only_what_it_lists() {
        assert!(!sms_country_allowed(None, zone("Asia/Tokyo"), Some("JP")));
        assert_eq!(home_country(zone("Indian/Reunion")), Some("RE"));
    }

    #[test]
    fn only_capital_two_letter_codes_are_countries() {
        for bad in [r#"["fr"]"#, r#"["FRA"]"#, r#"["F1"]"#] {
            assert!(serde_json::from_str::<SmsCountries>(bad).is_err(), "{bad}");
        }
    }
}
