//! The local inbox page through real HTTP: what was sent, newest first; an e-mail opened with
//! its links and invitation; names escaped everywhere; the clock and dead-letter buttons. The
//! same pages are driven in a real browser by `infra/browser-test.sh`.

use rappel_ports::delivery::OutboxFault;
use rappel_testkit::fixtures::friday_before;
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::json;

struct Page {
    status: u16,
    body: String,
    location: Option<String>,
}

async fn page(app: &TestApp, method: &str, path: &str, form: Option<&str>) -> Page {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client.request(method.parse().unwrap(), format!("{}{path}", app.base));
    if let Some(form) = form {
        request = request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned());
    }
    let response = request.send().await.expect("the stack answers");
    Page {
        status: response.status().as_u16(),
        location: response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned()),
        body: response.text().await.unwrap(),
    }
}

/// The ids of the e-mails the inbox page links to, in page order.
fn message_ids(inbox: &str) -> Vec<String> {
    inbox
        .split("href=\"/_local/messages/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_inbox_lists_every_message_newest_first_with_the_planned_ones() {
    let app = spawn_app(friday_before()).await;
    let (_, id) = app.lea_booked_friday_10am().await;
    app.post(&format!("/v1/appointments/{id}/cancel"), json!({}))
        .await;

    let inbox = page(&app, "GET", "/", None).await;
    assert_eq!(inbox.status, 200);
    let confirmed = inbox
        .body
        .find("Rendez-vous confirmé")
        .expect("the confirmation");
    let cancelled = inbox.body.find("Rendez-vous annulé").expect("the notice");
    assert!(cancelled < confirmed, "newest first");
    assert!(inbox.body.contains(&id), "the appointment's plan is shown");
    assert!(inbox.body.contains("sms"), "SMS are listed too");
    assert_eq!(page(&app, "GET", "/_local/", None).await.body, inbox.body);
}

#[tokio::test]
async fn the_inbox_lists_the_delivery_events_newest_first_and_the_webhook_endpoints() {
    let app = spawn_app(friday_before()).await;
    let (_, id) = app.lea_booked_friday_10am().await;
    let registered = app
        .post("/v1/webhooks", json!({"url": "http://127.0.0.1:9/hooks"}))
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    app.post(&format!("/v1/appointments/{id}/cancel"), json!({}))
        .await;

    let inbox = page(&app, "GET", "/", None).await;
    let events = inbox
        .body
        .find("Delivery events")
        .expect("the events section");
    let section = &inbox.body[events..];
    assert!(
        section.contains("message.withdrawn"),
        "the cancel's withdrawals"
    );
    let cancelled = section
        .find("email cancelled to")
        .expect("the cancel's notice");
    let confirmed = section
        .find("email confirmation to")
        .expect("the booking's confirmation");
    assert!(cancelled < confirmed, "newest first: {section}");
    assert!(inbox.body.contains("127.0.0.1:9"), "the endpoint");
}

#[tokio::test]
async fn an_email_opens_with_its_links_its_invitation_and_its_html_sandboxed() {
    let app = spawn_app(friday_before()).await;
    app.lea_booked_friday_10am().await;
    let inbox = page(&app, "GET", "/", None).await.body;
    let ids = message_ids(&inbox);
    assert!(!ids.is_empty(), "the inbox links to the e-mails: {inbox}");

    let mut found_client_mail = false;
    for id in ids {
        let mail = page(&app, "GET", &format!("/_local/messages/{id}"), None).await;
        assert_eq!(mail.status, 200);
        if mail.body.contains("lea@example.fr") {
            found_client_mail = true;
            assert!(mail.body.contains("class=\"link-cancel\""), "{}", mail.body);
            assert!(mail.body.contains("class=\"link-reschedule\""));
            assert!(mail.body.contains("REQUEST"), "the invitation's method");
            assert!(mail.body.contains("<iframe sandbox=\"\""));
        }
    }
    assert!(found_client_mail);
    assert_eq!(
        page(&app, "GET", "/_local/messages/nothing-here", None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn names_that_look_like_html_are_shown_as_text() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let client = app
        .create_client(json!({"name": "<b>Léa</b>", "email": "lea@example.fr"}))
        .await;
    app.book(
        &client,
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:45:00+01:00",
    )
    .await;

    let inbox = page(&app, "GET", "/", None).await.body;
    let ids = message_ids(&inbox);
    assert!(!ids.is_empty());
    for id in ids {
        let mail = page(&app, "GET", &format!("/_local/messages/{id}"), None)
            .await
            .body;
        assert!(!mail.contains("<b>Léa</b>"), "{mail}");
    }
}

#[tokio::test]
async fn the_advance_button_moves_the_clock_and_fires_what_is_due() {
    let app = spawn_app(friday_before()).await;
    app.lea_booked_friday_10am().await;
    let before = app.sent_to("lea@example.fr").await.len();

    let moved = page(&app, "POST", "/_local/ui/advance", Some("by=7d")).await;
    assert_eq!((moved.status, moved.location.as_deref()), (303, Some("/")));
    assert_eq!(
        app.get("/_local/clock").await.body["now"],
        "2026-03-27T09:00:00Z"
    );
    assert!(
        app.sent_to("lea@example.fr").await.len() > before,
        "the reminder"
    );

    let refused = page(&app, "POST", "/_local/ui/advance", Some("by=soon")).await;
    assert_eq!(refused.status, 422);
}

#[tokio::test]
async fn the_replay_button_delivers_the_dead_letters_and_returns_to_the_inbox() {
    let app = spawn_app(friday_before()).await;
    app.lea_booked_friday_10am().await;
    app.stack.outbox.inject_email_faults(
        [OutboxFault::Transient; rappel_ports::send_queue::MAX_RECEIVES as usize],
    );
    app.advance_to("2026-03-26T09:30:00Z").await;
    let inbox = page(&app, "GET", "/", None).await.body;
    assert!(inbox.contains("Dead letters (1)"), "{inbox}");

    let replayed = page(&app, "POST", "/_local/ui/replay", None).await;
    assert_eq!(
        (replayed.status, replayed.location.as_deref()),
        (303, Some("/"))
    );
    assert!(app.stack.dead_letters().is_empty());
    let inbox = page(&app, "GET", "/", None).await.body;
    assert!(inbox.contains("Dead letters (0)"));
    assert!(inbox.contains("Rappel"), "the reminder went out");
}
