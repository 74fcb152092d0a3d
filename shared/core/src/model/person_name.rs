//! Display name of a person or business: free text, but never empty, never multi-line and never
//! carrying control characters (which could inject e-mail headers or break SMS).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidName {
    #[error("name must not be empty")]
    Empty,
    #[error("name must be at most 200 characters")]
    TooLong,
    #[error("name must not contain line breaks or control characters")]
    ControlCharacter,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

crate::schema::string_schema!(
    DisplayName,
    "A name as people read it: 1 to 200 characters, trimmed, no control characters.",
    "Ana Martin",
    None,
    Some(200)
);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, InvalidName> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(InvalidName::Empty);
        }
        if trimmed.chars().count() > 200 {
            return Err(InvalidName::TooLong);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(InvalidName::ControlCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DisplayName {
    type Error = InvalidName;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<DisplayName> for String {
    fn from(n: DisplayName) -> String {
        n.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_accents_and_markup_characters_but_not_line_breaks() {
        assert_eq!(DisplayName::parse(" Zoé <b> ").unwrap().as_str(), "Zoé <b>");
        assert_eq!(
            DisplayName::parse("a\r\nBcc: x"),
            Err(InvalidName::ControlCharacter)
        );
        assert_eq!(DisplayName::parse("  "), Err(InvalidName::Empty));
    }
}
