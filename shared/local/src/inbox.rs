//! The local inbox page (`GET /` and `GET /_local/`): what a developer wants to see while
//! trying Rappel — every message sent, newest first; an e-mail opened with its HTML in a
//! sandboxed frame, its text part and its invitation; each appointment's planned messages; the
//! delivery events and the webhook endpoints they are posted to; the virtual clock with an
//! "advance" form; the dead letters. Server-rendered, escaped everywhere
//! (minijinja, HTML auto-escape), no script, nothing fetched from elsewhere.

use crate::runtime::LocalStack;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{AutoEscape, Environment, context};
use rappel_app::preview::planned_notifications;
use rappel_app::webhooks::EndpointState;
use rappel_core::model::{ConfirmationChannel, ConfirmationState};
use rappel_ports::delivery::OutboxEntry;
use serde::Serialize;
use std::sync::Arc;

const STYLE: &str = r#"
body{margin:0;font-family:-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f4f5f7;color:#1f2328}
header{background:#1f2328;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;justify-content:space-between}
header a{color:#fff;text-decoration:none;font-weight:600}
header form{display:flex;gap:.4rem;align-items:center}
header input{width:5rem;padding:.35rem;border-radius:6px;border:0}
header button{padding:.35rem .7rem;border:0;border-radius:6px;background:#3b82f6;color:#fff;font-weight:600}
form.reply{display:flex;gap:.5rem;flex-wrap:wrap}
form.reply input{padding:.35rem .5rem;border:1px solid #d0d7de;border-radius:6px;font-size:.9rem}
form.reply button{padding:.35rem .7rem;border:0;border-radius:6px;background:#3b82f6;color:#fff;font-weight:600}
main{max-width:60rem;margin:0 auto;padding:1rem}
section{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.08);margin-bottom:1rem;padding:1rem;overflow-x:auto}
h1{font-size:1.2rem;margin:0}
h2{font-size:1.05rem;margin:0 0 .6rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #eaecef;vertical-align:top}
th{color:#59636e;font-weight:600}
.tag{display:inline-block;padding:.05rem .4rem;border-radius:4px;background:#eef2ff;color:#3730a3;font-size:.8rem}
.sms{background:#ecfdf5;color:#065f46}
.muted{color:#59636e}
iframe{width:100%;height:28rem;border:1px solid #eaecef;border-radius:8px;background:#fff}
pre{white-space:pre-wrap;background:#f6f8fa;padding:.75rem;border-radius:8px;font-size:.85rem}
a{color:#1d4ed8}
@media (max-width:40rem){main{padding:.5rem}table,tbody,tr,td{display:block;width:auto}th{display:none}tr{border-bottom:1px solid #eaecef;padding:.4rem 0}td{border:0;padding:.1rem 0}header h1{font-size:1rem}}
"#;

const LAYOUT_HEAD: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · Rappel local</title><style>{{ style|safe }}</style></head>
<body><header><h1><a href="/">Rappel · local inbox</a></h1>
<form method="post" action="/_local/ui/advance"><span>{{ now }}</span>
<input name="by" value="1h" aria-label="advance the clock by"><button type="submit">Advance</button></form></header>
<main>"#;

const INBOX: &str = r#"{% include "head" %}
<section><h2>Outbox ({{ messages|length }})</h2>
{% if messages %}<table><tr><th>sent</th><th>kind</th><th>to</th><th>message</th></tr>
{% for m in messages %}<tr><td class="muted">{{ m.at }}</td><td><span class="tag{% if m.channel == "sms" %} sms{% endif %}">{{ m.channel }}</span> {{ m.kind }}</td><td>{{ m.to }}<br><span class="muted">{{ m.recipient }}</span></td>
<td>{% if m.channel == "email" %}<a href="/_local/messages/{{ m.id }}">{{ m.subject }}</a>{% else %}{{ m.text }}<br><span class="muted">{{ m.segments }} segment(s), {{ m.encoding }}</span>{% endif %}</td></tr>
{% endfor %}</table>{% else %}<p class="muted">Nothing sent yet. Book an appointment through the API.</p>{% endif %}</section>
<section><h2>Planned messages</h2>
{% for a in appointments %}<h3 style="font-size:.95rem">{{ a.tenant }} · {{ a.id }} <span class="muted">{{ a.status }}, {{ a.start }}{% if a.confirmation %} · client: {{ a.confirmation }}{% endif %}</span></h3>
{% if a.planned %}<table><tr><th>due</th><th>kind</th><th>to</th><th>status</th></tr>
{% for p in a.planned %}<tr><td class="muted">{{ p.due }}{% if p.moved_from %}<br><small>moved from {{ p.moved_from }}</small>{% endif %}</td><td><span class="tag{% if p.channel == "sms" %} sms{% endif %}">{{ p.channel }}</span> {{ p.kind }}</td><td>{{ p.recipient }}</td><td>{{ p.status }}{% if p.reason %} <span class="muted">({{ p.reason }})</span>{% endif %}</td></tr>
{% endfor %}</table>{% else %}<p class="muted">Nothing planned.</p>{% endif %}
{% else %}<p class="muted">No appointments.</p>{% endfor %}</section>
<section><h2>Delivery events ({{ events_total }})</h2>
{% if events %}<table><tr><th>occurred (UTC)</th><th>event</th><th>about</th><th>message</th></tr>
{% for e in events %}<tr><td class="muted">{{ e.at }}</td><td><span class="tag">{{ e.event }}</span>{% if e.reason %} <span class="muted">({{ e.reason }})</span>{% endif %}</td><td>{{ e.business }} · {{ e.subject }}</td><td>{{ e.message }}</td></tr>
{% endfor %}</table>{% if events_total > events|length %}<p class="muted">The latest {{ events|length }}; all at <a href="/_local/events">/_local/events</a>.</p>{% endif %}
{% else %}<p class="muted">No events yet.</p>{% endif %}
{% if endpoints %}<h3 style="font-size:.95rem">Webhook endpoints</h3><table><tr><th>business</th><th>endpoint</th><th>state</th><th>last error</th></tr>
{% for w in endpoints %}<tr><td>{{ w.business }}</td><td>{{ w.url }}<br><span class="muted">{{ w.id }}</span></td><td>{{ w.state }}{% if w.next_attempt %}<br><span class="muted">next try {{ w.next_attempt }}</span>{% endif %}</td><td class="muted">{{ w.last_error or "—" }}</td></tr>
{% endfor %}</table>{% endif %}</section>
<section><h2>A client texts back</h2>
<p class="muted">To the two-way number {{ two_way }}: OUI, ANNULER, STOP, START, AIDE, or anything for the business.</p>
<form method="post" action="/_local/ui/sms-reply" class="reply"><input name="from" type="tel" placeholder="+33612345678" aria-label="the client's number" required>
<input name="body" placeholder="OUI" aria-label="what the client texts" required maxlength="1600"><button type="submit">Send the reply</button></form>
{% if reply_outcome %}<p>The last reply: <span class="tag">{{ reply_outcome }}</span></p>{% endif %}</section>
<section><h2>Dead letters ({{ dead_letters|length }})</h2>
{% if dead_letters %}<pre>{{ dead_letters_json }}</pre><form method="post" action="/_local/ui/replay"><button type="submit">Replay</button></form>{% else %}<p class="muted">None.</p>{% endif %}</section>
</main></body></html>"#;

const MESSAGE: &str = r#"{% include "head" %}
<section><h2>{{ m.subject }}</h2>
<table><tr><th>to</th><td>{{ m.to }}</td></tr><tr><th>reply-to</th><td>{{ m.reply_to or "—" }}</td></tr><tr><th>sent</th><td>{{ m.at }}</td></tr><tr><th>kind</th><td>{{ m.kind }} <span class="muted">{{ m.recipient }}</span></td></tr>
{% if invite %}<tr><th>invitation</th><td>{{ invite.method }} · {{ invite.start }} · sequence {{ invite.sequence }}</td></tr>{% endif %}
{% if links %}<tr><th>links</th><td>{% for l in links %}<a href="{{ l.url }}" class="link-{{ l.action }}">{{ l.action }}</a>{% if not loop.last %} · {% endif %}{% endfor %}</td></tr>{% endif %}</table></section>
<section><h2>HTML part</h2><iframe sandbox="" title="the e-mail's HTML part" srcdoc="{{ m.html }}"></iframe></section>
<section><h2>Text part</h2><pre>{{ m.text }}</pre></section>
<p><a href="/">← back to the inbox</a></p>
</main></body></html>"#;

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    // Constant templates: adding them cannot fail at run time once the tests render them.
    let _ = env.add_template("head", LAYOUT_HEAD);
    let _ = env.add_template("inbox", INBOX);
    let _ = env.add_template("message", MESSAGE);
    env
}

fn render(name: &str, values: minijinja::Value) -> Response {
    match environment()
        .get_template(name)
        .and_then(|t| t.render(values))
    {
        Ok(html) => ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the page could not be rendered: {error}"),
        )
            .into_response(),
    }
}

/// One outbox line as the page shows it.
#[derive(Serialize)]
struct Line {
    id: String,
    at: String,
    channel: &'static str,
    kind: String,
    recipient: String,
    to: String,
    subject: String,
    text: String,
    segments: usize,
    encoding: String,
    html: String,
    reply_to: Option<String>,
}

fn tag<'a>(tags: &'a [(String, String)], name: &str) -> &'a str {
    tags.iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

fn line(entry: &OutboxEntry) -> Line {
    match entry {
        OutboxEntry::Email {
            id,
            at,
            to,
            reply_to,
            subject,
            text,
            html,
            tags,
            ..
        } => Line {
            id: id.clone(),
            at: at.format("%Y-%m-%d %H:%M UTC").to_string(),
            channel: "email",
            kind: tag(tags, "rappel-kind").to_owned(),
            recipient: tag(tags, "rappel-recipient").to_owned(),
            to: to.clone(),
            subject: subject.clone(),
            text: text.clone(),
            segments: 0,
            encoding: String::new(),
            html: html.clone(),
            reply_to: reply_to.clone(),
        },
        OutboxEntry::Sms {
            id,
            at,
            to,
            text,
            encoding,
            segments,
            tags,
            ..
        } => Line {
            id: id.clone(),
            at: at.format("%Y-%m-%d %H:%M UTC").to_string(),
            channel: "sms",
            kind: tag(tags, "rappel-kind").to_owned(),
            recipient: tag(tags, "rappel-recipient").to_owned(),
            to: to.clone(),
            subject: String::new(),
            text: text.clone(),
            segments: *segments,
            encoding: encoding.clone(),
            html: String::new(),
            reply_to: None,
        },
    }
}

/// `?reply=<outcome>`: what the reply form's last text did (an outcome's name, nothing else).
#[derive(serde::Deserialize)]
pub struct InboxQuery {
    reply: Option<String>,
}

pub async fn inbox(
    State(stack): State<Arc<LocalStack>>,
    axum::extract::Query(query): axum::extract::Query<InboxQuery>,
) -> Response {
    let reply_outcome = query
        .reply
        .filter(|r| r.len() <= 20 && r.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
    let mut messages: Vec<Line> = stack.outbox.messages().iter().map(line).collect();
    messages.reverse();
    let mut appointments = Vec::new();
    let mut all = stack.records.all_appointments();
    all.sort_by_key(|a| std::cmp::Reverse(a.start));
    let api = stack.api_services();
    for a in all.iter().take(50) {
        let planned = planned_notifications(&api, a).await.unwrap_or_default();
        appointments.push(context! {
            tenant => a.tenant.as_str(),
            id => a.id.as_str(),
            status => a.status.as_str(),
            confirmation => a.client_confirmation.map(|c| {
                let state = match c.state {
                    ConfirmationState::Requested => "asked to confirm",
                    ConfirmationState::Confirmed => "confirmed",
                    ConfirmationState::Declined => "declined",
                };
                let by = match c.by {
                    ConfirmationChannel::SmsReply => "by SMS reply",
                    ConfirmationChannel::Link => "by link",
                };
                format!("{state} {by}")
            }),
            start => format!("{} {}", a.start.with_timezone(&a.time_zone.tz()).format("%Y-%m-%d %H:%M"), a.time_zone),
            planned => planned.iter().map(|p| context! {
                due => p.due.format("%Y-%m-%d %H:%M UTC").to_string(),
                kind => p.kind.as_str(),
                channel => p.channel.as_str(),
                recipient => p.recipient.to_string(),
                status => format!("{:?}", p.status).to_lowercase(),
                reason => p.reason.clone(),
                moved_from => p.moved.as_ref().map(|m| format!("{} ({})", m.from.format("%Y-%m-%d %H:%M UTC"), m.because)),
            }).collect::<Vec<_>>(),
        });
    }
    let all_events = stack.events.all();
    let events: Vec<minijinja::Value> = all_events
        .iter()
        .rev()
        .take(100)
        .map(|e| {
            context! {
                at => e.occurred_at.format("%m-%d %H:%M:%S").to_string(),
                event => e.event_type.as_str(),
                reason => e.reason.clone(),
                business => e.business.as_str(),
                subject => e.subject.as_ref().map_or_else(
                    || e.webhook.as_ref().map_or(String::new(), |w| format!("webhook {}", w.id)),
                    ToString::to_string,
                ),
                message => e.message.as_ref().map_or(String::new(), |m| {
                    format!("{} {} to {}", m.channel.as_str(), m.kind.as_str(), m.recipient)
                }),
            }
        })
        .collect();
    let endpoints: Vec<minijinja::Value> = stack
        .webhooks
        .all()
        .iter()
        .map(|w| {
            context! {
                business => w.tenant.as_str(),
                id => w.id.clone(),
                url => w.url.as_str(),
                state => EndpointState::of(w),
                next_attempt => w.next_attempt_at.map(|at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
                last_error => w.last_error.clone(),
            }
        })
        .collect();
    let dead_letters = stack.dead_letters();
    render(
        "inbox",
        context! {
            title => "Inbox",
            style => STYLE,
            now => stack.now().format("%Y-%m-%d %H:%M UTC").to_string(),
            messages,
            appointments,
            events,
            events_total => all_events.len(),
            endpoints,
            dead_letters_json => serde_json::to_string_pretty(&dead_letters).unwrap_or_default(),
            dead_letters,
            two_way => stack.delivery.two_way.as_ref().map(|t| t.number.as_str().to_owned()),
            reply_outcome,
        },
    )
}

pub async fn message(State(stack): State<Arc<LocalStack>>, Path(id): Path<String>) -> Response {
    let found = stack.outbox.messages().into_iter().find(|m| match m {
        OutboxEntry::Email { id: i, .. } | OutboxEntry::Sms { id: i, .. } => *i == id,
    });
    let Some(entry) = found else {
        return (
            StatusCode::NOT_FOUND,
            Html("<p>No such message.</p>".to_owned()),
        )
            .into_response();
    };
    let invite = match &entry {
        OutboxEntry::Email {
            calendar: Some(ics),
            ..
        } => Some(invitation_summary(ics)),
        _ => None,
    };
    let line = line(&entry);
    // The signed links the message carries, to follow from here (the HTML part is sandboxed).
    let links: Vec<minijinja::Value> = line
        .text
        .split_whitespace()
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .filter_map(|url| {
            let action = url.split('?').next()?.rsplit('/').next()?.to_owned();
            Some(context! { url, action })
        })
        .collect();
    render(
        "message",
        context! {
            title => "Message",
            style => STYLE,
            now => stack.now().format("%Y-%m-%d %H:%M UTC").to_string(),
            m => line,
            invite,
            links,
        },
    )
}

/// METHOD, DTSTART and SEQUENCE of an iCalendar text, for the page.
fn invitation_summary(ics: &str) -> minijinja::Value {
    let field = |name: &str| {
        ics.lines()
            .find_map(|l| {
                let (key, value) = l.split_once(':')?;
                (key.split(';').next() == Some(name)).then(|| value.trim().to_owned())
            })
            .unwrap_or_default()
    };
    context! { method => field("METHOD"), start => field("DTSTART"), sequence => field("SEQUENCE") }
}

/// The clock form: `by=<duration>`, then back to the inbox.
pub async fn advance(State(stack): State<Arc<LocalStack>>, body: String) -> Response {
    let by = body
        .split('&')
        .find_map(|pair| pair.strip_prefix("by="))
        .unwrap_or_default()
        .to_owned();
    match crate::local_routes::parse_duration(&by) {
        Some(duration) => {
            stack.advance_by(duration).await;
            Redirect::to("/").into_response()
        }
        None => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "advance by a whole number followed by s, m, h or d, e.g. 26h",
        )
            .into_response(),
    }
}

/// The reply form: `from` and `body`, taken as a text to the two-way number, then back to the
/// inbox with what it did.
pub async fn sms_reply(State(stack): State<Arc<LocalStack>>, body: String) -> Response {
    let mut from = String::new();
    let mut text = String::new();
    for (name, value) in form_urlencoded::parse(body.as_bytes()) {
        match name.as_ref() {
            "from" => from = value.into_owned(),
            "body" => text = value.into_owned(),
            _ => {}
        }
    }
    let request = crate::sms_reply::SimulatedReply {
        from: from.split_whitespace().collect(),
        body: text,
        id: None,
    };
    match crate::sms_reply::take_reply(&stack, request).await {
        Ok(outcome) => Redirect::to(&format!("/?reply={outcome}")).into_response(),
        Err(error) => error.into_response(),
    }
}

/// The dead letters' "Replay" button: replays them all, then back to the inbox.
pub async fn replay(State(stack): State<Arc<LocalStack>>) -> Response {
    stack.replay_dead_letters().await;
    Redirect::to("/").into_response()
}
