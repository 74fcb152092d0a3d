//! Default texts, in French and English, for every message kind. Each kind has a subject and a
//! lead sentence; the e-mail (text and HTML) and SMS layouts wrap the lead. Users override any
//! of them per kind, channel, locale and appointment type.

use super::TemplateBody;
use crate::message::{Channel, MessageKind, SubjectKind};
use crate::model::Language;

/// (subject, lead) for one kind in one language, on one channel: an SMS says the same in
/// the GSM alphabet where the e-mail's wording is not (ô, ê, ç, À, a dash would make the whole
/// SMS UCS-2, 70 characters a part instead of 160, two or three times the price).
fn phrases_for(
    kind: MessageKind,
    channel: Channel,
    locale: Language,
) -> (&'static str, &'static str) {
    let (subject, lead) = phrases(kind, locale);
    match (channel, gsm_lead(kind, locale)) {
        (Channel::Sms, Some(gsm)) => (subject, gsm),
        _ => (subject, lead),
    }
}

/// The SMS lead of the kinds whose e-mail lead is outside the GSM alphabet.
fn gsm_lead(kind: MessageKind, locale: Language) -> Option<&'static str> {
    use MessageKind as K;
    match (kind, locale) {
        (K::RequestReceived, Language::Fr) => Some(
            "Votre demande de rendez-vous {{ type_name }} pour le {{ date }} à {{ time }} est bien arrivée. Elle est en attente de confirmation.",
        ),
        (K::RequestRefused, Language::Fr) => Some(
            "Nous sommes désolés : nous ne pouvons pas accepter votre demande de rendez-vous {{ type_name }} du {{ date }} à {{ time }}.",
        ),
        (K::Completed, Language::Fr) => Some(
            "Merci de votre visite pour votre rendez-vous {{ type_name }} du {{ date }}. Au plaisir de vous revoir !",
        ),
        (K::FollowUp, Language::Fr) => Some(
            "Merci pour votre rendez-vous {{ type_name }} du {{ date }}. Nous serions ravis de vous revoir.",
        ),
        (K::EarlierSlot, Language::Fr) => Some(
            "Un créneau s'est libéré avant votre rendez-vous : {{ type_name }} avec {{ staff_name }} le {{ date }} à {{ time }}{% if current_date %}, au lieu du {{ current_date }} à {{ current_time }}{% endif %}. Votre rendez-vous actuel reste réservé tant que vous ne le changez pas.",
        ),
        (K::Reengagement, Language::Fr) => Some(
            "Cela fait {{ days_since_visit }} jours que nous ne vous avons pas vu(e) : votre dernière visite date du {{ last_visit_date }}. Nous serions ravis de vous revoir.",
        ),
        _ => None,
    }
}

