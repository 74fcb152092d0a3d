//! Amounts of money: whole minor units of an ISO 4217 currency (cents, or yen: never a float),
//! written for the reader's language. Currency data (minor-unit exponent, symbol) comes from
//! `iso_currency`; digits, grouping and the decimal separator from ICU4X's `icu_decimal` (CLDR
//! data compiled in). Where the symbol goes is the language's: after the number in French
//! (`1 234,56 €`), before it in English (`€1,234.56`).

use super::{Language, Locale};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency that has minor units defined (not a fund, metal or test code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(iso_currency::Currency);

crate::schema::string_schema!(
    Currency,
    "An ISO 4217 currency code (any case; answered upper-case).",
    "EUR",
    None,
    Some(3)
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("currency must be an ISO 4217 code such as \"EUR\", \"USD\" or \"JPY\" (got {0:?})")]
pub struct InvalidCurrency(pub String);

impl Currency {
    /// Accepts the three-letter code, in any case.
    pub fn parse(raw: &str) -> Result<Self, InvalidCurrency> {
        let code = raw.trim().to_ascii_uppercase();
        iso_currency::Currency::from_code(&code)
            .filter(|c| c.exponent().is_some() && !c.is_fund() && !c.is_special())
            .map(Self)
            .ok_or_else(|| InvalidCurrency(raw.to_owned()))
    }

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal separator (2 for EUR, 0 for JPY, 3 for KWD).
    pub fn exponent(self) -> u16 {
        self.0.exponent().unwrap_or(0)
    }

    pub fn symbol(self) -> String {
        self.0.symbol().symbol
    }
}

impl TryFrom<String> for Currency {
    type Error = InvalidCurrency;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount in minor units of its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Money {
    pub minor_units: i64,
    pub currency: Currency,
}

impl Money {
    /// As the reader expects it: `1 234,56 €` in French, `€1,234.56` in English, `¥1,235` for
    /// yen (no minor units).
    pub fn format(&self, locale: Locale) -> String {
        let mut value = Decimal::from(self.minor_units);
        value.multiply_pow10(-i16::try_from(self.currency.exponent()).unwrap_or(0));
        let number = match formatter(locale) {
            Some(f) => f.format(&value).to_string(),
            // Compiled data covers both languages; plain digits rather than nothing otherwise.
            None => value.to_string(),
        };
        let symbol = self.currency.symbol();
        // A symbol made of letters ("CHF") needs a space on either side of the number.
        let spaced = symbol.chars().any(char::is_alphabetic);
        match locale.templates() {
            Language::Fr => format!("{number}\u{a0}{symbol}"),
            Language::En if spaced => format!("{symbol}\u{a0}{number}"),
            Language::En => match number.strip_prefix('-') {
                Some(positive) => format!("-{symbol}{positive}"),
                None => format!("{symbol}{number}"),
            },
        }
    }
}

fn formatter(locale: Locale) -> Option<DecimalFormatter> {
    let id = locale.identifier();
    DecimalFormatter::try_new((&id).into(), Default::default()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor_units: i64, code: &str) -> Money {
        Money {
            minor_units,
            currency: Currency::parse(code).unwrap(),
        }
    }

    /// Spaces shown as plain spaces, to compare with what a reader sees.
    fn seen(text: String) -> String {
        text.replace(['\u{a0}', '\u{202f}'], " ")
    }

    #[test]
    fn euros_are_written_the_french_and_the_english_way() {
        assert_eq!(seen(money(123_456, "EUR").format(Locale::FR)), "1 234,56 €");
        assert_eq!(money(123_456, "EUR").format(Locale::EN), "€1,234.56");
    }

    #[test]
    fn dollars_keep_their_cents_even_when_round() {
        assert_eq!(money(5_000, "USD").format(Locale::EN), "$50.00");
        assert_eq!(seen(money(5_000, "USD").format(Locale::FR)), "50,00 $");
        assert_eq!(
            money(123_456_789, "USD").format(Locale::EN),
            "$1,234,567.89"
        );
    }

    #[test]
    fn yen_have_no_minor_units() {
        assert_eq!(money(1_235, "JPY").format(Locale::EN), "¥1,235");
        assert_eq!(seen(money(1_235, "JPY").format(Locale::FR)), "1 235 ¥");
    }

    #[test]
    fn a_three_decimal_currency_shows_three_decimals() {
        assert!(money(1_500, "KWD").format(Locale::EN).ends_with("1.500"));
    }

    #[test]
    fn a_letter_symbol_is_set_apart_from_the_number() {
        assert_eq!(seen(money(1_500, "XOF").format(Locale::EN)), "CFA 1,500");
        assert_eq!(seen(money(1_500, "XOF").format(Locale::FR)), "1 500 CFA");
        assert_eq!(seen(money(9_990, "SEK").format(Locale::EN)), "kr 99.90");
    }

    #[test]
    fn a_currency_is_an_iso_code_with_minor_units() {
        assert_eq!(Currency::parse("eur").unwrap().code(), "EUR");
        assert_eq!(Currency::parse("JPY").unwrap().exponent(), 0);
        for bad in ["", "EURO", "XXX", "XAU", "€", "ZZZ"] {
            assert!(Currency::parse(bad).is_err(), "{bad}");
        }
    }
}
