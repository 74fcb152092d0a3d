//! Tenant isolation, as a property over every route and verb: whatever ids business A's
//! records have, business B using them gets 404 and not a byte of A's data, B's writes that
//! point at A's records are refused, and A's records, planned messages and history are exactly
//! what they were. Then signed links: any byte changed, another tenant, another appointment or
//! another action — refused, and nothing changes.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rappel_testkit::fixtures::friday_before;
use rappel_testkit::{CallsApi, Response, TestApp, spawn_app};
use serde_json::{Value, json};

/// What business A holds, with the ids the property chose for it.
struct BusinessA {
    tenant: String,
    client: String,
    appointment: String,
    type_id: String,
    staff: String,
    invoice: String,
    quote: String,
    inbound: String,
    waitlist: String,
    webhook: String,
}

impl BusinessA {
    /// Ids of the right form, for looking at the calls without a stack.
    fn example() -> Self {
        let id = |prefix: &str| format!("{prefix}_1");
        Self {
            tenant: "salon-lea".into(),
            client: id("cl"),
            appointment: id("ap"),
            type_id: id("ty"),
            staff: id("st"),
            invoice: id("inv"),
            quote: id("q"),
            inbound: id("in"),
            waitlist: id("wl"),
            webhook: id("we"),
        }
    }

    /// The same records under ids nobody created.
    fn ghost(&self) -> Self {
        let never = |id: &str| format!("{id}0");
        Self {
            tenant: self.tenant.clone(),
            client: never(&self.client),
            appointment: never(&self.appointment),
            type_id: never(&self.type_id),
            staff: never(&self.staff),
            invoice: never(&self.invoice),
            quote: never(&self.quote),
            inbound: never(&self.inbound),
            waitlist: never(&self.waitlist),
            webhook: never(&self.webhook),
        }
    }
}

/// Values of A that must never appear in an answer to B.
const A_SECRETS: [&str; 8] = [
    "Salon Léa",
    "Léa Martin",
    "lea@example.fr",
    "+33612345678",
    "olga@salon-lea.fr",
    "F-ISO-0042",
    "D-ISO-7",
    "Coupe isolée",
];

async fn business_a(app: &TestApp, tenant: &str, ids: &Ids) -> BusinessA {
    let call = |method: &'static str, path: String, body: Value| async move {
        let answer = app.call_as(tenant, method, &path, Some(body)).await;
        assert!(
            (200..300).contains(&answer.status),
            "{method} {path}: {answer:?}"
        );
        answer.body
    };
    call(
        "PUT",
        "/v1/settings".into(),
        json!({
            "business_name": "Salon Léa",
            "time_zone": "Europe/Paris",
            "default_locale": "fr",
            "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}]
        }),
    )
    .await;
    call(
        "PUT",
        format!("/v1/appointment-types/{}", ids.type_id),
        json!({"name": "Coupe isolée"}),
    )
    .await;
    call(
        "PUT",
        format!("/v1/staff/{}", ids.staff),
        json!({"name": "Sam", "email": "sam@salon-lea.fr"}),
    )
    .await;
    let client = call(
        "POST",
        "/v1/clients".into(),
        json!({"name": "Léa Martin", "email": "lea@example.fr", "phone": "+33612345678"}),
    )
    .await["id"]
        .as_str()
        .expect("a client id")
        .to_owned();
    let appointment = call(
        "POST",
        "/v1/appointments".into(),
        json!({
            "client_id": client,
            "type_id": ids.type_id,
            "staff_id": ids.staff,
            "start": "2026-03-27T10:00:00+01:00",
            "end": "2026-03-27T10:45:00+01:00"
        }),
    )
    .await["id"]
        .as_str()
        .expect("an appointment id")
        .to_owned();
    call(
        "PUT",
        format!("/v1/invoices/{}", ids.invoice),
        json!({
            "client_id": client, "number": "F-ISO-0042", "amount": 123456, "currency": "EUR",
            "issued_at": "2026-03-20T10:00:00+01:00", "due_date": "2026-03-27"
        }),
    )
    .await;
    call(
        "PUT",
        format!("/v1/quotes/{}", ids.quote),
        json!({
            "client_id": client, "number": "D-ISO-7", "amount": 50000, "currency": "EUR",
            "issued_at": "2026-03-20T10:00:00+01:00", "expires_on": "2026-03-31"
        }),
    )
    .await;
    let inbound = call(
        "POST",
        "/v1/inbound".into(),
        json!({"kind": "message", "client_id": client}),
    )
    .await["id"]
        .as_str()
        .expect("an inbound id")
        .to_owned();
    let waitlist = call(
        "POST",
        "/v1/waitlist".into(),
        json!({
            "client_id": client, "type_id": ids.type_id,
            "from": "2026-03-23T00:00:00+01:00", "until": "2026-04-10T00:00:00+02:00"
        }),
    )
    .await["id"]
        .as_str()
        .expect("a waitlist id")
        .to_owned();
    // Port 9 (discard): nothing listens there; the endpoint only fails.
    let webhook = call(
        "POST",
        "/v1/webhooks".into(),
        json!({"url": "http://127.0.0.1:9/hook"}),
    )
    .await["id"]
        .as_str()
        .expect("a webhook id")
        .to_owned();
    BusinessA {
        tenant: tenant.to_owned(),
        client,
        appointment,
        type_id: ids.type_id.clone(),
        staff: ids.staff.clone(),
        invoice: ids.invoice.clone(),
        quote: ids.quote.clone(),
        inbound,
        waitlist,
        webhook,
    }
}