/// (subject, lead) for one kind in one language.
fn phrases(kind: MessageKind, locale: Language) -> (&'static str, &'static str) {
    use MessageKind as K;
    match (kind, locale) {
        (K::Confirmation, Language::Fr) => (
            "Rendez-vous confirmé le {{ date }} à {{ time }}",
            "Votre rendez-vous {{ type_name }} avec {{ staff_name }} est confirmé pour le {{ date }} à {{ time }}.",
        ),
        (K::Confirmation, Language::En) => (
            "Appointment confirmed on {{ date }} at {{ time }}",
            "Your {{ type_name }} appointment with {{ staff_name }} is confirmed for {{ date }} at {{ time }}.",
        ),
        (K::RequestReceived, Language::Fr) => (
            "Demande de rendez-vous reçue",
            "Nous avons bien reçu votre demande de rendez-vous {{ type_name }} pour le {{ date }} à {{ time }}. Elle est en attente de confirmation.",
        ),
        (K::RequestReceived, Language::En) => (
            "We received your appointment request",
            "We have received your request for a {{ type_name }} appointment on {{ date }} at {{ time }}. It is awaiting confirmation.",
        ),
        (K::RequestAccepted, Language::Fr) => (
            "Votre rendez-vous est confirmé",
            "Bonne nouvelle : votre rendez-vous {{ type_name }} du {{ date }} à {{ time }} avec {{ staff_name }} est confirmé.",
        ),
        (K::RequestAccepted, Language::En) => (
            "Your appointment is confirmed",
            "Good news: your {{ type_name }} appointment on {{ date }} at {{ time }} with {{ staff_name }} is confirmed.",
        ),
        (K::RequestRefused, Language::Fr) => (
            "Votre demande de rendez-vous n'a pas pu être acceptée",
            "Nous sommes désolés : votre demande de rendez-vous {{ type_name }} du {{ date }} à {{ time }} n'a pas pu être acceptée.",
        ),
        (K::RequestRefused, Language::En) => (
            "Your appointment request could not be accepted",
            "We are sorry: your request for a {{ type_name }} appointment on {{ date }} at {{ time }} could not be accepted.",
        ),
        (K::AwaitingPayment, Language::Fr) => (
            "Confirmez votre rendez-vous par le paiement",
            "Votre rendez-vous {{ type_name }} du {{ date }} à {{ time }} sera confirmé dès réception de votre paiement.",
        ),
        (K::AwaitingPayment, Language::En) => (
            "Confirm your appointment by paying",
            "Your {{ type_name }} appointment on {{ date }} at {{ time }} will be confirmed as soon as we receive your payment.",
        ),
        (K::Rescheduled, Language::Fr) => (
            "Rendez-vous modifié : le {{ date }} à {{ time }}",
            "Votre rendez-vous {{ type_name }} a été modifié. Nouvel horaire : le {{ date }} à {{ time }} avec {{ staff_name }}.",
        ),
        (K::Rescheduled, Language::En) => (
            "Appointment changed: {{ date }} at {{ time }}",
            "Your {{ type_name }} appointment has changed. New time: {{ date }} at {{ time }} with {{ staff_name }}.",
        ),
        (K::Cancelled, Language::Fr) => (
            "Rendez-vous annulé",
            "Votre rendez-vous {{ type_name }} du {{ date }} à {{ time }} est annulé.",
        ),
        (K::Cancelled, Language::En) => (
            "Appointment cancelled",
            "Your {{ type_name }} appointment on {{ date }} at {{ time }} has been cancelled.",
        ),
        (K::Completed, Language::Fr) => (
            "Merci de votre visite",
            "Merci d'être venu(e) à votre rendez-vous {{ type_name }} du {{ date }}. À bientôt !",
        ),
        (K::Completed, Language::En) => (
            "Thank you for your visit",
            "Thank you for coming to your {{ type_name }} appointment on {{ date }}. See you soon!",
        ),
        (K::NoShow, Language::Fr) => (
            "Rendez-vous manqué",
            "Nous ne vous avons pas vu(e) à votre rendez-vous {{ type_name }} du {{ date }} à {{ time }}. N'hésitez pas à reprendre rendez-vous.",
        ),
        (K::NoShow, Language::En) => (
            "Missed appointment",
            "We missed you at your {{ type_name }} appointment on {{ date }} at {{ time }}. Feel free to book again.",
        ),
        (K::Reminder, Language::Fr) => (
            "Rappel : rendez-vous le {{ date }} à {{ time }}",
            "Nous vous rappelons votre rendez-vous {{ type_name }} avec {{ staff_name }} le {{ date }} à {{ time }}.",
        ),
        (K::Reminder, Language::En) => (
            "Reminder: appointment on {{ date }} at {{ time }}",
            "This is a reminder of your {{ type_name }} appointment with {{ staff_name }} on {{ date }} at {{ time }}.",
        ),
        (K::FollowUp, Language::Fr) => (
            "Comment s'est passé votre rendez-vous ?",
            "Merci pour votre rendez-vous {{ type_name }} du {{ date }}. Nous serions ravis de vous revoir bientôt.",
        ),
        (K::FollowUp, Language::En) => (
            "How was your appointment?",
            "Thank you for your {{ type_name }} appointment on {{ date }}. We would be glad to see you again soon.",
        ),
        (K::ReviewRequest, Language::Fr) => (
            "Votre avis compte",
            "Votre rendez-vous {{ type_name }} du {{ date }} vous a plu ? Laissez-nous un avis, cela nous aide beaucoup.",
        ),
        (K::ReviewRequest, Language::En) => (
            "Your opinion matters",
            "Did you enjoy your {{ type_name }} appointment on {{ date }}? Please leave us a review, it helps a lot.",
        ),
        (K::NewBookingAlert, Language::Fr) => (
            "Nouveau rendez-vous : {{ client_name }} le {{ date }} à {{ time }}",
            "{{ client_name }} a réservé {{ type_name }} le {{ date }} à {{ time }} avec {{ staff_name }}.",
        ),
        (K::NewBookingAlert, Language::En) => (
            "New booking: {{ client_name }} on {{ date }} at {{ time }}",
            "{{ client_name }} booked {{ type_name }} on {{ date }} at {{ time }} with {{ staff_name }}.",
        ),
        (K::RequestAlert, Language::Fr) => (
            "Demande à valider : {{ client_name }}",
            "{{ client_name }} demande un rendez-vous {{ type_name }} le {{ date }} à {{ time }} avec {{ staff_name }}. Acceptez-la ou refusez-la depuis la console.",
        ),
        (K::RequestAlert, Language::En) => (
            "Request to review: {{ client_name }}",
            "{{ client_name }} requests a {{ type_name }} appointment on {{ date }} at {{ time }} with {{ staff_name }}. Accept or refuse it from the console.",
        ),
        (K::ModifiedAlert, Language::Fr) => (
            "Rendez-vous modifié : {{ client_name }}",
            "Le rendez-vous {{ type_name }} de {{ client_name }} est désormais le {{ date }} à {{ time }} avec {{ staff_name }}.",
        ),
        (K::ModifiedAlert, Language::En) => (
            "Appointment changed: {{ client_name }}",
            "The {{ type_name }} appointment of {{ client_name }} is now on {{ date }} at {{ time }} with {{ staff_name }}.",
        ),
        (K::CancelledAlert, Language::Fr) => (
            "Rendez-vous annulé : {{ client_name }}",
            "Le rendez-vous {{ type_name }} de {{ client_name }} du {{ date }} à {{ time }} est annulé.",
        ),
        (K::CancelledAlert, Language::En) => (
            "Appointment cancelled: {{ client_name }}",
            "The {{ type_name }} appointment of {{ client_name }} on {{ date }} at {{ time }} has been cancelled.",
        ),
        (K::RefusedAlert, Language::Fr) => (
            "Demande refusée : {{ client_name }}",
            "La demande de rendez-vous {{ type_name }} de {{ client_name }} pour le {{ date }} à {{ time }} a été refusée.",
        ),
        (K::RefusedAlert, Language::En) => (
            "Request refused: {{ client_name }}",
            "The request of {{ client_name }} for a {{ type_name }} appointment on {{ date }} at {{ time }} was refused.",
        ),
        (K::ReminderCopy, Language::Fr) => (
            "Rappel : {{ client_name }} le {{ date }} à {{ time }}",
            "Rappel : rendez-vous {{ type_name }} avec {{ client_name }} le {{ date }} à {{ time }}.",
        ),
        (K::ReminderCopy, Language::En) => (
            "Reminder: {{ client_name }} on {{ date }} at {{ time }}",
            "Reminder: {{ type_name }} appointment with {{ client_name }} on {{ date }} at {{ time }}.",
        ),
        (K::UnassignedAlert, Language::Fr) => (
            "Rendez-vous retiré de votre planning : {{ client_name }}",
            "Le rendez-vous {{ type_name }} de {{ client_name }} ne figure plus dans votre planning : il est désormais le {{ date }} à {{ time }} avec {{ staff_name }}.",
        ),
        (K::UnassignedAlert, Language::En) => (
            "Appointment taken off your schedule: {{ client_name }}",
            "The {{ type_name }} appointment of {{ client_name }} is no longer on your schedule: it is now on {{ date }} at {{ time }} with {{ staff_name }}.",
        ),
        (K::ManualFollowUp, Language::Fr) => (
            "À relancer : {{ client_name }}",
            "Pensez à prendre des nouvelles de {{ client_name }} après son rendez-vous {{ type_name }} du {{ date }} avec {{ staff_name }}.",
        ),
        (K::ManualFollowUp, Language::En) => (
            "To follow up: {{ client_name }}",
            "Remember to check in with {{ client_name }} after their {{ type_name }} appointment on {{ date }} with {{ staff_name }}.",
        ),
        (K::SlotAvailable, Language::Fr) => (
            "Une place s'est libérée le {{ date }} à {{ time }}",
            "Bonne nouvelle : une place pour {{ type_name }} avec {{ staff_name }} s'est libérée le {{ date }} à {{ time }}. Premier arrivé, premier servi !",
        ),
        (K::SlotAvailable, Language::En) => (
            "A slot is available on {{ date }} at {{ time }}",
            "Good news: a slot for {{ type_name }} with {{ staff_name }} is available on {{ date }} at {{ time }}. First come, first served!",
        ),
        (K::EarlierSlot, Language::Fr) => (
            "Un créneau plus tôt est disponible : le {{ date }} à {{ time }}",
            "Un créneau plus tôt pour {{ type_name }} avec {{ staff_name }} est disponible le {{ date }} à {{ time }}{% if current_date %}, au lieu du {{ current_date }} à {{ current_time }}{% endif %}. Votre rendez-vous actuel reste réservé tant que vous ne le changez pas.",
        ),
        (K::EarlierSlot, Language::En) => (
            "An earlier slot is available: {{ date }} at {{ time }}",
            "An earlier slot for {{ type_name }} with {{ staff_name }} is available on {{ date }} at {{ time }}{% if current_date %}, instead of {{ current_date }} at {{ current_time }}{% endif %}. Your current appointment stays booked unless you change it.",
        ),
        (K::Reengagement, Language::Fr) => (
            "{{ client_name }}, cela fait longtemps !",
            "Cela fait {{ days_since_visit }} jours que nous ne vous avons pas vu(e) — votre dernière visite date du {{ last_visit_date }}. Nous serions ravis de vous revoir.",
        ),
        (K::StaffDigest, Language::Fr) => (
            "Vos rendez-vous du {{ date }}",
            "Vous avez {{ count }} rendez-vous le {{ date }} :",
        ),
        (K::StaffDigest, Language::En) => (
            "Your appointments on {{ date }}",
            "You have {{ count }} appointment(s) on {{ date }}:",
        ),
        (K::ManagerDigest, Language::Fr) => (
            "Les rendez-vous du {{ date }}",
            "{{ business_name }} a {{ count }} rendez-vous le {{ date }} :",
        ),
        (K::ManagerDigest, Language::En) => (
            "Appointments on {{ date }}",
            "{{ business_name }} has {{ count }} appointment(s) on {{ date }}:",
        ),
        (K::Reengagement, Language::En) => (
            "{{ client_name }}, it has been a while!",
            "It has been {{ days_since_visit }} days since we last saw you, on {{ last_visit_date }}. We would love to see you again.",
        ),
        (K::InvoiceIssued, Language::Fr) => (
            "Facture {{ number }} de {{ business_name }}",
            "Votre facture {{ number }} d'un montant de {{ amount }} est disponible. Elle est à régler au plus tard le {{ due_date }}.",
        ),
        (K::InvoiceIssued, Language::En) => (
            "Invoice {{ number }} from {{ business_name }}",
            "Your invoice {{ number }} for {{ amount }} is ready. It is due on {{ due_date }}.",
        ),
        (K::InvoiceReminder, Language::Fr) => (
            "Rappel : facture {{ number }} en attente de paiement",
            "Sauf erreur de notre part, la facture {{ number }} de {{ amount }}, à régler le {{ due_date }}, n'a pas encore été payée. Si vous l'avez déjà réglée, merci de ne pas tenir compte de ce message.",
        ),
        (K::InvoiceReminder, Language::En) => (
            "Reminder: invoice {{ number }} is unpaid",
            "Unless we are mistaken, invoice {{ number }} for {{ amount }}, due on {{ due_date }}, has not been paid yet. If you have already paid it, please disregard this message.",
        ),
        (K::InvoiceUnpaidAlert, Language::Fr) => (
            "Facture impayée : {{ number }} ({{ client_name }})",
            "La facture {{ number }} de {{ client_name }} ({{ amount }}), à régler le {{ due_date }}, est impayée depuis {{ days_overdue }} jour(s). Pensez à relancer le client.",
        ),
        (K::InvoiceUnpaidAlert, Language::En) => (
            "Unpaid invoice: {{ number }} ({{ client_name }})",
            "Invoice {{ number }} for {{ client_name }} ({{ amount }}), due on {{ due_date }}, is {{ days_overdue }} day(s) overdue. Time to follow up with the client.",
        ),
        (K::QuoteSent, Language::Fr) => (
            "Devis {{ number }} de {{ business_name }}",
            "Votre devis {{ number }} d'un montant de {{ amount }} est disponible. Il est valable jusqu'au {{ expires_on }}.",
        ),
        (K::QuoteSent, Language::En) => (
            "Quote {{ number }} from {{ business_name }}",
            "Your quote {{ number }} for {{ amount }} is ready. It is valid until {{ expires_on }}.",
        ),
        (K::QuoteExpiring, Language::Fr) => (
            "Votre devis {{ number }} expire bientôt",
            "Votre devis {{ number }} de {{ amount }} est valable jusqu'au {{ expires_on }}. N'hésitez pas à nous faire part de votre décision.",
        ),
        (K::QuoteExpiring, Language::En) => (
            "Your quote {{ number }} expires soon",
            "Your quote {{ number }} for {{ amount }} is valid until {{ expires_on }}. Let us know your decision.",
        ),
        (K::QuoteExpiringAlert, Language::Fr) => (
            "Devis sans réponse : {{ number }} ({{ client_name }})",
            "Le devis {{ number }} de {{ client_name }} ({{ amount }}) expire le {{ expires_on }} sans réponse. Pensez à relancer le client.",
        ),
        (K::QuoteExpiringAlert, Language::En) => (
            "Quote awaiting an answer: {{ number }} ({{ client_name }})",
            "Quote {{ number }} for {{ client_name }} ({{ amount }}) expires on {{ expires_on }} with no answer yet. Time to follow up with the client.",
        ),
        (K::AutoReply, Language::Fr) => (
            "Nous avons bien reçu votre {% if inbound_kind == 'document' %}document{% elif inbound_kind == 'contact_form' %}demande{% else %}message{% endif %}",
            "Merci, nous avons bien reçu votre {% if inbound_kind == 'document' %}document{% elif inbound_kind == 'contact_form' %}demande{% else %}message{% endif %} et nous vous répondrons rapidement.",
        ),
        (K::AutoReply, Language::En) => (
            "We received your {% if inbound_kind == 'document' %}document{% elif inbound_kind == 'contact_form' %}request{% else %}message{% endif %}",
            "Thank you, we have received your {% if inbound_kind == 'document' %}document{% elif inbound_kind == 'contact_form' %}request{% else %}message{% endif %} and will get back to you shortly.",
        ),
    }
}

