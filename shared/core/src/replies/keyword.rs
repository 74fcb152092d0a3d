//! A reply's keyword. The whole reply is the keyword or it is none: "OUI" confirms, "oui
//! merci, à demain" is a message for the business (it goes to its inbound messages). Read in
//! French and English, whatever the case, accents, surrounding spaces and closing punctuation
//! ("Oui !", "arrêt", "STOP."). A "non" cancels nothing: cancelling is only ever asked for by
//! name (ANNULER, CANCEL); anything else reaches the business, which decides.

/// What a reply asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplyKeyword {
    /// Attends the appointment the latest request was about.
    Confirm,
    /// Cancels it (the same command as the link and the API).
    Cancel,
    /// No more SMS from this business to this number.
    Stop,
    /// SMS from this business again, after a stop.
    Start,
    /// The business's name and how to reach it.
    Help,
}

/// Each keyword's words, folded (upper case, no accents, no spaces).
const WORDS: &[(ReplyKeyword, &[&str])] = &[
    (
        ReplyKeyword::Confirm,
        &[
            "OUI",
            "O",
            "YES",
            "Y",
            "C",
            "CONFIRMER",
            "CONFIRME",
            "CONFIRM",
            "OK",
        ],
    ),
    (
        ReplyKeyword::Cancel,
        &["ANNULER", "ANNULE", "ANNULATION", "CANCEL"],
    ),
    (
        ReplyKeyword::Stop,
        &[
            "STOP",
            "ARRET",
            "ARRETER",
            "STOPSMS",
            "UNSUBSCRIBE",
            "DESABONNER",
            "DESINSCRIRE",
            "END",
            "QUIT",
        ],
    ),
    (
        ReplyKeyword::Start,
        &["START", "UNSTOP", "REPRENDRE", "RESUME", "ABONNER"],
    ),
    (ReplyKeyword::Help, &["AIDE", "HELP", "INFO"]),
];

impl ReplyKeyword {
    /// The keyword a whole reply is, if it is one.
    pub fn parse(reply: &str) -> Option<Self> {
        let folded = fold(reply);
        if folded.is_empty() {
            return None;
        }
        WORDS
            .iter()
            .find(|(_, words)| words.contains(&folded.as_str()))
            .map(|(keyword, _)| *keyword)
    }
}

/// Upper case, accents dropped, surrounding spaces and closing punctuation gone (the spaces
/// inside a sentence stay: a sentence is no keyword).
fn fold(reply: &str) -> String {
    reply
        .trim()
        .trim_end_matches(|c: char| c.is_whitespace() || ".!?,;:".contains(c))
        .chars()
        .flat_map(char::to_uppercase)
        .map(without_accent)
        .collect()
}

/// The letter without its accent (French and the common Latin-1 ones).
fn without_accent(c: char) -> char {
    match c {
        'À' | 'Â' | 'Ä' | 'Á' | 'Ã' => 'A',
        'Ç' => 'C',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'Î' | 'Ï' | 'Í' | 'Ì' => 'I',
        'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => 'O',
        'Û' | 'Ü' | 'Ú' | 'Ù' => 'U',
        'Ÿ' => 'Y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_english_keywords_are_read_whatever_the_case_accents_and_punctuation() {
        for (reply, keyword) in [
            ("OUI", ReplyKeyword::Confirm),
            ("oui", ReplyKeyword::Confirm),
            ("  Oui !  ", ReplyKeyword::Confirm),
            ("yes", ReplyKeyword::Confirm),
            ("C", ReplyKeyword::Confirm),
            ("Confirmer.", ReplyKeyword::Confirm),
            ("ANNULER", ReplyKeyword::Cancel),
            ("annulé", ReplyKeyword::Cancel),
            ("Cancel", ReplyKeyword::Cancel),
            ("STOP", ReplyKeyword::Stop),
            ("arrêt", ReplyKeyword::Stop),
            ("Arrêter", ReplyKeyword::Stop),
            ("unsubscribe", ReplyKeyword::Stop),
            ("START", ReplyKeyword::Start),
            ("aide", ReplyKeyword::Help),
            ("HELP?", ReplyKeyword::Help),
        ] {
            assert_eq!(ReplyKeyword::parse(reply), Some(keyword), "{reply:?}");
        }
    }

    #[test]
    fn a_sentence_or_anything_else_is_a_message_for_the_business() {
        for reply in [
            "",
            "   ",
            "oui merci, à demain",
            "Je serai en retard de 10 minutes",
            "stop the music",
            "O-U-I",
            "ouii",
            "non",
            "👍",
        ] {
            assert_eq!(ReplyKeyword::parse(reply), None, "{reply:?}");
        }
    }
}