/// The ids A chooses itself (the others the API makes).
#[derive(Debug, Clone)]
struct Ids {
    type_id: String,
    staff: String,
    invoice: String,
    quote: String,
}

fn id() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_-]{0,20}"
}

fn ids() -> impl Strategy<Value = Ids> {
    (id(), id(), id(), id()).prop_map(|(type_id, staff, invoice, quote)| Ids {
        type_id,
        staff,
        invoice,
        quote,
    })
}

/// Every route that reads or acts on one of A's records, with the body B sends.
fn reads_and_acts(a: &BusinessA, body: &Value) -> Vec<(&'static str, String, Option<Value>)> {
    let mut calls = vec![
        ("GET", format!("/v1/appointment-types/{}", a.type_id), None),
        ("GET", format!("/v1/staff/{}", a.staff), None),
        (
            "GET",
            format!("/v1/staff/{}/appointments?date=2026-03-27", a.staff),
            None,
        ),
        ("GET", format!("/v1/staff/{}/notifications", a.staff), None),
        ("GET", "/v1/managers/owner/notifications".into(), None),
        ("GET", format!("/v1/clients/{}", a.client), None),
        (
            "PATCH",
            format!("/v1/clients/{}", a.client),
            Some(body.clone()),
        ),
        (
            "GET",
            format!("/v1/clients/{}/communications", a.client),
            None,
        ),
        (
            "GET",
            format!("/v1/clients/{}/notifications", a.client),
            None,
        ),
        ("GET", format!("/v1/clients/{}/waitlist", a.client), None),
        // Erasing A's client as B: 404, and A still sees everything (compared after).
        ("DELETE", format!("/v1/clients/{}", a.client), None),
        ("GET", format!("/v1/clients/{}/erasure", a.client), None),
        ("GET", format!("/v1/clients/{}/export", a.client), None),
        ("GET", format!("/v1/invoices/{}", a.invoice), None),
        (
            "GET",
            format!("/v1/invoices/{}/notifications", a.invoice),
            None,
        ),
        ("GET", format!("/v1/quotes/{}", a.quote), None),
        ("GET", format!("/v1/quotes/{}/notifications", a.quote), None),
        ("GET", format!("/v1/inbound/{}", a.inbound), None),
        ("GET", format!("/v1/waitlist/{}", a.waitlist), None),
        ("DELETE", format!("/v1/waitlist/{}", a.waitlist), None),
        ("DELETE", format!("/v1/webhooks/{}", a.webhook), None),
        (
            "POST",
            format!("/v1/webhooks/{}/rotate-secret", a.webhook),
            None,
        ),
        ("POST", format!("/v1/webhooks/{}/enable", a.webhook), None),
        ("GET", format!("/v1/appointments/{}", a.appointment), None),
        (
            "PATCH",
            format!("/v1/appointments/{}", a.appointment),
            Some(body.clone()),
        ),
        (
            "GET",
            format!("/v1/appointments/{}/notifications", a.appointment),
            None,
        ),
    ];
    for action in ["paid", "void"] {
        let path = format!("/v1/invoices/{}/{action}", a.invoice);
        calls.push(("POST", path, Some(body.clone())));
    }
    for action in ["accept", "decline"] {
        let path = format!("/v1/quotes/{}/{action}", a.quote);
        calls.push(("POST", path, Some(body.clone())));
    }
    for action in ["cancel", "accept", "refuse", "complete", "no-show", "paid"] {
        let path = format!("/v1/appointments/{}/{action}", a.appointment);
        calls.push(("POST", path, Some(body.clone())));
    }
    calls
}