struct Labels {
    hello: &'static str,
    what: &'static str,
    with: &'static str,
    client: &'static str,
    when: &'static str,
    at: &'static str,
    cancel: &'static str,
    confirm: &'static str,
    reschedule: &'static str,
    book: &'static str,
    unsubscribe: &'static str,
    colon: &'static str,
}

fn labels(locale: Language) -> Labels {
    match locale {
        Language::Fr => Labels {
            hello: "Bonjour",
            what: "Rendez-vous",
            with: "Avec",
            client: "Client",
            when: "Quand",
            at: "à",
            cancel: "Annuler",
            confirm: "Confirmer ma présence",
            reschedule: "Déplacer",
            book: "Prendre rendez-vous",
            unsubscribe: "Ne plus recevoir ces messages",
            colon: " :",
        },
        Language::En => Labels {
            hello: "Hello",
            what: "Appointment",
            with: "With",
            client: "Client",
            when: "When",
            at: "at",
            cancel: "Cancel",
            confirm: "Confirm I will come",
            reschedule: "Reschedule",
            book: "Book an appointment",
            unsubscribe: "Stop these messages",
            colon: ":",
        },
    }
}

fn is_for_team(kind: MessageKind) -> bool {
    kind.is_for_team()
}

/// The built-in template for a kind, channel and language: the layout of the kind's subject
/// around the kind's subject line and lead sentence.
pub fn default_template(kind: MessageKind, channel: Channel, locale: Language) -> TemplateBody {
    match kind.facts().subject {
        SubjectKind::Appointment => appointment_template(kind, channel, locale),
        SubjectKind::Client => client_template(kind, channel, locale),
        SubjectKind::StaffDay | SubjectKind::ManagerDay => day_template(kind, channel, locale),
        SubjectKind::Invoice | SubjectKind::Quote => document_template(kind, channel, locale),
        SubjectKind::Inbound => inbound_template(kind, channel, locale),
        SubjectKind::Slot => slot_template(kind, channel, locale),
    }
}

