//! Templates rendered with minijinja. HTML parts auto-escape every variable (client-supplied
//! names cannot inject markup); text and SMS parts are plain. Undefined variables are errors,
//! so a typo is caught when the template is saved, not when a client is waiting for a reminder.
//!
//! A business's template is code we run: every render has a fuel budget (minijinja counts
//! instructions) and a cap on the size of each part, so a nested `range(100000)` loop cannot
//! hold a function for its whole timeout nor fill its memory. A template over a limit is refused
//! when saved; one that trips a limit at send time is recorded `failed`.

use super::{SmsSize, TemplateVariables, sms_size};
use crate::message::{Channel, MessageKind};
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde::{Deserialize, Serialize};
use std::collections::hash_map::Entry;
use std::io;

/// Instructions one part may run. The longest default template uses about a hundredth of
/// it; a loop over 10,000 items that prints a variable runs out.
pub const TEMPLATE_FUEL: u64 = 30_000;
/// Bytes one rendered part may hold (an e-mail part; an SMS is far smaller).
pub const MAX_RENDERED_PART_BYTES: usize = 64 * 1024;

/// A template as stored: `subject` and `html` only for e-mail. Without `html`, the HTML part is
/// the text part, escaped, in paragraphs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateBody {
    #[serde(default)]
    pub subject: Option<String>,
    pub text: String,
    #[serde(default)]
    pub html: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{part}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct TemplateError {
    /// Which part failed: subject, text or html.
    pub part: &'static str,
    pub line: Option<usize>,
    pub message: String,
    /// A syntax or variable error, or a limit the render ran into.
    pub fault: TemplateFault,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateFault {
    /// Bad syntax, an unknown variable or filter, a failing expression.
    Syntax,
    /// Ran past [`TEMPLATE_FUEL`] or [`MAX_RENDERED_PART_BYTES`].
    Limit,
}

/// Collects a rendered part and refuses to grow past [`MAX_RENDERED_PART_BYTES`].
struct CappedOutput {
    bytes: Vec<u8>,
    overflowed: bool,
}

impl io::Write for CappedOutput {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_RENDERED_PART_BYTES {
            self.overflowed = true;
            return Err(io::Error::other("rendered part too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedSms {
    pub text: String,
    pub size: SmsSize,
}

const HTML_FROM_TEXT: &str = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body style=\"margin:0;padding:16px;font-family:Arial,sans-serif;color:#222;line-height:1.5\"><div style=\"max-width:600px;margin:0 auto\">\n{% for p in paragraphs %}<p>{{ p }}</p>\n{% endfor %}</div></body></html>\n";

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(TEMPLATE_FUEL));
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env
}

/// How many compiled parts a thread keeps (the defaults are a few dozen; business templates
/// come and go, so the cache starts over past this).
const MAX_COMPILED_PARTS: usize = 512;

/// Parts compiled once per thread and kept by source: parsing a template was most of the time
/// a message took to render (the same few dozen defaults, message after message). Each part
/// has an environment of its own, holding it alone: a business's template can `include`,
/// `extend` or `import` no other business's (one shared environment let
/// `{% include 'part0.txt' %}` render whatever the thread had compiled first).
struct Compiled {
    /// Source (with its part's escaping) → the environment holding it as [`part_name`].
    parts: std::collections::HashMap<(bool, String), Environment<'static>>,
}

/// The one template's name in each part's environment; the extension picks the escaping.
fn part_name(html: bool) -> &'static str {
    if html { "part.html" } else { "part.txt" }
}

impl Compiled {
    fn new() -> Self {
        Self {
            parts: std::collections::HashMap::new(),
        }
    }

    /// The environment holding `source` compiled, compiling it first if needed.
    fn environment_of(
        &mut self,
        html: bool,
        source: &str,
    ) -> Result<&Environment<'static>, minijinja::Error> {
        let key = (html, source.to_owned());
        if self.parts.len() >= MAX_COMPILED_PARTS && !self.parts.contains_key(&key) {
            self.parts.clear();
        }
        match self.parts.entry(key) {
            Entry::Occupied(compiled) => Ok(compiled.into_mut()),
            Entry::Vacant(slot) => {
                let mut env = environment();
                env.add_template_owned(part_name(html), slot.key().1.clone())?;
                Ok(slot.insert(env))
            }
        }
    }
}

thread_local! {
    static COMPILED: std::cell::RefCell<Compiled> = std::cell::RefCell::new(Compiled::new());
}