/// The lists of the API, some narrowed to A's client or staff member.
fn lists_of(a: &BusinessA) -> Vec<String> {
    let window = "from=2026-03-01T00:00:00Z&to=2026-06-01T00:00:00Z";
    vec![
        format!("/v1/appointments?{window}"),
        format!("/v1/appointments?{window}&client_id={}", a.client),
        format!("/v1/appointments?{window}&staff_id={}", a.staff),
        "/v1/clients".into(),
        "/v1/invoices".into(),
        "/v1/quotes?status=sent".into(),
    ]
}

/// Cursors of A's own pages of the list at `path` (a page of one), and made-up ones that
/// name A's records the way a cursor does.
async fn cursors_of_a(app: &TestApp, a: &BusinessA, path: &str) -> Vec<String> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let first = app
        .call_as(&a.tenant, "GET", &format!("{path}{sep}limit=1"), None)
        .await;
    assert_eq!(first.status, 200, "A lists {path}: {first:?}");
    let mut cursors: Vec<String> = first.body["next_cursor"]
        .as_str()
        .map(str::to_owned)
        .into_iter()
        .collect();
    for made_up in [
        format!("client/{}", a.client),
        format!("2026-03-01T00:00:00Z#{}", a.appointment),
        format!(r#"{{"pk":"T#{}","sk":"client#{}"}}"#, a.tenant, a.client),
    ] {
        cursors.push(hex::encode(made_up));
    }
    cursors
}