/// A freed slot: the lead, what / who / when, and the link to book it.
fn slot_template(kind: MessageKind, channel: Channel, locale: Language) -> TemplateBody {
    let (subject, lead) = phrases_for(kind, channel, locale);
    let l = labels(locale);
    match channel {
        Channel::Sms => TemplateBody {
            subject: None,
            text: format!(
                "{{{{ business_name }}}}{} {lead}{{% if booking_url %}} {{{{ booking_url }}}}{{% endif %}}",
                l.colon
            ),
            html: None,
        },
        Channel::Email => {
            let text = format!(
                "{hello} {{{{ recipient_name }}}},\n\n{lead}\n\n{what}{c} {{{{ type_name }}}}\n{with}{c} {{{{ staff_name }}}}\n{when}{c} {{{{ date }}}} {at} {{{{ time }}}} ({{{{ time_zone }}}})\n\n{{% if booking_url %}}\n{book}{c} {{{{ booking_url }}}}\n\n{{% endif %}}\n{{{{ business_name }}}}\n",
                hello = l.hello,
                what = l.what,
                with = l.with,
                when = l.when,
                at = l.at,
                book = l.book,
                c = l.colon,
            );
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{{{{ locale }}}}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body style=\"margin:0;padding:16px;font-family:Arial,sans-serif;color:#222;line-height:1.5\"><div style=\"max-width:600px;margin:0 auto\">\n<p>{hello} {{{{ recipient_name }}}},</p>\n<p>{lead}</p>\n<table style=\"border-collapse:collapse\">\n<tr><td style=\"padding-right:12px;color:#666;white-space:nowrap;vertical-align:top\">{what}</td><td>{{{{ type_name }}}}</td></tr>\n<tr><td style=\"padding-right:12px;color:#666;white-space:nowrap;vertical-align:top\">{with}</td><td>{{{{ staff_name }}}}</td></tr>\n<tr><td style=\"padding-right:12px;color:#666;white-space:nowrap;vertical-align:top\">{when}</td><td>{{{{ date }}}} {at} {{{{ time }}}} ({{{{ time_zone }}}})</td></tr>\n</table>\n{{% if booking_url %}}\n<p><a href=\"{{{{ booking_url }}}}\" style=\"display:inline-block;padding:10px 16px;background:#1d4ed8;color:#fff;text-decoration:none;border-radius:4px\">{book}</a></p>\n{{% endif %}}\n<p>{{{{ business_name }}}}</p>\n</div></body></html>\n",
                hello = l.hello,
                what = l.what,
                with = l.with,
                when = l.when,
                at = l.at,
                book = l.book,
            );
            TemplateBody {
                subject: Some(subject.to_owned()),
                text,
                html: Some(html),
            }
        }
    }
}