fn render_part(
    part: &'static str,
    source: &str,
    vars: &impl Serialize,
) -> Result<String, TemplateError> {
    COMPILED.with(|compiled| render_compiled(&mut compiled.borrow_mut(), part, source, vars))
}

fn render_compiled(
    compiled: &mut Compiled,
    part: &'static str,
    source: &str,
    vars: &impl Serialize,
) -> Result<String, TemplateError> {
    let to_error = |e: minijinja::Error| TemplateError {
        part,
        line: e.line(),
        message: e
            .detail()
            .map(str::to_owned)
            .unwrap_or_else(|| e.kind().to_string()),
        fault: if e.kind() == ErrorKind::OutOfFuel {
            TemplateFault::Limit
        } else {
            TemplateFault::Syntax
        },
    };
    let html = part == "html";
    let env = compiled.environment_of(html, source).map_err(to_error)?;
    let template = env.get_template(part_name(html)).map_err(to_error)?;
    let mut out = CappedOutput {
        bytes: Vec::new(),
        overflowed: false,
    };
    match template.render_captured_to(vars, &mut out) {
        Ok(_) => {}
        Err(_) if out.overflowed => {
            return Err(TemplateError {
                part,
                line: None,
                message: format!("renders to more than {MAX_RENDERED_PART_BYTES} bytes"),
                fault: TemplateFault::Limit,
            });
        }
        Err(e) => return Err(to_error(e)),
    }
    String::from_utf8(out.bytes).map_err(|_| TemplateError {
        part,
        line: None,
        message: "renders to invalid UTF-8".into(),
        fault: TemplateFault::Syntax,
    })
}

/// Subjects are one line: line breaks and control characters become spaces.
fn one_line(raw: &str) -> String {
    raw.split(|c: char| c.is_control())
        .filter(|s| !s.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn render_email(
    body: &TemplateBody,
    vars: &TemplateVariables,
) -> Result<RenderedEmail, TemplateError> {
    let subject_source = body.subject.as_deref().unwrap_or_default();
    let subject = one_line(&render_part("subject", subject_source, vars)?);
    let text = render_part("text", &body.text, vars)?;
    let html = match &body.html {
        Some(source) => render_part("html", source, vars)?,
        None => {
            let paragraphs: Vec<&str> = text
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            render_part("html", HTML_FROM_TEXT, &minijinja::context! { paragraphs })?
        }
    };
    Ok(RenderedEmail {
        subject,
        text,
        html,
    })
}

/// No-break spaces (in "1 234,56 €", "10 h") are typography for a page; in an SMS they are
/// outside the GSM alphabet and would make the whole message UCS-2, so they become spaces.
fn plain_spaces(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}', '\u{2007}', '\u{2009}'], " ")
}

pub fn render_sms(
    body: &TemplateBody,
    vars: &TemplateVariables,
) -> Result<RenderedSms, TemplateError> {
    let text = plain_spaces(render_part("text", &body.text, vars)?.trim());
    let size = sms_size(&text);
    Ok(RenderedSms { text, size })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTemplate {
    #[error("an e-mail template needs a subject")]
    MissingSubject,
    #[error("an SMS template has only a text part")]
    SmsWithEmailParts,
    #[error("the text part must not be empty")]
    EmptyText,
    #[error(transparent)]
    Syntax(TemplateError),
    /// Runs too long or renders too much (fuel or size limit).
    #[error(
        "{0} (templates may run {TEMPLATE_FUEL} instructions and render {MAX_RENDERED_PART_BYTES} bytes per part)"
    )]
    TooCostly(TemplateError),
}

impl From<TemplateError> for InvalidTemplate {
    fn from(e: TemplateError) -> Self {
        match e.fault {
            TemplateFault::Syntax => Self::Syntax(e),
            TemplateFault::Limit => Self::TooCostly(e),
        }
    }
}