/// Writes of B that name A's records in their body: refused, since B has none of them.
fn writes_naming_a(a: &BusinessA) -> Vec<(&'static str, String, Value)> {
    vec![
        (
            "PUT",
            format!("/v1/appointments/{}", a.appointment),
            json!({
                "client_id": a.client, "type_id": a.type_id, "staff_id": a.staff,
                "start": "2026-03-27T11:00:00+01:00", "end": "2026-03-27T11:45:00+01:00"
            }),
        ),
        (
            "POST",
            "/v1/appointments".into(),
            json!({
                "client_id": a.client, "type_id": a.type_id, "staff_id": a.staff,
                "start": "2026-03-27T11:00:00+01:00", "end": "2026-03-27T11:45:00+01:00"
            }),
        ),
        (
            "POST",
            "/v1/waitlist".into(),
            json!({
                "client_id": a.client, "type_id": a.type_id,
                "from": "2026-03-23T00:00:00+01:00", "until": "2026-04-10T00:00:00+02:00"
            }),
        ),
        (
            "POST",
            "/v1/inbound".into(),
            json!({"kind": "message", "client_id": a.client}),
        ),
        (
            "POST",
            "/v1/templates/reminder/email/fr/preview".into(),
            json!({"appointment_id": a.appointment}),
        ),
        (
            "POST",
            "/v1/templates/reengagement/email/fr/preview".into(),
            json!({"client_id": a.client}),
        ),
        (
            "POST",
            "/v1/templates/invoice_issued/email/fr/preview".into(),
            json!({"invoice_id": a.invoice}),
        ),
        (
            "POST",
            "/v1/templates/quote_sent/email/fr/preview".into(),
            json!({"quote_id": a.quote}),
        ),
        (
            "POST",
            "/v1/templates/auto_reply/email/fr/preview".into(),
            json!({"inbound_id": a.inbound}),
        ),
        (
            "POST",
            "/v1/imports".into(),
            json!({"appointments": [{
                "id": "b-import", "client_id": a.client, "type_id": a.type_id, "staff_id": a.staff,
                "start": "2026-03-27T11:00:00+01:00", "end": "2026-03-27T11:45:00+01:00"
            }]}),
        ),
        (
            "PUT",
            "/v1/invoices/b-invoice".into(),
            json!({
                "client_id": a.client, "number": "B-1", "amount": 100, "currency": "EUR",
                "issued_at": "2026-03-20T10:00:00+01:00", "due_date": "2026-03-27"
            }),
        ),
        (
            "PUT",
            "/v1/quotes/b-quote".into(),
            json!({
                "client_id": a.client, "number": "B-2", "amount": 100, "currency": "EUR",
                "issued_at": "2026-03-20T10:00:00+01:00", "expires_on": "2026-03-31"
            }),
        ),
    ]
}

/// Everything A can see of its records, to compare before and after B's calls.
async fn what_a_sees(app: &TestApp, a: &BusinessA) -> Vec<(String, Response)> {
    let mut seen = Vec::new();
    let paths = [
        "/v1/settings".to_owned(),
        format!("/v1/appointment-types/{}", a.type_id),
        format!("/v1/staff/{}", a.staff),
        format!("/v1/clients/{}", a.client),
        format!("/v1/clients/{}/communications", a.client),
        format!("/v1/clients/{}/notifications", a.client),
        format!("/v1/clients/{}/waitlist", a.client),
        format!("/v1/clients/{}/export", a.client),
        format!("/v1/invoices/{}", a.invoice),
        format!("/v1/invoices/{}/notifications", a.invoice),
        format!("/v1/quotes/{}", a.quote),
        format!("/v1/inbound/{}", a.inbound),
        format!("/v1/waitlist/{}", a.waitlist),
        "/v1/webhooks".to_owned(),
        format!("/v1/appointments/{}", a.appointment),
        format!("/v1/appointments/{}/notifications", a.appointment),
    ];
    for path in paths {
        let answer = app.call_as(&a.tenant, "GET", &path, None).await;
        assert_eq!(answer.status, 200, "A reads {path}: {answer:?}");
        seen.push((path, answer));
    }
    seen
}

fn assert_holds_nothing_of_a(method: &str, path: &str, answer: &Response) {
    let text = answer.body.to_string();
    for secret in A_SECRETS {
        assert!(
            !text.contains(secret),
            "{method} {path} by B shows A's {secret:?}: {text}"
        );
    }
}

/// Whether `path` is an instance of the contract's `template` (`/v1/clients/{id}`).
fn instance_of(path: &str, template: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let (segments, templates): (Vec<&str>, Vec<&str>) =
        (path.split('/').collect(), template.split('/').collect());
    segments.len() == templates.len()
        && segments
            .iter()
            .zip(&templates)
            .all(|(s, t)| s == t || (t.starts_with('{') && t.ends_with('}')))
}

