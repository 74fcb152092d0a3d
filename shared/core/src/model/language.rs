//! The languages Rappel ships templates for. A recipient's [`Locale`](super::Locale) picks one
//! of them (or falls back to the business's); templates are stored and looked up per language.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language {0:?}: use \"fr\" or \"en\"")]
pub struct UnsupportedLanguage(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Language {
    Fr,
    En,
}

crate::schema::string_schema!(
    Language,
    "A language Rappel has templates in: fr or en (a tag such as fr-FR is read as its language).",
    "fr"
);

impl Language {
    pub const ALL: [Language; 2] = [Language::Fr, Language::En];

    /// Accepts a language tag ("fr", "fr-FR", "en_GB", "EN"): only the language part counts.
    pub fn parse(raw: &str) -> Result<Self, UnsupportedLanguage> {
        let language = raw.trim().split(['-', '_']).next().unwrap_or_default();
        match language.to_ascii_lowercase().as_str() {
            "fr" => Ok(Language::Fr),
            "en" => Ok(Language::En),
            _ => Err(UnsupportedLanguage(raw.to_owned())),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
        }
    }
}

impl TryFrom<String> for Language {
    type Error = UnsupportedLanguage;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Language> for String {
    fn from(l: Language) -> String {
        l.code().to_owned()
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_tags_map_to_their_language() {
        assert_eq!(Language::parse("fr-CA"), Ok(Language::Fr));
        assert_eq!(Language::parse("EN_us"), Ok(Language::En));
        assert!(Language::parse("de").is_err());
    }
}
