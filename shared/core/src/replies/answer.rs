//! What Rappel texts back to a reply, in the client's language: what the reply did (or why
//! it did nothing), short enough for one SMS part where the names allow.

use crate::model::Language;

/// An answer to a reply. Names and times come formatted for the client (their language,
/// the business's time zone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyAnswer {
    Confirmed {
        business: String,
        starts: String,
    },
    Cancelled {
        business: String,
        starts: String,
    },
    /// More than one appointment waits for an answer: the reply cannot say which.
    WhichOne {
        choices: Vec<String>,
    },
    /// A confirm or a cancel with nothing waiting for it (not asked, lapsed, cancelled).
    NothingToAnswer,
    Stopped {
        business: String,
    },
    Started {
        business: String,
    },
    Help {
        business: String,
        contact: Option<String>,
    },
}

impl ReplyAnswer {
    pub fn text(&self, language: Language) -> String {
        match (self, language) {
            (Self::Confirmed { business, starts }, Language::Fr) => {
                format!("Merci ! Votre rendez-vous du {starts} chez {business} est confirmé.")
            }
            (Self::Confirmed { business, starts }, Language::En) => {
                format!("Thank you! Your appointment on {starts} at {business} is confirmed.")
            }
            (Self::Cancelled { business, starts }, Language::Fr) => {
                format!("Votre rendez-vous du {starts} chez {business} est annulé.")
            }
            (Self::Cancelled { business, starts }, Language::En) => {
                format!("Your appointment on {starts} at {business} is cancelled.")
            }
            (Self::WhichOne { choices }, Language::Fr) => format!(
                "Plusieurs rendez-vous attendent votre réponse ({}) : rien n'a été changé. \
                 Utilisez le lien de chaque rappel ou contactez l'établissement.",
                choices.join(" ; ")
            ),
            (Self::WhichOne { choices }, Language::En) => format!(
                "Several appointments wait for your answer ({}): nothing was changed. \
                 Use the link in each reminder or contact the business.",
                choices.join("; ")
            ),
            (Self::NothingToAnswer, Language::Fr) => {
                "Aucun rendez-vous n'attend de réponse de votre part : rien n'a été changé."
                    .to_owned()
            }
            (Self::NothingToAnswer, Language::En) => {
                "No appointment is waiting for your answer: nothing was changed.".to_owned()
            }
            (Self::Stopped { business }, Language::Fr) => format!(
                "Vous ne recevrez plus de SMS de {business}. Répondez START pour les recevoir à nouveau."
            ),
            (Self::Stopped { business }, Language::En) => format!(
                "You will no longer receive texts from {business}. Reply START to receive them again."
            ),
            (Self::Started { business }, Language::Fr) => format!(
                "Vous recevrez à nouveau les SMS de {business}. Répondez STOP pour les arrêter."
            ),
            (Self::Started { business }, Language::En) => {
                format!("You will receive texts from {business} again. Reply STOP to stop them.")
            }
            (Self::Help { business, contact }, Language::Fr) => format!(
                "{business} : rappels de rendez-vous.{} Répondez OUI pour confirmer, ANNULER pour annuler, STOP pour ne plus recevoir de SMS.",
                contact
                    .as_ref()
                    .map(|c| format!(" Contact : {c}."))
                    .unwrap_or_default()
            ),
            (Self::Help { business, contact }, Language::En) => format!(
                "{business}: appointment reminders.{} Reply YES to confirm, CANCEL to cancel, STOP to receive no more texts.",
                contact
                    .as_ref()
                    .map(|c| format!(" Contact: {c}."))
                    .unwrap_or_default()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_answer_names_what_happened_in_the_clients_language() {
        let stopped = ReplyAnswer::Stopped {
            business: "Salon Léa".into(),
        };
        assert!(stopped.text(Language::Fr).contains("Salon Léa"));
        assert!(stopped.text(Language::Fr).contains("START"));
        assert!(stopped.text(Language::En).starts_with("You will no longer"));
        let help = ReplyAnswer::Help {
            business: "Salon Léa".into(),
            contact: Some("accueil@salon-lea.fr".into()),
        };
        assert!(
            help.text(Language::Fr)
                .contains("Contact : accueil@salon-lea.fr")
        );
        let which = ReplyAnswer::WhichOne {
            choices: vec!["jeu. 26 mars 10:00".into(), "ven. 27 mars 15:00".into()],
        };
        let text = which.text(Language::Fr);
        assert!(
            text.contains("jeu. 26 mars 10:00 ; ven. 27 mars 15:00"),
            "{text}"
        );
        assert!(text.contains("rien n'a été changé"), "{text}");
    }
}