#[test]
fn the_isolation_property_calls_every_operation_of_the_contract_on_a_record() {
    let a = BusinessA::example();
    let calls = reads_and_acts(&a, &json!({}));
    assert!(!calls.is_empty());
    let document: Value =
        serde_json::from_str(rappel_api::openapi::document_json()).expect("the contract");
    let mut missed = Vec::new();
    for (template, item) in document["paths"].as_object().expect("paths") {
        if !template.contains("{id}") || template.starts_with("/links/") {
            continue;
        }
        for method in item.as_object().expect("a path item").keys() {
            let method = method.to_uppercase();
            // PUT under an id creates the caller's own record (checked in the property).
            let covered = method == "PUT"
                || calls
                    .iter()
                    .any(|(m, path, _)| *m == method && instance_of(path, template));
            if !covered {
                missed.push(format!("{method} {template}"));
            }
        }
    }
    assert!(
        missed.is_empty(),
        "not called with another business's ids: {missed:?}"
    );
}

/// How business B calls: as the local stack's tenant header stands for its JWT, or as an
/// integrator whose API key is granted B (and only B).
#[derive(Debug, Clone)]
enum Mode {
    TenantHeader,
    IntegratorKey,
}

struct CallerB {
    tenant: String,
    key: Option<String>,
}

impl CallerB {
    async fn new(app: &TestApp, tenant: &str, mode: &Mode) -> Self {
        let key = match mode {
            Mode::TenantHeader => None,
            Mode::IntegratorKey => Some(app.issue_key("mallory-platform", &[tenant]).await),
        };
        Self {
            tenant: tenant.to_owned(),
            key,
        }
    }

    async fn call(&self, app: &TestApp, method: &str, path: &str, body: Option<Value>) -> Response {
        match &self.key {
            None => app.call_as(&self.tenant, method, path, body).await,
            Some(key) => {
                app.call_with_key(key, &self.tenant, method, path, body)
                    .await
            }
        }
    }
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![Just(Mode::TenantHeader), Just(Mode::IntegratorKey)]
}

/// A body B might send (the property varies it; A's records must not care).
fn b_body() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({})),
        Just(json!({"notify": false})),
        Just(json!({"start": "2026-03-27T12:00:00+01:00", "end": "2026-03-27T12:45:00+01:00"})),
        Just(json!({"name": "Mallory", "email": "mallory@example.com"})),
        "[ -~]{0,30}".prop_map(|s| json!({"reason": s})),
    ]
}

