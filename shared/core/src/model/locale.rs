//! A recipient's locale: a BCP 47 tag ("fr", "en-US", "fr_CA"), of which Rappel keeps the
//! language and the region. The language picks the templates — and when Rappel has none in that
//! language, the business's default locale is used instead ([`Locale::or`]); the region picks
//! how dates and times are written (`3:30 PM` in the United States, `15:30` in Britain).

use super::Language;
use icu_locale_core::LanguageIdentifier;
use icu_locale_core::subtags::{Language as LanguageSubtag, Region, language, region};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a BCP 47 language tag (e.g. \"fr\", \"en-US\")")]
pub struct InvalidLocale(pub String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Rappel has no templates in {0:?}: use a French or English locale (\"fr\", \"en-US\")")]
pub struct UnsupportedLocale(pub String);

/// How a clock time is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HourCycle {
    /// `15:30`
    H23,
    /// `3:30 PM`
    H12,
}

/// In which order a long date is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// `lundi 30 mars 2026`, `Monday 30 March 2026`
    DayMonth,
    /// `Monday, March 30, 2026`
    MonthDay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Locale {
    language: LanguageSubtag,
    region: Option<Region>,
}

crate::schema::string_schema!(
    Locale,
    "A BCP 47 language tag (language and optional region; '_' is read as '-').",
    "fr-FR"
);

/// English-speaking regions whose preferred clock is 12-hour, and those of them that write the
/// month before the day in a long date (CLDR `timeData` and the `en-*` long date patterns).
const TWELVE_HOUR_REGIONS: [Region; 6] = [
    region!("US"),
    region!("CA"),
    region!("AU"),
    region!("NZ"),
    region!("PH"),
    region!("IN"),
];
const MONTH_FIRST_REGIONS: [Region; 3] = [region!("US"), region!("CA"), region!("PH")];

impl Locale {
    pub const FR: Locale = Locale {
        language: language!("fr"),
        region: None,
    };
    pub const EN: Locale = Locale {
        language: language!("en"),
        region: None,
    };
    pub const EN_US: Locale = Locale {
        language: language!("en"),
        region: Some(region!("US")),
    };

    /// Any well-formed BCP 47 tag; `_` is read as `-`. Script, variants and extensions are
    /// dropped: nothing Rappel writes depends on them.
    pub fn parse(raw: &str) -> Result<Self, InvalidLocale> {
        let tag = raw.trim().replace('_', "-");
        let id =
            LanguageIdentifier::try_from_str(&tag).map_err(|_| InvalidLocale(raw.to_owned()))?;
        if id.language.is_unknown() {
            return Err(InvalidLocale(raw.to_owned()));
        }
        Ok(Self {
            language: id.language,
            region: id.region,
        })
    }

    /// A locale whose language Rappel has templates for (a business's default).
    pub fn parse_supported(raw: &str) -> Result<Self, UnsupportedLocale> {
        match Self::parse(raw) {
            Ok(locale) if locale.language().is_some() => Ok(locale),
            _ => Err(UnsupportedLocale(raw.to_owned())),
        }
    }

    /// The template language, if Rappel has templates in it.
    pub fn language(self) -> Option<Language> {
        Language::parse(self.language.as_str()).ok()
    }

    /// This locale if Rappel writes its language, else `default` (the business's).
    pub fn or(self, default: Locale) -> Locale {
        if self.language().is_some() {
            self
        } else {
            default
        }
    }

    /// The template language of this locale, French if Rappel has none in it (callers resolve
    /// with [`Locale::or`] first; this is the last resort for a business default).
    pub fn templates(self) -> Language {
        self.language().unwrap_or(Language::Fr)
    }

    pub fn hour_cycle(self) -> HourCycle {
        match (self.templates(), self.region) {
            (Language::En, Some(r)) if TWELVE_HOUR_REGIONS.contains(&r) => HourCycle::H12,
            _ => HourCycle::H23,
        }
    }