/// An invoice or a quote: the lead, number / amount / date, and the link to view or pay it.
fn document_template(kind: MessageKind, channel: Channel, locale: Language) -> TemplateBody {
    let (subject, lead) = phrases_for(kind, channel, locale);
    let l = labels(locale);
    let (number, amount, view) = match locale {
        Language::Fr => ("N°", "Montant", "Consulter"),
        Language::En => ("Number", "Amount", "View"),
    };
    let (date_label, date_var) = match (kind.facts().subject, locale) {
        (SubjectKind::Quote, Language::Fr) => ("Valable jusqu'au", "expires_on"),
        (SubjectKind::Quote, Language::En) => ("Valid until", "expires_on"),
        (_, Language::Fr) => ("Échéance", "due_date"),
        (_, Language::En) => ("Due", "due_date"),
    };
    match channel {
        Channel::Sms => TemplateBody {
            subject: None,
            text: format!(
                "{{{{ business_name }}}}{} {lead}{{% if url %}} {{{{ url }}}}{{% endif %}}",
                l.colon
            ),
            html: None,
        },
        Channel::Email => {
            let text = format!(
                "{hello} {{{{ recipient_name }}}},\n\n{lead}\n\n{number}{c} {{{{ number }}}}\n{amount}{c} {{{{ amount }}}}\n{date_label}{c} {{{{ {date_var} }}}}\n{{% if url %}}\n{view}{c} {{{{ url }}}}\n{{% endif %}}\n\n{{{{ business_name }}}}\n",
                hello = l.hello,
                c = l.colon,
            );
            let row = |label: &str, var: &str| {
                format!(
                    "<tr><td style=\"padding-right:12px;color:#666;white-space:nowrap;vertical-align:top\">{label}</td><td>{{{{ {var} }}}}</td></tr>"
                )
            };
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{{{{ locale }}}}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body style=\"margin:0;padding:16px;font-family:Arial,sans-serif;color:#222;line-height:1.5\"><div style=\"max-width:600px;margin:0 auto\">\n<p>{hello} {{{{ recipient_name }}}},</p>\n<p>{lead}</p>\n<table style=\"border-collapse:collapse\">\n{r1}\n{r2}\n{r3}\n</table>\n{{% if url %}}\n<p><a href=\"{{{{ url }}}}\" style=\"display:inline-block;padding:10px 16px;background:#1d4ed8;color:#fff;text-decoration:none;border-radius:4px\">{view}</a></p>\n{{% endif %}}\n<p>{{{{ business_name }}}}</p>\n</div></body></html>\n",
                hello = l.hello,
                r1 = row(number, "number"),
                r2 = row(amount, "amount"),
                r3 = row(date_label, date_var),
            );
            TemplateBody {
                subject: Some(subject.to_owned()),
                text,
                html: Some(html),
            }
        }
    }
}