#[test]
fn another_business_using_a_businesss_ids_gets_404_and_nothing_of_it_on_every_route() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (ids(), "[a-z][a-z0-9-]{2,20}", b_body(), mode());
    runner
        .run(&strategy, |(ids, b_tenant, body, mode)| {
            prop_assume!(b_tenant != "salon-lea");
            runtime.block_on(async {
                let app = spawn_app(friday_before()).await;
                let a = business_a(&app, "salon-lea", &ids).await;
                let b = CallerB::new(&app, &b_tenant, &mode).await;
                let before = what_a_sees(&app, &a).await;
                let outbox_before = app.outbox().await;
                assert!(!outbox_before.is_empty(), "A's booking was announced");

                let calls = reads_and_acts(&a, &body);
                let ghosts = reads_and_acts(&a.ghost(), &body);
                assert!(!calls.is_empty());
                for ((method, path, body), (_, ghost, _)) in calls.into_iter().zip(ghosts) {
                    let answer = b.call(&app, method, &path, body.clone()).await;
                    assert_holds_nothing_of_a(method, &path, &answer);
                    // B cannot tell A's record from one that never existed...
                    let never = b.call(&app, method, &ghost, body.clone()).await;
                    assert_eq!(
                        (answer.status, &answer.body["error"]["code"]),
                        (never.status, &never.body["error"]["code"]),
                        "{method} {path} by B vs {ghost}: {answer:?} / {never:?}"
                    );
                    // ...and gets 404 unless its body was refused first (the same for both).
                    let expected = if answer.status == 422 { 422 } else { 404 };
                    assert_eq!(answer.status, expected, "{method} {path} by B: {answer:?}");
                    if body.is_none() {
                        assert_eq!(answer.status, 404, "{method} {path} by B: {answer:?}");
                    }
                }
                for (method, path, body) in writes_naming_a(&a) {
                    let answer = b.call(&app, method, &path, Some(body)).await;
                    // An import answers 200 with the item refused in its place.
                    let refused = if path == "/v1/imports" {
                        answer.status == 200
                            && answer.body["appointments"][0]["code"] == "unknown_client"
                    } else {
                        (400..500).contains(&answer.status)
                    };
                    assert!(
                        refused,
                        "{method} {path} by B naming A's records: {answer:?}"
                    );
                    assert_holds_nothing_of_a(method, &path, &answer);
                }
                // B's lists hold nothing of A's, and A's cursors lead B to nothing of A's.
                for path in lists_of(&a) {
                    let answer = b.call(&app, "GET", &path, None).await;
                    assert_eq!(answer.status, 200, "GET {path} by B: {answer:?}");
                    assert_holds_nothing_of_a("GET", &path, &answer);
                    for cursor in cursors_of_a(&app, &a, &path).await {
                        let sep = if path.contains('?') { '&' } else { '?' };
                        let with = format!("{path}{sep}cursor={cursor}");
                        let answer = b.call(&app, "GET", &with, None).await;
                        assert!(
                            [200, 400].contains(&answer.status),
                            "GET {with} by B: {answer:?}"
                        );
                        assert_holds_nothing_of_a("GET", &with, &answer);
                    }
                }
                // B's PUTs under A's ids (ids the caller chooses) make B's own records.
                for (path, body) in [
                    (
                        format!("/v1/clients/{}", a.client),
                        json!({"name": "Mallory"}),
                    ),
                    (format!("/v1/staff/{}", a.staff), json!({"name": "Mallory"})),
                    (
                        format!("/v1/appointment-types/{}", a.type_id),
                        json!({"name": "Mallory's"}),
                    ),
                ] {
                    let answer = b.call(&app, "PUT", &path, Some(body)).await;
                    assert!(
                        [200, 201].contains(&answer.status),
                        "PUT {path} by B: {answer:?}"
                    );
                    assert_eq!(
                        answer.body["version"], 1,
                        "PUT {path} by B: a record of its own"
                    );
                    assert_holds_nothing_of_a("PUT", &path, &answer);
                }
                // B's own settings and keys are B's, never A's.
                for path in ["/v1/settings", "/v1/reschedule-keys"] {
                    let theirs = b.call(&app, "GET", path, None).await;
                    let ours = app.call_as(&a.tenant, "GET", path, None).await;
                    assert_ne!(theirs.body, ours.body, "{path}");
                    assert_holds_nothing_of_a("GET", path, &theirs);
                }

                // B's key naming A's business is refused at the door, on every route.
                if let Some(key) = &b.key {
                    let calls = reads_and_acts(&a, &body);
                    assert!(!calls.is_empty());
                    for (method, path, body) in calls
                        .into_iter()
                        .chain(lists_of(&a).into_iter().map(|path| ("GET", path, None)))
                    {
                        let answer = app.call_with_key(key, &a.tenant, method, &path, body).await;
                        assert_eq!(
                            answer.status, 403,
                            "{method} {path} with B's key as A: {answer:?}"
                        );
                        assert_eq!(answer.body["error"]["code"], "business_not_granted");
                        assert_holds_nothing_of_a(method, &path, &answer);
                    }
                }

                app.stack.settle().await;
                assert_eq!(what_a_sees(&app, &a).await, before);
                assert_eq!(app.outbox().await, outbox_before, "B made A's clients hear");
            });
            Ok(())
        })
        .unwrap();
}