/// Checks a template of `kind` before it is saved: syntax, and that every variable it uses
/// exists for the kind's subject.
pub fn validate(
    body: &TemplateBody,
    kind: MessageKind,
    channel: Channel,
) -> Result<(), InvalidTemplate> {
    if body.text.trim().is_empty() {
        return Err(InvalidTemplate::EmptyText);
    }
    let vars = TemplateVariables::sample(kind.facts().subject, crate::model::Language::Fr);
    match channel {
        Channel::Email => {
            if body.subject.as_deref().is_none_or(|s| s.trim().is_empty()) {
                return Err(InvalidTemplate::MissingSubject);
            }
            render_email(body, &vars)?;
            // Optional links must also work when absent.
            render_email(body, &vars.without_links())?;
        }
        Channel::Sms => {
            if body.subject.is_some() || body.html.is_some() {
                return Err(InvalidTemplate::SmsWithEmailParts);
            }
            render_sms(body, &vars)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Language;
    use crate::render::{AppointmentVariables, SmsEncoding, default_template, sms_size};

    fn sms(text: &str) -> TemplateBody {
        TemplateBody {
            subject: None,
            text: text.into(),
            html: None,
        }
    }

    #[test]
    fn a_business_template_cannot_include_another_template_compiled_before_it() {
        // Every part a thread renders is compiled into one environment, under a name of its
        // own (`part0.txt`, …): another business's template must not be reachable from it.
        std::thread::spawn(|| {
            let vars =
                TemplateVariables::sample(crate::message::SubjectKind::Appointment, Language::Fr);
            let secret = "Code porte 4711, {{ business_name }}";
            assert!(
                render_sms(&sms(secret), &vars)
                    .unwrap()
                    .text
                    .contains("4711")
            );
            for reach in [
                "{% include 'part0.txt' %}",
                "{% include 'part1.txt' %}",
                "{% extends 'part0.txt' %}",
                "{% import 'part0.txt' as other %}{{ business_name }}",
                "{% from 'part0.txt' import x %}{{ business_name }}",
            ] {
                let leaked = render_sms(&sms(reach), &vars);
                assert!(
                    leaked.is_err(),
                    "{reach} rendered {:?}",
                    leaked.map(|r| r.text)
                );
                assert!(validate(&sms(reach), MessageKind::Reminder, Channel::Sms).is_err());
            }
        })
        .join()
        .unwrap();
    }

    #[test]
    fn an_edited_template_renders_its_new_text_and_many_templates_do_not_mix() {
        let vars =
            TemplateVariables::sample(crate::message::SubjectKind::Appointment, Language::Fr);
        let first = render_sms(&sms("A {{ business_name }}"), &vars)
            .unwrap()
            .text;
        let edited = render_sms(&sms("B {{ business_name }}"), &vars)
            .unwrap()
            .text;
        assert_ne!(first, edited);
        assert!(edited.starts_with("B "), "{edited}");
        // More templates than a thread keeps compiled: each still renders its own text.
        for n in 0..(MAX_COMPILED_PARTS + 10) {
            let text = render_sms(&sms(&format!("{n} {{{{ business_name }}}}")), &vars)
                .unwrap()
                .text;
            assert!(text.starts_with(&format!("{n} ")), "{text}");
        }
        assert_eq!(
            render_sms(&sms("A {{ business_name }}"), &vars)
                .unwrap()
                .text,
            first
        );
        // An invalid template is refused every time, not remembered as valid.
        for _ in 0..2 {
            assert!(render_sms(&sms("{{ nope"), &vars).is_err());
        }
    }

    #[test]
    fn every_default_template_renders_in_both_languages_on_both_channels() {
        for &kind in MessageKind::ALL {
            for locale in Language::ALL {
                for channel in [Channel::Email, Channel::Sms] {
                    let body = default_template(kind, channel, locale);
                    assert_eq!(
                        validate(&body, kind, channel),
                        Ok(()),
                        "{kind} {channel} {locale}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_built_in_sms_is_written_in_the_gsm_alphabet_in_both_languages() {
        let mut checked = Vec::new();
        for &kind in MessageKind::ALL {
            for locale in Language::ALL {
                let body = default_template(kind, Channel::Sms, locale);
                let vars = TemplateVariables::sample(kind.facts().subject, locale);
                let sms = render_sms(&body, &vars);
                let Ok(sms) = sms else {
                    panic!("{kind} {locale}: {sms:?}");
                };
                let odd: String = sms
                    .text
                    .chars()
                    .filter(|c| sms_size(&c.to_string()).encoding == SmsEncoding::Ucs2)
                    .collect();
                checked.push((kind, locale, odd));
            }
        }
        assert!(!checked.is_empty());
        let ucs2: Vec<_> = checked
            .iter()
            .filter(|(_, _, odd)| !odd.is_empty())
            .collect();
        assert!(ucs2.is_empty(), "{ucs2:?}");
    }

    #[test]
    fn every_built_in_email_fits_a_phone_and_keeps_its_lines_readable_on_a_desktop() {
        let mut checked = 0;
        for &kind in MessageKind::ALL {
            for locale in Language::ALL {
                let body = default_template(kind, Channel::Email, locale);
                let html = body.html.unwrap_or_default();
                assert!(
                    html.contains(
                        r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#
                    ),
                    "{kind} {locale}"
                );
                assert!(html.contains("max-width:600px"), "{kind} {locale}");
                checked += 1;
            }
        }
        assert!(checked > 0);
        let from_text = render_email(
            &TemplateBody {
                subject: Some("s".into()),
                text: "Bonjour".into(),
                html: None,
            },
            &TemplateVariables::Appointment(AppointmentVariables::sample(Language::Fr)),
        )
        .map(|e| e.html)
        .unwrap_or_default();
        assert!(from_text.contains("max-width:600px"), "{from_text}");
    }

    #[test]
    fn html_escapes_client_text_but_the_text_part_keeps_it_verbatim() {
        let vars = TemplateVariables::Appointment(AppointmentVariables {
            client_name: "<script>x</script>".into(),
            recipient_name: "<b>Zoé</b>".into(),
            ..AppointmentVariables::sample(Language::Fr)
        });
        let email = render_email(
            &default_template(MessageKind::Confirmation, Channel::Email, Language::Fr),
            &vars,
        )
        .unwrap();
        assert!(email.html.contains("&lt;b&gt;Zoé&lt;"));
        assert!(!email.html.contains("<b>Zoé"));
        assert!(email.text.contains("Bonjour <b>Zoé</b>,"));
    }

    #[test]
    fn a_subject_never_spans_two_lines() {
        let body = TemplateBody {
            subject: Some("Hello\r\nBcc: x@y.z {{ client_name }}".into()),
            text: "t".into(),
            html: None,
        };
        let email = render_email(
            &body,
            &TemplateVariables::Appointment(AppointmentVariables::sample(Language::En)),
        )
        .unwrap();
        assert_eq!(email.subject, "Hello Bcc: x@y.z Léa Martin");
    }

    #[test]
    fn without_an_html_part_the_text_is_escaped_into_paragraphs() {
        let body = TemplateBody {
            subject: Some("s".into()),
            text: "Hi {{ client_name }}\n\n<i>bye</i>".into(),
            html: None,
        };
        let email = render_email(
            &body,
            &TemplateVariables::Appointment(AppointmentVariables::sample(Language::En)),
        )
        .unwrap();
        assert!(email.html.contains("<p>Hi Léa Martin</p>"));
        assert!(email.html.contains("<p>&lt;i&gt;bye&lt;"));
        assert!(!email.html.contains("<i>"));
    }

    #[test]
    fn syntax_errors_and_unknown_variables_are_reported_with_their_line() {
        let broken = TemplateBody {
            subject: Some("ok".into()),
            text: "line one\n{% if x %}".into(),
            html: None,
        };
        match validate(&broken, MessageKind::Confirmation, Channel::Email) {
            Err(InvalidTemplate::Syntax(e)) => {
                assert_eq!(e.part, "text");
                assert_eq!(e.line, Some(2));
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        let typo = TemplateBody {
            subject: None,
            text: "Hi {{ clinet_name }}".into(),
            html: None,
        };
        assert!(matches!(
            validate(&typo, MessageKind::Confirmation, Channel::Sms),
            Err(InvalidTemplate::Syntax(_))
        ));
    }

    #[test]
    fn a_template_that_loops_for_ever_is_refused_for_its_cost() {
        let looping = TemplateBody {
            subject: Some("s".into()),
            text: "{% for i in range(100000) %}{% for j in range(100000) %}{{ client_name }}{% endfor %}{% endfor %}".into(),
            html: None,
        };
        let started = std::time::Instant::now();
        match validate(&looping, MessageKind::Confirmation, Channel::Email) {
            Err(InvalidTemplate::TooCostly(e)) => assert_eq!(e.part, "text"),
            other => panic!("expected a cost refusal, got {other:?}"),
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn a_template_that_renders_megabytes_is_refused_for_its_size() {
        let huge = TemplateBody {
            subject: None,
            text: "{{ 'x' * 90000 }}".into(),
            html: None,
        };
        assert!(matches!(
            validate(&huge, MessageKind::Confirmation, Channel::Sms),
            Err(InvalidTemplate::TooCostly(_))
        ));
    }

    #[test]
    fn french_sms_defaults_report_their_segments() {
        let sms = render_sms(
            &default_template(MessageKind::Reminder, Channel::Sms, Language::Fr),
            &TemplateVariables::Appointment(AppointmentVariables::sample(Language::Fr)),
        )
        .unwrap();
        assert!(sms.text.starts_with("Salon Exemple : Nous vous rappelons"));
        assert!(sms.size.segments >= 1);
    }
}