/// An automatic reply: the business's own text when it wrote one, else the lead.
fn inbound_template(kind: MessageKind, channel: Channel, locale: Language) -> TemplateBody {
    let (subject, lead) = phrases_for(kind, channel, locale);
    let l = labels(locale);
    let body = format!("{{% if reply_text %}}{{{{ reply_text }}}}{{% else %}}{lead}{{% endif %}}");
    match channel {
        Channel::Sms => TemplateBody {
            subject: None,
            text: format!("{{{{ business_name }}}}{} {body}", l.colon),
            html: None,
        },
        Channel::Email => TemplateBody {
            subject: Some(subject.to_owned()),
            text: format!(
                "{hello} {{{{ recipient_name }}}},\n\n{body}\n\n{{{{ business_name }}}}\n",
                hello = l.hello
            ),
            html: Some(format!(
                "<!DOCTYPE html>\n<html lang=\"{{{{ locale }}}}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body style=\"margin:0;padding:16px;font-family:Arial,sans-serif;color:#222;line-height:1.5\"><div style=\"max-width:600px;margin:0 auto\">\n<p>{hello} {{{{ recipient_name }}}},</p>\n<p>{body}</p>\n<p>{{{{ business_name }}}}</p>\n</div></body></html>\n",
                hello = l.hello
            )),
        },
    }
}

