//! The small HTML pages a client reaches from a link in a message: confirm a cancellation, the
//! cancellation done, contact the business to reschedule, unsubscribe, and every "this link
//! cannot be used" case — in the client's language, readable on a phone, no script, every value
//! escaped (minijinja with HTML auto-escaping).

use crate::model::Language;
use minijinja::{AutoEscape, Environment, context};
use serde::Serialize;

/// What a page says about the appointment it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppointmentSummary {
    pub business_name: String,
    pub type_name: String,
    pub staff_name: String,
    /// Long date and time, in the client's zone and language.
    pub date: String,
    pub time: String,
    pub time_zone: String,
}

/// Why a link cannot be used. Unknown, tampered and malformed links are one case, so a page
/// never tells whether something exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    NotValid,
    Expired,
    AlreadyCancelled,
    AlreadyStarted,
    /// Refused, completed, missed: nothing left to cancel or move.
    NoLongerOpen,
    /// Changed between the page and the button: reload.
    ChangedMeanwhile,
}

/// A page to send, with the words of its title (for tests and logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub title: String,
    pub html: String,
}

struct Words {
    confirm_title: &'static str,
    confirm_lead: &'static str,
    confirm_button: &'static str,
    cancelled_title: &'static str,
    cancelled_lead: &'static str,
    with: &'static str,
    at: &'static str,
    contact_title: &'static str,
    contact_lead: &'static str,
    unsubscribe_title: &'static str,
    unsubscribe_lead: &'static str,
    unsubscribe_button: &'static str,
    unsubscribed_title: &'static str,
    unsubscribed_lead: &'static str,
    attend_title: &'static str,
    attend_lead: &'static str,
    attend_button: &'static str,
    attending_title: &'static str,
    attending_lead: &'static str,
}

fn words(locale: Language) -> Words {
    match locale {
        Language::Fr => Words {
            confirm_title: "Annuler ce rendez-vous ?",
            confirm_lead: "Confirmez l'annulation de votre rendez-vous :",
            confirm_button: "Confirmer l'annulation",
            cancelled_title: "Rendez-vous annulé",
            cancelled_lead: "Votre rendez-vous est annulé. Vous allez recevoir une confirmation.",
            with: "avec",
            at: "à",
            contact_title: "Déplacer ce rendez-vous",
            contact_lead: "Pour changer la date de votre rendez-vous, contactez directement",
            unsubscribe_title: "Ne plus recevoir ces messages ?",
            unsubscribe_lead: "Vous ne recevrez plus de messages promotionnels de",
            unsubscribe_button: "Me désabonner",
            unsubscribed_title: "Désabonnement confirmé",
            unsubscribed_lead: "Vous ne recevrez plus de messages promotionnels de",
            attend_title: "Confirmer votre présence ?",
            attend_lead: "Confirmez que vous viendrez à votre rendez-vous :",
            attend_button: "Je confirme ma présence",
            attending_title: "Présence confirmée",
            attending_lead: "Merci ! Votre présence est confirmée :",
        },
        Language::En => Words {
            confirm_title: "Cancel this appointment?",
            confirm_lead: "Please confirm that you want to cancel:",
            confirm_button: "Confirm cancellation",
            cancelled_title: "Appointment cancelled",
            cancelled_lead: "Your appointment is cancelled. A confirmation is on its way.",
            with: "with",
            at: "at",
            contact_title: "Change this appointment",
            contact_lead: "To change the date of your appointment, please contact",
            unsubscribe_title: "Stop these messages?",
            unsubscribe_lead: "You will no longer receive promotional messages from",
            unsubscribe_button: "Unsubscribe",
            unsubscribed_title: "You are unsubscribed",
            unsubscribed_lead: "You will no longer receive promotional messages from",
            attend_title: "Confirm you are coming?",
            attend_lead: "Please confirm that you will come to your appointment:",
            attend_button: "I will be there",
            attending_title: "Attendance confirmed",
            attending_lead: "Thank you! Your attendance is confirmed:",
        },
    }
}