    pub fn date_order(self) -> DateOrder {
        match (self.templates(), self.region) {
            (Language::En, Some(r)) if MONTH_FIRST_REGIONS.contains(&r) => DateOrder::MonthDay,
            _ => DateOrder::DayMonth,
        }
    }

    /// The chrono locale for day and month names (and AM/PM): the region's own when chrono
    /// knows it, else the language's usual one.
    pub fn chrono_locale(self) -> chrono::Locale {
        let fallback = match self.templates() {
            Language::Fr => chrono::Locale::fr_FR,
            Language::En => chrono::Locale::en_GB,
        };
        match self.region {
            Some(region) => chrono::Locale::try_from(
                format!("{}_{}", self.templates().code(), region.as_str()).as_str(),
            )
            .unwrap_or(fallback),
            None => fallback,
        }
    }

    /// For ICU formatters (numbers): language and region.
    pub fn identifier(self) -> LanguageIdentifier {
        let mut id = LanguageIdentifier::UNKNOWN;
        id.language = self.language;
        id.region = self.region;
        id
    }

    /// The canonical tag, e.g. `en-US`.
    pub fn tag(self) -> String {
        match self.region {
            Some(region) => format!("{}-{}", self.language.as_str(), region.as_str()),
            None => self.language.as_str().to_owned(),
        }
    }
}

impl From<Language> for Locale {
    fn from(language: Language) -> Self {
        match language {
            Language::Fr => Locale::FR,
            Language::En => Locale::EN,
        }
    }
}

impl TryFrom<String> for Locale {
    type Error = InvalidLocale;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Locale> for String {
    fn from(l: Locale) -> String {
        l.tag()
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.tag())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_well_formed_tag_is_kept_with_its_language_and_region() {
        assert_eq!(Locale::parse("fr").unwrap(), Locale::FR);
        assert_eq!(Locale::parse("en_us").unwrap().tag(), "en-US");
        assert_eq!(Locale::parse("EN-gb").unwrap().tag(), "en-GB");
        assert_eq!(Locale::parse("de-DE").unwrap().tag(), "de-DE");
        assert_eq!(Locale::parse("zh-Hant-TW").unwrap().tag(), "zh-TW");
        for bad in ["", "x", "en-", "english please", "und", "12"] {
            assert!(Locale::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_language_without_templates_falls_back_to_the_business_default() {
        let german = Locale::parse("de-DE").unwrap();
        assert_eq!(german.language(), None);
        assert_eq!(german.or(Locale::EN_US), Locale::EN_US);
        assert_eq!(Locale::FR.or(Locale::EN_US), Locale::FR);
        assert!(Locale::parse_supported("de").is_err());
        assert_eq!(Locale::parse_supported("fr-CA").unwrap().tag(), "fr-CA");
    }

    #[test]
    fn americans_read_a_twelve_hour_clock_and_the_month_first() {
        assert_eq!(Locale::EN_US.hour_cycle(), HourCycle::H12);
        assert_eq!(Locale::EN_US.date_order(), DateOrder::MonthDay);
        let british = Locale::parse("en-GB").unwrap();
        assert_eq!(british.hour_cycle(), HourCycle::H23);
        assert_eq!(british.date_order(), DateOrder::DayMonth);
        assert_eq!(Locale::EN.hour_cycle(), HourCycle::H23);
        assert_eq!(Locale::parse("fr-CA").unwrap().hour_cycle(), HourCycle::H23);
        assert_eq!(
            Locale::parse("en-AU").unwrap().date_order(),
            DateOrder::DayMonth
        );
    }

    #[test]
    fn stored_tags_of_earlier_versions_still_read() {
        let fr: Locale = serde_json::from_str("\"fr\"").unwrap();
        let en: Locale = serde_json::from_str("\"en\"").unwrap();
        assert_eq!((fr, en), (Locale::FR, Locale::EN));
        assert_eq!(serde_json::to_string(&Locale::EN_US).unwrap(), "\"en-US\"");
    }
}