/// A day's digest: a table of the appointments (with the staff member for a manager), and a
/// short SMS with the count and the first start.
fn day_template(kind: MessageKind, channel: Channel, locale: Language) -> TemplateBody {
    let (subject, lead) = phrases_for(kind, channel, locale);
    let l = labels(locale);
    let with_staff = kind == MessageKind::ManagerDigest;
    match channel {
        Channel::Sms => TemplateBody {
            subject: None,
            text: match locale {
                Language::Fr => "{{ business_name }} : {{ count }} rendez-vous le {{ date }}, le premier à {{ first_time }}.".into(),
                Language::En => "{{ business_name }}: {{ count }} appointment(s) on {{ date }}, the first at {{ first_time }}.".into(),
            },
            html: None,
        },
        Channel::Email => {
            let staff_text = if with_staff { " · {{ a.staff_name }}" } else { "" };
            // A day too long to list whole: its first rows, then the rest counted and the
            // business's agenda linked; a manager also sees the count per staff member.
            let (per_staff, others, more, whole_day) = match locale {
                Language::Fr => (
                    "Par membre de l'équipe",
                    "et {{ more_staff }} autre(s)",
                    "… et {{ more }} autre(s) rendez-vous",
                    "Toute la journée",
                ),
                Language::En => (
                    "Per staff member",
                    "and {{ more_staff }} other(s)",
                    "… and {{ more }} more appointment(s)",
                    "The whole day",
                ),
            };
            let text = format!(
                "{hello} {{{{ recipient_name }}}},\n\n{lead}\n\n{{% if staff_counts %}}{per_staff}{c}\n{{% for s in staff_counts %}}- {{{{ s.staff_name }}}}{c} {{{{ s.count }}}}\n{{% endfor %}}{{% if more_staff %}}- {others}\n{{% endif %}}\n{{% endif %}}{{% for a in appointments %}}\n{{{{ a.time }}}}–{{{{ a.end_time }}}}  {{{{ a.client_name }}}} · {{{{ a.type_name }}}}{staff_text}{{% if a.confirmation %}} ({{{{ a.confirmation }}}}){{% endif %}}\n{{% endfor %}}\n{{% if more %}}\n{more}{{% if agenda_url %}} — {whole_day}{c} {{{{ agenda_url }}}}{{% endif %}}\n{{% endif %}}\n({{{{ time_zone }}}})\n{{{{ business_name }}}}\n",
                hello = l.hello,
                c = l.colon,
            );
            let staff_head = if with_staff {
                format!("<th style=\"text-align:left;padding:4px 12px 4px 0\">{}</th>", l.with)
            } else {
                String::new()
            };
            let staff_cell = if with_staff {
                "<td style=\"padding:4px 12px 4px 0\">{{ a.staff_name }}</td>"
            } else {
                ""
            };
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{{{{ locale }}}}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body style=\"margin:0;padding:16px;font-family:Arial,sans-serif;color:#222;line-height:1.5\"><div style=\"max-width:600px;margin:0 auto\">\n<p>{hello} {{{{ recipient_name }}}},</p>\n<p>{lead}</p>\n{{% if staff_counts %}}\n<p style=\"color:#666\">{per_staff}</p>\n<table style=\"border-collapse:collapse;margin-bottom:12px\">\n{{% for s in staff_counts %}}<tr><td style=\"padding:2px 12px 2px 0\">{{{{ s.staff_name }}}}</td><td style=\"padding:2px 0\">{{{{ s.count }}}}</td></tr>\n{{% endfor %}}{{% if more_staff %}}<tr><td colspan=\"2\" style=\"padding:2px 0;color:#666\">{others}</td></tr>\n{{% endif %}}</table>\n{{% endif %}}\n<table style=\"border-collapse:collapse\">\n<tr style=\"color:#666\"><th style=\"text-align:left;padding:4px 12px 4px 0\">{when}</th><th style=\"text-align:left;padding:4px 12px 4px 0\">{client}</th><th style=\"text-align:left;padding:4px 12px 4px 0\">{what}</th>{staff_head}</tr>\n{{% for a in appointments %}}\n<tr><td style=\"padding:4px 12px 4px 0\">{{{{ a.time }}}}–{{{{ a.end_time }}}}</td><td style=\"padding:4px 12px 4px 0\">{{{{ a.client_name }}}}{{% if a.confirmation %}} <em>({{{{ a.confirmation }}}})</em>{{% endif %}}</td><td style=\"padding:4px 12px 4px 0\">{{{{ a.type_name }}}}</td>{staff_cell}</tr>\n{{% endfor %}}\n</table>\n{{% if more %}}\n<p>{more}{{% if agenda_url %}} — <a href=\"{{{{ agenda_url }}}}\">{whole_day}</a>{{% endif %}}</p>\n{{% endif %}}\n<p style=\"color:#666\">{{{{ time_zone }}}}</p>\n<p>{{{{ business_name }}}}</p>\n</div></body></html>\n",
                hello = l.hello,
                when = l.when,
                client = l.client,
                what = l.what,
            );
            TemplateBody {
                subject: Some(subject.to_owned()),
                text,
                html: Some(html),
            }
        }
    }
}