fn problem_words(problem: LinkProblem, locale: Language) -> (&'static str, &'static str) {
    use LinkProblem as P;
    match (problem, locale) {
        (P::NotValid, Language::Fr) => (
            "Lien non valide",
            "Ce lien n'est pas valide. Vérifiez qu'il est complet, ou contactez l'établissement.",
        ),
        (P::NotValid, Language::En) => (
            "Link not valid",
            "This link is not valid. Check that it is complete, or contact the business.",
        ),
        (P::Expired, Language::Fr) => (
            "Lien expiré",
            "Ce lien a expiré. Contactez l'établissement si besoin.",
        ),
        (P::Expired, Language::En) => (
            "Link expired",
            "This link has expired. Please contact the business if needed.",
        ),
        (P::AlreadyCancelled, Language::Fr) => ("Déjà annulé", "Ce rendez-vous est déjà annulé."),
        (P::AlreadyCancelled, Language::En) => (
            "Already cancelled",
            "This appointment is already cancelled.",
        ),
        (P::AlreadyStarted, Language::Fr) => (
            "Rendez-vous passé",
            "Ce rendez-vous a déjà commencé ou est passé : il ne peut plus être modifié en ligne.",
        ),
        (P::AlreadyStarted, Language::En) => (
            "Appointment in the past",
            "This appointment has already started or is over: it can no longer be changed online.",
        ),
        (P::NoLongerOpen, Language::Fr) => (
            "Plus modifiable",
            "Ce rendez-vous ne peut plus être modifié en ligne.",
        ),
        (P::NoLongerOpen, Language::En) => (
            "No longer open",
            "This appointment can no longer be changed online.",
        ),
        (P::ChangedMeanwhile, Language::Fr) => (
            "Rendez-vous modifié entre-temps",
            "Ce rendez-vous a changé entre-temps. Rouvrez le lien pour voir ses nouveaux détails.",
        ),
        (P::ChangedMeanwhile, Language::En) => (
            "Changed in the meantime",
            "This appointment changed in the meantime. Open the link again to see its new details.",
        ),
    }
}

