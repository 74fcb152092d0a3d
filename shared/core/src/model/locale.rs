//! The languages Rappel ships templates for. A recipient's locale picks the template and the way
//! dates and times are written.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported locale {0:?}: use \"fr\" or \"en\"")]
pub struct UnsupportedLocale(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Locale {
    Fr,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Fr, Locale::En];

    /// Accepts a language tag ("fr", "fr-FR", "en_GB", "EN"): only the language part counts.
    pub fn parse(raw: &str) -> Result<Self, UnsupportedLocale> {
        let language = raw.trim().split(['-', '_']).next().unwrap_or_default();
        match language.to_ascii_lowercase().as_str() {
            "fr" => Ok(Locale::Fr),
            "en" => Ok(Locale::En),
            _ => Err(UnsupportedLocale(raw.to_owned())),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }

    /// The chrono locale used to write day and month names.
    pub fn chrono_locale(self) -> chrono::Locale {
        match self {
            Locale::Fr => chrono::Locale::fr_FR,
            Locale::En => chrono::Locale::en_GB,
        }
    }
}

impl TryFrom<String> for Locale {
    type Error = UnsupportedLocale;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Locale> for String {
    fn from(l: Locale) -> String {
        l.code().to_owned()
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_tags_map_to_their_language() {
        assert_eq!(Locale::parse("fr-CA"), Ok(Locale::Fr));
        assert_eq!(Locale::parse("EN_us"), Ok(Locale::En));
        assert!(Locale::parse("de").is_err());
    }
}