/// The links in the e-mails sent so far to `to` (cancel, reschedule, unsubscribe).
async fn links_sent_to(app: &TestApp, to: &str) -> Vec<String> {
    let marker = format!("{}/links/", app.base);
    app.sent_to(to)
        .await
        .iter()
        .filter_map(|m| m["text"].as_str().map(str::to_owned))
        .flat_map(|text| {
            text.split_whitespace()
                .filter(|word| word.starts_with(&marker) && word.contains("sig="))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Status of a GET and a POST of `url`, redirects not followed (a valid reschedule link
/// redirects to the booking page).
async fn statuses(url: &str) -> (u16, u16) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = client.get(url).send().await.expect("the stack answers");
    let post = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .expect("the stack answers");
    (get.status().as_u16(), post.status().as_u16())
}

#[test]
fn a_signed_link_with_any_byte_changed_is_refused_and_changes_nothing() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (app, appointment, links) = runtime.block_on(async {
        let app = spawn_app(friday_before()).await;
        let (_, appointment) = app.lea_booked_friday_10am().await;
        let links = links_sent_to(&app, "lea@example.fr").await;
        (app, appointment, links)
    });
    assert!(!links.is_empty(), "the confirmation carries links");
    let prefix = format!("{}/links/", app.base);
    let outbox_before = runtime.block_on(app.outbox());

    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        0..links.len(),
        any::<prop::sample::Index>(),
        "[A-Za-z0-9_.~-]",
    );
    runner
        .run(&strategy, |(which, at, byte)| {
            let link = &links[which];
            let signed = &link[prefix.len()..];
            let at = at.index(signed.len());
            prop_assume!(signed[at..].chars().next() != byte.chars().next());
            let tampered = format!(
                "{prefix}{}{byte}{}",
                &signed[..at],
                &signed[at + signed[at..].chars().next().map_or(1, char::len_utf8)..]
            );
            let (get, post) = runtime.block_on(statuses(&tampered));
            prop_assert!((400..500).contains(&get), "GET {tampered} -> {get}");
            prop_assert!((400..500).contains(&post), "POST {tampered} -> {post}");
            Ok(())
        })
        .unwrap();

    runtime.block_on(async {
        let status = app.get(&format!("/v1/appointments/{appointment}")).await;
        assert_eq!(status.body["status"], "confirmed");
        assert_eq!(app.outbox().await, outbox_before);
    });
}

#[tokio::test]
async fn a_link_moved_to_another_tenant_appointment_or_action_is_refused() {
    let app = spawn_app(friday_before()).await;
    let (lea, first) = app.lea_booked_friday_10am().await;
    let second = app
        .book(
            &lea,
            "2026-03-28T10:00:00+01:00",
            "2026-03-28T10:45:00+01:00",
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Another business with a booking of its own under the same ids of type and staff.
    let other = TestApp {
        tenant: "salon-b".into(),
        ..app.clone()
    };
    other.seed_business().await;
    let theirs = other
        .book(
            &other.create_lea().await,
            "2026-03-27T10:00:00+01:00",
            "2026-03-27T10:45:00+01:00",
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let links = links_sent_to(&app, "lea@example.fr").await;
    let cancel = links
        .iter()
        .find(|l| l.contains(&format!("/salon-lea/{first}/cancel?")))
        .expect("a cancel link of the first booking")
        .clone();
    let valid = reqwest::get(&cancel).await.expect("the stack answers");
    assert_eq!(valid.status(), 200, "the link itself is valid");

    for moved in [
        cancel.replace("/salon-lea/", "/salon-b/"),
        cancel.replace(
            &format!("/salon-lea/{first}/"),
            &format!("/salon-b/{theirs}/"),
        ),
        cancel.replace(&first, &second),
        cancel.replace("/cancel?", "/reschedule?"),
        cancel.replace("/cancel?", "/unsubscribe?"),
        cancel.replace(
            &format!("/{first}/cancel?"),
            &format!("/{lea}/unsubscribe?"),
        ),
        // The same signature bytes, written another way: a link is exactly what was signed.
        match cancel.split_once("&sig=") {
            Some((head, sig)) => format!("{head}&sig={}", sig.to_uppercase()),
            None => panic!("a signature in {cancel}"),
        },
        // The same expiry, written another way.
        cancel.replace("?exp=", "?exp=0"),
        cancel.replace("?exp=", "?exp=+"),
    ] {
        let (get, post) = statuses(&moved).await;
        assert!((400..500).contains(&get), "GET {moved} -> {get}");
        assert!((400..500).contains(&post), "POST {moved} -> {post}");
    }
    for id in [&first, &second] {
        let status = app.get(&format!("/v1/appointments/{id}")).await;
        assert_eq!(status.body["status"], "confirmed", "{id}");
    }
    let status = other.get(&format!("/v1/appointments/{theirs}")).await;
    assert_eq!(status.body["status"], "confirmed");
}

#[tokio::test]
async fn an_integrators_key_acts_for_its_granted_businesses_only_and_stops_when_revoked() {
    let app = spawn_app(friday_before()).await;
    let (lea, _) = app.lea_booked_friday_10am().await;
    let issued = app
        .post(
            "/_local/api-keys",
            json!({"integrator": "acme", "label": "prod", "businesses": ["salon-lea"]}),
        )
        .await;
    assert_eq!(issued.status, 201, "{issued:?}");
    let key = issued.body["key"]
        .as_str()
        .expect("the key, shown once")
        .to_owned();
    let key_id = issued.body["key_id"].as_str().expect("its id").to_owned();
    let client = format!("/v1/clients/{lea}");

    let read = app
        .call_with_key(&key, "salon-lea", "GET", &client, None)
        .await;
    assert_eq!(
        (read.status, &read.body["name"]),
        (200, &json!("Léa Martin"))
    );
    // The business comes from X-Rappel-Business, never from X-Tenant-Id beside a key.
    let request = app
        .http
        .get(format!("{}{client}", app.base))
        .bearer_auth(&key)
        .header("x-rappel-business", "salon-zoe")
        .header("x-tenant-id", "salon-lea");
    assert_eq!(app.send(request).await.status, 403);
    // A key without the business header, or a business not granted: refused.
    let request = app
        .http
        .get(format!("{}{client}", app.base))
        .bearer_auth(&key);
    let unnamed = app.send(request).await;
    assert_eq!(
        (unnamed.status, &unnamed.body["error"]["code"]),
        (401, &json!("missing_business"))
    );
    let other = app
        .call_with_key(&key, "salon-zoe", "GET", &client, None)
        .await;
    assert_eq!(
        (other.status, &other.body["error"]["code"]),
        (403, &json!("business_not_granted"))
    );

    // Granted later: the key acts for the new business too (its own data, none of Léa's).
    let granted = app
        .put("/_local/integrators/acme/businesses/salon-zoe", json!({}))
        .await;
    assert_eq!(granted.status, 204, "{granted:?}");
    let zoe = app
        .call_with_key(&key, "salon-zoe", "GET", &client, None)
        .await;
    assert_eq!(zoe.status, 404, "{zoe:?}");
    let withdrawn = app
        .call(
            "DELETE",
            "/_local/integrators/acme/businesses/salon-zoe",
            None,
        )
        .await;
    assert_eq!(withdrawn.status, 204, "{withdrawn:?}");
    let zoe = app
        .call_with_key(&key, "salon-zoe", "GET", &client, None)
        .await;
    assert_eq!(zoe.status, 403, "{zoe:?}");

    // Revoked: unknown from now on, like a mistyped key.
    let revoked = app
        .call("DELETE", &format!("/_local/api-keys/acme/{key_id}"), None)
        .await;
    assert_eq!(revoked.status, 204, "{revoked:?}");
    let after = app
        .call_with_key(&key, "salon-lea", "GET", &client, None)
        .await;
    assert_eq!(
        (after.status, &after.body["error"]["code"]),
        (401, &json!("invalid_api_key"))
    );
    let typo = format!("{key}0");
    let typo = app
        .call_with_key(&typo, "salon-lea", "GET", &client, None)
        .await;
    assert_eq!(typo.status, 401, "{typo:?}");
}
