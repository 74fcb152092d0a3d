//! Mobile phone number in E.164 form, parsed and validated with the `phonenumber` crate
//! (libphonenumber metadata), so SMS are never sent to numbers that cannot exist.

use phonenumber::Mode;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid international phone number: use E.164, e.g. +33612345678")]
pub struct InvalidPhone;

/// A phone number normalised to E.164 (`+` and up to 15 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

crate::schema::string_schema!(
    PhoneNumber,
    "A mobile number in E.164 form (+ and the country code); other forms are read and answered in E.164.",
    "+33612345678"
);

impl PhoneNumber {
    /// Accepts an international number (leading `+`), with or without spaces, dots or dashes.
    pub fn parse(raw: &str) -> Result<Self, InvalidPhone> {
        let trimmed = raw.trim();
        if !trimmed.starts_with('+') || trimmed.len() > 32 {
            return Err(InvalidPhone);
        }
        let parsed = phonenumber::parse(None, trimmed).map_err(|_| InvalidPhone)?;
        if !phonenumber::is_valid(&parsed) {
            return Err(InvalidPhone);
        }
        Ok(Self(parsed.format().mode(Mode::E164).to_string()))
    }

    /// A number from the deployment's configuration (the operator's two-way number), already
    /// in E.164: checked for its form only (`+`, a non-zero digit, 7 to 15 digits in all). Not
    /// for input from clients or integrators: the full check loads libphonenumber's metadata,
    /// ~55 ms, which would make every cold start that reads the configuration that much
    /// slower (measured with `infra/bench-lambda.sh`: 2.2× → 20× hello-lambda).
    pub fn configured_e164(raw: &str) -> Result<Self, InvalidPhone> {
        let digits = raw.strip_prefix('+').ok_or(InvalidPhone)?;
        let well_formed = (7..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if well_formed {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidPhone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether an SMS to this number reaches a phone at no premium: a mobile number, or one
    /// whose country's numbering cannot tell mobiles from fixed lines (the US, Canada). A
    /// fixed line cannot receive it; premium-rate, shared-cost, toll-free, personal, VoIP,
    /// pager and company numbers are where SMS pumping sends traffic, at the sender's cost.
    pub fn receives_sms(&self) -> bool {
        use phonenumber::Type;
        let Ok(parsed) = phonenumber::parse(None, &self.0) else {
            return false;
        };
        matches!(
            parsed.number_type(&phonenumber::metadata::DATABASE),
            Type::Mobile | Type::FixedLineOrMobile
        )
    }

    /// The number's country (ISO 3166 alpha-2, `FR`), when its metadata names one (a
    /// non-geographic number has none).
    pub fn country(&self) -> Option<String> {
        let parsed = phonenumber::parse(None, &self.0).ok()?;
        let id = parsed.country().id()?;
        Some(AsRef::<str>::as_ref(&id).to_owned())
    }

    /// A form safe for logs: country prefix and last two digits.
    pub fn masked(&self) -> String {
        let digits: Vec<char> = self.0.chars().collect();
        let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
        let head: String = digits.iter().take(3).collect();
        format!("{head}…{tail}")
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = InvalidPhone;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_number_is_taken_in_e164_form_only() {
        assert_eq!(
            PhoneNumber::configured_e164("+33757990000")
                .unwrap()
                .as_str(),
            "+33757990000"
        );
        for raw in [
            "33757990000",
            "+33 7 57 99 00 00",
            "+0123456789",
            "+123456",
            "+1234567890123456",
            "Rappel",
            "",
        ] {
            assert_eq!(
                PhoneNumber::configured_e164(raw),
                Err(InvalidPhone),
                "{raw}"
            );
        }
    }

    #[test]
    fn an_international_number_is_normalised_to_e164() {
        assert_eq!(
            PhoneNumber::parse("+33 6 12 34 56 78").unwrap().as_str(),
            "+33612345678"
        );
        assert_eq!(
            PhoneNumber::parse("+1 (212) 555-0123").unwrap().as_str(),
            "+12125550123"
        );
    }

    #[test]
    fn national_forms_and_impossible_numbers_are_rejected() {
        for raw in [
            "0612345678",
            "+33 6",
            "+999 123",
            "phone",
            "",
            "+33612345678\n",
        ] {
            if raw.ends_with('\n') {
                // trailing whitespace is trimmed, the number itself is valid
                assert!(PhoneNumber::parse(raw).is_ok());
                continue;
            }
            assert!(
                PhoneNumber::parse(raw).is_err(),
                "{raw:?} should be rejected"
            );
        }
    }

    #[test]
    fn a_number_knows_its_country() {
        let country = |raw: &str| PhoneNumber::parse(raw).unwrap().country();
        assert_eq!(country("+33612345678").as_deref(), Some("FR"));
        assert_eq!(country("+32470123456").as_deref(), Some("BE"));
        assert_eq!(country("+447400123456").as_deref(), Some("GB"));
        assert_eq!(country("+262692123456").as_deref(), Some("RE"));
    }

    #[test]
    fn mobiles_receive_sms_and_fixed_premium_and_shared_cost_lines_do_not() {
        for mobile in ["+33612345678", "+447400123456", "+12125550123"] {
            assert!(
                PhoneNumber::parse(mobile).unwrap().receives_sms(),
                "{mobile}"
            );
        }
        // French fixed line, premium rate, shared cost and toll free; UK premium rate, VoIP.
        for other in [
            "+33123456789",
            "+33891123456",
            "+33884012345",
            "+33801234567",
            "+449012345678",
            "+445612345678",
        ] {
            assert!(
                !PhoneNumber::parse(other).unwrap().receives_sms(),
                "{other}"
            );
        }
    }
}