/// About a client: the lead, a booking button when the business has a booking page, and the
/// unsubscribe line every marketing message carries.
fn client_template(kind: MessageKind, channel: Channel, locale: Language) -> TemplateBody {
    let (subject, lead) = phrases_for(kind, channel, locale);
    let l = labels(locale);
    match channel {
        Channel::Sms => TemplateBody {
            subject: None,
            text: format!(
                "{{{{ business_name }}}}{} {lead}{{% if booking_url %}} {{{{ booking_url }}}}{{% endif %}}",
                l.colon
            ),
            html: None,
        },
        Channel::Email => {
            let text = format!(
                "{hello} {{{{ recipient_name }}}},\n\n{lead}\n\n{{% if booking_url %}}\n{book}{c} {{{{ booking_url }}}}\n\n{{% endif %}}\n{{{{ business_name }}}}\n{{% if unsubscribe_url %}}\n\n{unsubscribe}{c} {{{{ unsubscribe_url }}}}\n{{% endif %}}\n",
                hello = l.hello,
                book = l.book,
                unsubscribe = l.unsubscribe,
                c = l.colon,
            );
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{{{{ locale }}}}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body style=\"margin:0;padding:16px;font-family:Arial,sans-serif;color:#222;line-height:1.5\"><div style=\"max-width:600px;margin:0 auto\">\n<p>{hello} {{{{ recipient_name }}}},</p>\n<p>{lead}</p>\n{{% if booking_url %}}\n<p><a href=\"{{{{ booking_url }}}}\" style=\"display:inline-block;padding:10px 16px;background:#1d4ed8;color:#fff;text-decoration:none;border-radius:4px\">{book}</a></p>\n{{% endif %}}\n<p>{{{{ business_name }}}}</p>\n{{% if unsubscribe_url %}}\n<p style=\"font-size:12px;color:#666\"><a href=\"{{{{ unsubscribe_url }}}}\" style=\"color:#666\">{unsubscribe}</a></p>\n{{% endif %}}\n</div></body></html>\n",
                hello = l.hello,
                book = l.book,
                unsubscribe = l.unsubscribe,
            );
            TemplateBody {
                subject: Some(subject.to_owned()),
                text,
                html: Some(html),
            }
        }
    }
}

/// About an appointment: the lead, what / who / when, and the client's links.
fn appointment_template(kind: MessageKind, channel: Channel, locale: Language) -> TemplateBody {
    let (subject, lead) = phrases_for(kind, channel, locale);
    let l = labels(locale);
    match channel {
        Channel::Sms => TemplateBody {
            subject: None,
            text: format!("{{{{ business_name }}}}{} {lead}", l.colon),
            html: None,
        },
        Channel::Email => {
            let who_line = if is_for_team(kind) {
                format!("{}{} {{{{ client_name }}}}", l.client, l.colon)
            } else {
                format!("{}{} {{{{ staff_name }}}}", l.with, l.colon)
            };
            let text = format!(
                "{hello} {{{{ recipient_name }}}},\n\n{lead}\n\n{what}{c} {{{{ type_name }}}}\n{who_line}\n{when}{c} {{{{ date }}}} {at} {{{{ time }}}} ({{{{ time_zone }}}})\n\n{{% if cancel_url %}}\n{{% if confirm_url %}}\n{confirm}{c} {{{{ confirm_url }}}}\n{{% endif %}}\n{cancel}{c} {{{{ cancel_url }}}}\n{reschedule}{c} {{{{ reschedule_url }}}}\n\n{{% endif %}}\n{{{{ business_name }}}}\n",
                hello = l.hello,
                what = l.what,
                when = l.when,
                at = l.at,
                cancel = l.cancel,
                confirm = l.confirm,
                reschedule = l.reschedule,
                c = l.colon,
            );
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{{{{ locale }}}}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body style=\"margin:0;padding:16px;font-family:Arial,sans-serif;color:#222;line-height:1.5\"><div style=\"max-width:600px;margin:0 auto\">\n<p>{hello} {{{{ recipient_name }}}},</p>\n<p>{lead}</p>\n<table style=\"border-collapse:collapse\">\n<tr><td style=\"padding-right:12px;color:#666;white-space:nowrap;vertical-align:top\">{what}</td><td>{{{{ type_name }}}}</td></tr>\n<tr><td style=\"padding-right:12px;color:#666;white-space:nowrap;vertical-align:top\">{who_label}</td><td>{{{{ {who_var} }}}}</td></tr>\n<tr><td style=\"padding-right:12px;color:#666;white-space:nowrap;vertical-align:top\">{when}</td><td>{{{{ date }}}} {at} {{{{ time }}}} ({{{{ time_zone }}}})</td></tr>\n</table>\n{{% if cancel_url %}}\n<p>{{% if confirm_url %}}<a href=\"{{{{ confirm_url }}}}\">{confirm}</a> &middot; {{% endif %}}<a href=\"{{{{ cancel_url }}}}\">{cancel}</a> &middot; <a href=\"{{{{ reschedule_url }}}}\">{reschedule}</a></p>\n{{% endif %}}\n<p>{{{{ business_name }}}}</p>\n</div></body></html>\n",
                hello = l.hello,
                what = l.what,
                when = l.when,
                at = l.at,
                cancel = l.cancel,
                confirm = l.confirm,
                reschedule = l.reschedule,
                who_label = if is_for_team(kind) { l.client } else { l.with },
                who_var = if is_for_team(kind) {
                    "client_name"
                } else {
                    "staff_name"
                },
            );
            TemplateBody {
                subject: Some(subject.to_owned()),
                text,
                html: Some(html),
            }
        }
    }
}