const LAYOUT: &str = r#"<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{ title }}</title>
<style>
body{margin:0;font-family:-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f4f5f7;color:#1f2328;line-height:1.5}
main{max-width:30rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.4rem;margin:0 0 1rem}
.what{background:#f4f5f7;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}
.what strong{display:block}
button{display:block;width:100%;padding:.9rem;border:0;border-radius:8px;background:#b42318;color:#fff;font-size:1rem;font-weight:600;cursor:pointer}
button.neutral{background:#1d4ed8}
.muted{color:#59636e;font-size:.9rem}
@media (max-width:30rem){main{margin:0;border-radius:0;min-height:100vh}}
</style>
</head>
<body><main>
<h1>{{ title }}</h1>
{% if lead %}<p>{{ lead }}{% if business %} <strong>{{ business }}</strong>.{% endif %}</p>{% endif %}
{% if a %}<div class="what"><strong>{{ a.type_name }} {{ w.with }} {{ a.staff_name }}</strong>{{ a.date }} {{ w.at }} {{ a.time }} <span class="muted">({{ a.time_zone }})</span><br><span class="muted">{{ a.business_name }}</span></div>{% endif %}
{% if button %}<form method="post">{% if one_click %}<input type="hidden" name="List-Unsubscribe" value="One-Click">{% endif %}<button type="submit"{% if neutral %} class="neutral"{% endif %}>{{ button }}</button></form>{% endif %}
</main></body>
</html>
"#;

fn render(locale: Language, values: minijinja::Value) -> Page {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    let title = values
        .get_attr("title")
        .ok()
        .and_then(|t| t.as_str().map(str::to_owned))
        .unwrap_or_default();
    let html = env
        .render_str(LAYOUT, context! { lang => locale.code(), ..values })
        .unwrap_or_else(|e| format!("<!DOCTYPE html><title>Rappel</title><p>{}</p>", e.kind()));
    Page { title, html }
}

pub fn cancel_confirm_page(locale: Language, a: &AppointmentSummary) -> Page {
    let w = words(locale);
    render(
        locale,
        context! { title => w.confirm_title, lead => w.confirm_lead, a, button => w.confirm_button, w => context! { with => w.with, at => w.at } },
    )
}

pub fn cancelled_page(locale: Language, a: &AppointmentSummary) -> Page {
    let w = words(locale);
    render(
        locale,
        context! { title => w.cancelled_title, lead => w.cancelled_lead, a, w => context! { with => w.with, at => w.at } },
    )
}

/// The confirm link's page: the appointment and a button (a mail scanner following the link
/// confirms nothing).
pub fn attendance_confirm_page(locale: Language, a: &AppointmentSummary) -> Page {
    let w = words(locale);
    render(
        locale,
        context! { title => w.attend_title, lead => w.attend_lead, a, button => w.attend_button, neutral => true, w => context! { with => w.with, at => w.at } },
    )
}

pub fn attendance_confirmed_page(locale: Language, a: &AppointmentSummary) -> Page {
    let w = words(locale);
    render(
        locale,
        context! { title => w.attending_title, lead => w.attending_lead, a, w => context! { with => w.with, at => w.at } },
    )
}

pub fn reschedule_contact_page(locale: Language, a: &AppointmentSummary) -> Page {
    let w = words(locale);
    render(
        locale,
        context! { title => w.contact_title, lead => w.contact_lead, business => a.business_name, a, w => context! { with => w.with, at => w.at } },
    )
}

pub fn unsubscribe_confirm_page(locale: Language, business_name: &str) -> Page {
    let w = words(locale);
    render(
        locale,
        context! { title => w.unsubscribe_title, lead => w.unsubscribe_lead, business => business_name, button => w.unsubscribe_button, one_click => true, neutral => true },
    )
}

pub fn unsubscribed_page(locale: Language, business_name: &str) -> Page {
    let w = words(locale);
    render(
        locale,
        context! { title => w.unsubscribed_title, lead => w.unsubscribed_lead, business => business_name },
    )
}

pub fn problem_page(locale: Language, problem: LinkProblem) -> Page {
    let (title, lead) = problem_words(problem, locale);
    render(locale, context! { title, lead })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(staff: &str) -> AppointmentSummary {
        AppointmentSummary {
            business_name: "Salon <Léa>".into(),
            type_name: "Coupe".into(),
            staff_name: staff.into(),
            date: "vendredi 27 mars 2026".into(),
            time: "10:00".into(),
            time_zone: "heure de Paris".into(),
        }
    }

    #[test]
    fn the_confirmation_page_shows_the_appointment_and_a_post_button_only() {
        let page = cancel_confirm_page(Language::Fr, &summary("Sam"));
        assert_eq!(page.title, "Annuler ce rendez-vous ?");
        assert!(page.html.contains("<form method=\"post\">"));
        assert!(
            page.html.contains("Confirmer l&#x27;annulation")
                || page.html.contains("Confirmer l'annulation")
        );
        assert!(page.html.contains("vendredi 27 mars 2026 à 10:00"));
        assert!(page.html.contains("width=device-width"));
        assert!(!page.html.contains("<script"));
    }

    #[test]
    fn names_are_escaped() {
        let page = cancel_confirm_page(Language::En, &summary("<img src=x onerror=alert(1)>"));
        assert!(!page.html.contains("<img src=x"));
        assert!(page.html.contains("&lt;img src=x"));
        assert!(page.html.contains("Salon &lt;Léa&gt;"));
    }

    #[test]
    fn an_invalid_link_page_says_nothing_about_what_exists() {
        let page = problem_page(Language::En, LinkProblem::NotValid);
        assert_eq!(page.title, "Link not valid");
        assert!(!page.html.contains("<form"));
    }
}
