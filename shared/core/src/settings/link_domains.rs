//! The domains a business's own templates may link to. A template is HTML and text the business
//! writes; a phishing link in one would be sent from the platform's identity and spend every
//! business's reputation. So a link written into a template must point at a domain the
//! business declared (`link_domains`, each with its subdomains); Rappel's own links (cancel,
//! reschedule, unsubscribe) and the URLs in the business's settings come from template
//! variables and are not written into templates.

use crate::model::DomainName;
use crate::render::TemplateBody;
use serde::{Deserialize, Serialize};

/// At most this many domains.
pub const MAX_LINK_DOMAINS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "link_domains: {0:?} is not a domain name (lower-case letters, digits, '-' and dots, like \"salon-lea.fr\"), at most {MAX_LINK_DOMAINS}"
)]
pub struct InvalidLinkDomains(pub String);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
#[schema(value_type = Vec<String>, example = json!(["salon-lea.fr"]))]
pub struct LinkDomains(Vec<String>);

impl TryFrom<Vec<String>> for LinkDomains {
    type Error = InvalidLinkDomains;
    fn try_from(domains: Vec<String>) -> Result<Self, Self::Error> {
        if domains.len() > MAX_LINK_DOMAINS {
            return Err(InvalidLinkDomains(format!("{} domains", domains.len())));
        }
        for domain in &domains {
            DomainName::parse(domain).map_err(|_| InvalidLinkDomains(domain.clone()))?;
        }
        Ok(Self(domains))
    }
}

impl From<LinkDomains> for Vec<String> {
    fn from(domains: LinkDomains) -> Self {
        domains.0
    }
}

impl LinkDomains {
    /// Whether `host` is a declared domain or one of its subdomains.
    pub fn allows(&self, host: &str) -> bool {
        self.0.iter().any(|d| {
            host == d
                || host
                    .strip_suffix(d.as_str())
                    .is_some_and(|s| s.ends_with('.'))
        })
    }

    /// The links written into `body` that it does not allow: their hosts, or what makes a
    /// link unacceptable (a `javascript:` URL, a host computed by the template).
    pub fn refused_links(&self, body: &TemplateBody) -> Vec<String> {
        let parts = [
            Some(body.text.as_str()),
            body.subject.as_deref(),
            body.html.as_deref(),
        ];
        let mut refused = Vec::new();
        for part in parts.into_iter().flatten() {
            for link in written_links(part) {
                let verdict = match link {
                    Link::Host(host) if self.allows(&host) => None,
                    Link::Host(host) => Some(host),
                    Link::Script => Some("javascript:".to_owned()),
                    Link::Computed => Some("a link whose host the template computes".to_owned()),
                };
                if let Some(what) = verdict
                    && !refused.contains(&what)
                {
                    refused.push(what);
                }
            }
        }
        refused
    }
}

enum Link {
    Host(String),
    Script,
    Computed,
}

/// The links a template part writes out: `http(s)://host` anywhere, `//host` and `javascript:`
/// in attributes. A variable's URL (`{{ cancel_url }}`) is not one of them.
fn written_links(part: &str) -> Vec<Link> {
    let lower = part.to_ascii_lowercase();
    let mut links = Vec::new();
    if lower.contains("javascript:") {
        links.push(Link::Script);
    }
    let mut starts: Vec<usize> = Vec::new();
    for scheme in ["http://", "https://", "ftp://"] {
        starts.extend(lower.match_indices(scheme).map(|(at, s)| at + s.len()));
    }
    for quote in ["\"//", "'//", "=//"] {
        starts.extend(lower.match_indices(quote).map(|(at, s)| at + s.len()));
    }
    for start in starts {
        let rest = &lower[start..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .unwrap_or(rest.len());
        let host = rest[..end].trim_end_matches('.');
        // `https://{{ host }}`, `"https://" ~ x`, or nothing at all: not a host we can check.
        if host.is_empty() || rest[end..].starts_with('{') || !host.contains('.') {
            links.push(Link::Computed);
        } else {
            links.push(Link::Host(host.to_owned()));
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domains(list: &[&str]) -> LinkDomains {
        LinkDomains::try_from(list.iter().map(|d| d.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn html(html: &str) -> TemplateBody {
        TemplateBody {
            subject: Some("Rappel".into()),
            text: "{{ business_name }}".into(),
            html: Some(html.into()),
        }
    }

    #[test]
    fn a_link_to_a_declared_domain_or_its_subdomain_is_allowed() {
        let salon = domains(&["salon-lea.fr"]);
        let body = html(
            r#"<a href="https://www.salon-lea.fr/tarifs">Tarifs</a> <a href="{{ cancel_url }}">Annuler</a>"#,
        );
        assert!(salon.refused_links(&body).is_empty());
        assert!(salon.allows("salon-lea.fr"));
        assert!(
            !salon.allows("evilsalon-lea.fr"),
            "a suffix is not a subdomain"
        );
    }

    #[test]
    fn a_link_elsewhere_a_script_or_a_computed_host_is_refused() {
        let salon = domains(&["salon-lea.fr"]);
        let phishing = html(r#"<a href="https://salon-lea.fr.login-check.com/">Vérifiez</a>"#);
        assert_eq!(
            salon.refused_links(&phishing),
            vec!["salon-lea.fr.login-check.com"]
        );
        let scheme_relative = html(r#"<img src="//tracker.example.net/p.gif">"#);
        assert_eq!(
            salon.refused_links(&scheme_relative),
            vec!["tracker.example.net"]
        );
        let script = html(r#"<a href="JavaScript:alert(1)">x</a>"#);
        assert_eq!(salon.refused_links(&script), vec!["javascript:"]);
        let computed = html(r#"<a href="https://{{ business_name }}.com">x</a>"#);
        assert_eq!(salon.refused_links(&computed).len(), 1);
        let in_text = TemplateBody {
            subject: None,
            text: "Promo sur http://bit.ly/abc".into(),
            html: None,
        };
        assert_eq!(
            LinkDomains::default().refused_links(&in_text),
            vec!["bit.ly"]
        );
    }

    #[test]
    fn only_domain_names_are_declared() {
        for bad in [
            r#"["https://salon-lea.fr"]"#,
            r#"["Salon-Lea.fr"]"#,
            r#"["localhost"]"#,
            r#"["-a.fr"]"#,
        ] {
            assert!(serde_json::from_str::<LinkDomains>(bad).is_err(), "{bad}");
        }
    }
}
