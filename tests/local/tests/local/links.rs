//! The client's links through real HTTP on the local stack: a cancel link shows a page and
//! only its button cancels; every way a link can be unusable answers a clear 4xx page; the
//! reschedule link hands over to the business's booking page; one-click unsubscribe; and links
//! survive a key rotation.

use chrono::{TimeZone, Utc};
use rappel_core::model::TenantId;
use rappel_core::render::LinkSigner;
use rappel_testkit::fixtures::{LEA_MAIL, friday_before};
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::json;

/// A link of `action` from the latest e-mail to Léa that carries one.
async fn link_in_mail(app: &TestApp, action: &str) -> String {
    let mails = app.sent_to(LEA_MAIL).await;
    let marker = format!("/{action}?exp=");
    mails
        .iter()
        .rev()
        .filter_map(|m| m["text"].as_str())
        .flat_map(|text| text.split_whitespace())
        .find(|word| word.contains(&marker))
        .unwrap_or_else(|| panic!("a {action} link in {mails:#?}"))
        .to_owned()
}

struct Page {
    status: u16,
    body: String,
    location: Option<String>,
}

async fn fetch(app: &TestApp, method: &str, url: &str, body: Option<&str>) -> Page {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client
        .request(method.parse().unwrap(), url)
        .header("accept-language", "fr-FR,fr;q=0.9");
    if let Some(body) = body {
        request = request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
    }
    let response = request.send().await.expect("the stack answers");
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.text().await.unwrap();
    let _ = app;
    Page {
        status,
        body,
        location,
    }
}

async fn status_of(app: &TestApp, appointment: &str) -> String {
    app.get(&format!("/v1/appointments/{appointment}"))
        .await
        .body["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn following_a_cancel_link_shows_the_appointment_and_only_the_button_cancels() {
    let app = spawn_app(friday_before()).await;
    let (_, id) = app.lea_booked_friday_10am().await;
    let cancel = link_in_mail(&app, "cancel").await;
    assert!(cancel.starts_with(&format!("{}/links/salon-lea/{id}/cancel?", app.base)));

    // A mail scanner (or the client) opening the link changes nothing.
    let shown = fetch(&app, "GET", &cancel, None).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(
        shown.body.contains("Annuler ce rendez-vous ?"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("vendredi 27 mars 2026 à 10:00"));
    assert!(shown.body.contains("Coupe avec Sam"));
    assert!(shown.body.contains("<form method=\"post\">"));
    assert_eq!(status_of(&app, &id).await, "confirmed");

    // The button cancels, by the client: Léa and Sam are told.
    let done = fetch(&app, "POST", &cancel, Some("")).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Rendez-vous annulé"));
    assert_eq!(status_of(&app, &id).await, "cancelled");
    // The client's own "no": their answer, with how it came.
    let cancelled = app.get(&format!("/v1/appointments/{id}")).await.body;
    assert_eq!(
        cancelled["client_confirmation"]["state"], "declined",
        "{cancelled}"
    );
    assert_eq!(
        cancelled["client_confirmation"]["by"], "link",
        "{cancelled}"
    );
    let to_lea = app.sent_to(LEA_MAIL).await;
    assert!(to_lea.iter().any(|m| m["subject"] == "Rendez-vous annulé"));
    let to_sam = app.sent_to("sam@salon-lea.fr").await;
    assert!(
        to_sam.iter().any(|m| m["subject"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Rendez-vous annulé")),
        "a client-made cancellation alerts the staff member: {to_sam:#?}"
    );

    // How it was cancelled is the client's own event (the integrator hears it), once.
    let cancelled_by_client = || async {
        app.get("/_local/events").await.body["events"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["type"] == "client.cancelled_appointment")
            .cloned()
            .collect::<Vec<_>>()
    };
    let events = cancelled_by_client().await;
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(
        events[0]["subject"],
        json!({"type": "appointment", "id": id})
    );

    // Following it again: already cancelled.
    let again = fetch(&app, "GET", &cancel, None).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("Déjà annulé"));
    assert_eq!(fetch(&app, "POST", &cancel, Some("")).await.status, 409);
    assert_eq!(cancelled_by_client().await.len(), 1);
}

#[tokio::test]
async fn a_tampered_an_unknown_and_a_malformed_link_answer_the_same_page() {
    let app = spawn_app(friday_before()).await;
    let (_, id) = app.lea_booked_friday_10am().await;
    let cancel = link_in_mail(&app, "cancel").await;
    let (path, query) = cancel.split_once('?').unwrap();

    let tampered = format!("{cancel}0").replace("sig=", "sig=0");
    let tampered_page = fetch(&app, "GET", &tampered, None).await;
    assert_eq!(tampered_page.status, 404);
    assert!(tampered_page.body.contains("Lien non valide"));

    // A well-signed link for an appointment that does not exist.
    let signer = LinkSigner::new(
        format!("{}/links", app.base),
        b"local-test-link-key-of-32-bytes-at-least".to_vec(),
    );
    let salon = TenantId::parse("salon-lea").unwrap();
    let ghost = signer.link(
        &salon,
        &rappel_core::model::AppointmentId::parse("ap_nothing").unwrap(),
        rappel_core::render::LinkAction::Cancel,
        Utc.with_ymd_and_hms(2026, 4, 10, 0, 0, 0).unwrap(),
    );
    let unknown = fetch(&app, "GET", &ghost, None).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.body, tampered_page.body, "nothing tells them apart");

    for malformed in [
        path.to_owned(),
        format!("{path}?{}", query.split('&').next().unwrap()),
        format!("{path}?exp=soon&sig=00"),
        cancel.replace("/salon-lea/", "/other-salon/"),
        cancel.replace("/salon-lea/", "/bad%20tenant/"),
        cancel.replace(&format!("/{id}/cancel"), &format!("/{id}/delete")),
        cancel.replace(&format!("/{id}/cancel"), &format!("/{id}/reschedule")),
    ] {
        let page = fetch(&app, "GET", &malformed, None).await;
        assert_eq!(page.status, 404, "{malformed}");
        assert_eq!(page.body, tampered_page.body, "{malformed}");
        assert_eq!(fetch(&app, "POST", &malformed, Some("")).await.status, 404);
    }
    assert_eq!(status_of(&app, &id).await, "confirmed");
}

#[tokio::test]
async fn a_link_after_the_start_says_so_and_a_week_after_the_end_it_has_expired() {
    let app = spawn_app(friday_before()).await;
    let (_, id) = app.lea_booked_friday_10am().await;
    let cancel = link_in_mail(&app, "cancel").await;
    app.advance_to("2026-03-27T09:30:00Z").await; // 10:30 in Paris: begun
    let started = fetch(&app, "POST", &cancel, Some("")).await;
    assert_eq!(started.status, 409);
    assert!(started.body.contains("Rendez-vous passé"));
    app.advance_to("2026-04-03T10:00:00Z").await; // a week and a bit after its end
    let expired = fetch(&app, "GET", &cancel, None).await;
    assert_eq!(expired.status, 410);
    assert!(expired.body.contains("Lien expiré"));
    assert_eq!(status_of(&app, &id).await, "confirmed");
}

#[tokio::test]
async fn the_reschedule_link_hands_over_to_the_booking_page_with_a_token_or_asks_to_call() {
    let app = spawn_app(friday_before()).await;
    let (_, id) = app.lea_booked_friday_10am().await;
    let reschedule = link_in_mail(&app, "reschedule").await;

    let contact = fetch(&app, "GET", &reschedule, None).await;
    assert_eq!(contact.status, 200);
    assert!(
        contact.body.contains("contactez directement"),
        "{}",
        contact.body
    );
    assert!(contact.body.contains("Salon Léa"));

    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "managers": [{"id": "owner", "name": "Olga", "email": "olga@salon-lea.fr"}],
        "reschedule_url": "https://salon-lea.fr/reserver?rdv={appointment_id}&jeton={token}"
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    let handed = fetch(&app, "GET", &reschedule, None).await;
    assert_eq!(handed.status, 303);
    let location = handed.location.unwrap();
    let prefix = format!("https://salon-lea.fr/reserver?rdv={id}&jeton=");
    assert!(location.starts_with(&prefix), "{location}");
    let token = &location[prefix.len()..];
    let signer = LinkSigner::new(
        "unused",
        b"local-test-link-key-of-32-bytes-at-least".to_vec(),
    );
    let salon = TenantId::parse("salon-lea").unwrap();
    let fields: Vec<&str> = token.split('.').collect();
    assert_eq!(fields.len(), 3);
    assert_eq!(fields[0], id);
    let expected = signer.reschedule_token(
        &salon,
        &rappel_core::model::AppointmentId::parse(&id).unwrap(),
        Utc.timestamp_opt(fields[1].parse().unwrap(), 0).unwrap(),
    );
    assert_eq!(token, expected, "the booking tool can check it");
    let keys = app.get("/v1/reschedule-keys").await.body;
    assert_eq!(
        keys["keys"],
        json!(signer.business_keys(&salon)),
        "with the key the API hands the business"
    );
    assert_eq!(status_of(&app, &id).await, "confirmed", "nothing changed");
    assert_eq!(fetch(&app, "POST", &reschedule, Some("")).await.status, 405);

    let bad = app
        .put(
            "/v1/settings",
            json!({"business_name": "Salon Léa", "reschedule_url": "https://salon-lea.fr/reserver"}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.to_string().contains("reschedule_url"));
}

/// The salon, Léa with marketing consent, and the unsubscribe link her marketing e-mails carry.
async fn lea_with_marketing_consent_and_her_unsubscribe_link() -> (TestApp, String, String) {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app
        .create_client(
            json!({"name": "Léa Martin", "email": LEA_MAIL, "preferences": {"marketing": true}}),
        )
        .await;
    let signer = LinkSigner::new(
        format!("{}/links", app.base),
        b"local-test-link-key-of-32-bytes-at-least".to_vec(),
    );
    let url = signer.unsubscribe_link(
        &TenantId::parse("salon-lea").unwrap(),
        &rappel_core::model::ClientId::parse(&lea).unwrap(),
        Utc.with_ymd_and_hms(2027, 3, 20, 0, 0, 0).unwrap(),
    );
    (app, lea, url)
}

#[tokio::test]
async fn one_click_unsubscribe_withdraws_marketing_consent_with_a_200_and_no_redirect() {
    let (app, lea, url) = lea_with_marketing_consent_and_her_unsubscribe_link().await;

    let shown = fetch(&app, "GET", &url, None).await;
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("Me désabonner"));
    assert!(
        shown
            .body
            .contains("name=\"List-Unsubscribe\" value=\"One-Click\"")
    );
    let client = app.get(&format!("/v1/clients/{lea}")).await.body;
    assert_eq!(
        client["preferences"]["marketing"], true,
        "a GET changes nothing"
    );

    assert_eq!(
        fetch(&app, "POST", &url, Some("unsubscribe=yes"))
            .await
            .status,
        400
    );
    let done = fetch(&app, "POST", &url, Some("List-Unsubscribe=One-Click")).await;
    assert_eq!(done.status, 200);
    assert!(done.location.is_none());
    assert!(done.body.contains("Désabonnement confirmé"));
    let client = app.get(&format!("/v1/clients/{lea}")).await.body;
    assert_eq!(client["preferences"]["marketing"], false);
    let history = app.communications(&lea).await;
    assert!(
        history.iter().any(|c| c["status"] == "unsubscribed"),
        "{history:#?}"
    );
    // Pressing again is harmless.
    assert_eq!(
        fetch(&app, "POST", &url, Some("List-Unsubscribe=One-Click"))
            .await
            .status,
        200
    );
    assert_eq!(
        app.communications(&lea)
            .await
            .iter()
            .filter(|c| c["status"] == "unsubscribed")
            .count(),
        1
    );
}

/// The unsubscribe reads the client, then writes it: a business's edit landing in between
/// (a conflict on the version) must not cost the consent's withdrawal — a mail provider's
/// one-click POST is not retried by a person pressing again.
#[tokio::test]
async fn a_one_click_unsubscribe_racing_a_business_edit_still_withdraws_consent() {
    use rappel_app::commands::clients::{Withdrawal, withdraw_marketing};
    use rappel_ports::records::TypedRecords;
    let (app, lea, _) = lea_with_marketing_consent_and_her_unsubscribe_link().await;
    let services = app.stack.api_services();
    let tenant = TenantId::parse("salon-lea").unwrap();
    let id = rappel_core::model::ClientId::parse(&lea).unwrap();
    // What the link's handler read…
    let read = services
        .records
        .client(&tenant, &id)
        .await
        .unwrap()
        .unwrap();
    // …then the business changes her phone number before the handler writes.
    let edited = app
        .patch(
            &format!("/v1/clients/{lea}"),
            json!({"phone": "+33698765432"}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);

    let withdrawn = withdraw_marketing(&services, &read, Withdrawal::OneClick).await;

    assert!(withdrawn.is_ok(), "{withdrawn:?}");
    let client = app.get(&format!("/v1/clients/{lea}")).await.body;
    assert_eq!(client["preferences"]["marketing"], false);
    assert_eq!(
        client["phone"], "+33698765432",
        "the business's edit is kept"
    );
    assert_eq!(
        app.communications(&lea)
            .await
            .iter()
            .filter(|c| c["status"] == "unsubscribed")
            .count(),
        1
    );
}

#[tokio::test]
async fn links_in_mails_already_sent_survive_a_key_rotation() {
    let app = spawn_app(friday_before()).await;
    let (_, id) = app.lea_booked_friday_10am().await;
    let old_link = link_in_mail(&app, "cancel").await;

    // The same stack's link routes, now with a new current key and the old one as previous.
    let rotated = LinkSigner::from_secret(
        format!("{}/links", app.base),
        br#"{"current": "a-brand-new-link-key-of-32-bytes-or-more", "previous": "local-test-link-key-of-32-bytes-at-least"}"#,
    )
    .unwrap();
    let router = rappel_api::links_router(rappel_api::LinksState {
        services: app.stack.api_services(),
        links: rotated.clone(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let rotated_base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let old_on_rotated = old_link.replace(&app.base, &rotated_base);
    assert_eq!(fetch(&app, "GET", &old_on_rotated, None).await.status, 200);
    // And once the previous key is dropped, the old link stops.
    let dropped =
        LinkSigner::from_secret("x", b"a-brand-new-link-key-of-32-bytes-or-more").unwrap();
    let router = rappel_api::links_router(rappel_api::LinksState {
        services: app.stack.api_services(),
        links: dropped,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dropped_base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let old_on_dropped = old_link.replace(&app.base, &dropped_base);
    assert_eq!(fetch(&app, "GET", &old_on_dropped, None).await.status, 404);
    assert_eq!(status_of(&app, &id).await, "confirmed");
}

#[tokio::test]
async fn a_one_click_unsubscribe_posted_as_multipart_form_data_withdraws_consent_too() {
    let (app, lea, url) = lea_with_marketing_consent_and_her_unsubscribe_link().await;
    // What a mail provider's client library sends for a form with one field.
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n";
    let done = reqwest::Client::new()
        .post(&url)
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(body)
        .send()
        .await
        .expect("the stack answers");
    assert_eq!(done.status(), 200);
    let client = app.get(&format!("/v1/clients/{lea}")).await.body;
    assert_eq!(client["preferences"]["marketing"], false, "{client}");
}

#[tokio::test]
async fn a_link_that_does_not_hold_is_answered_404_whatever_the_size_of_its_form() {
    let app = spawn_app(friday_before()).await;
    let (_, id) = app.lea_booked_friday_10am().await;
    let cancel = link_in_mail(&app, "cancel").await;
    let big_form = format!("x={}", "a".repeat(4 * 1024));
    let bogus_action = cancel.replace("/cancel?", "/bogus?");
    let answer = fetch(&app, "POST", &bogus_action, Some(&big_form)).await;
    assert_eq!(answer.status, 404, "{}", answer.body);
    // A link that holds refuses a form over 1 KiB, and does nothing.
    let oversized = fetch(&app, "POST", &cancel, Some(&big_form)).await;
    assert_eq!(oversized.status, 413, "{}", oversized.body);
    assert_eq!(status_of(&app, &id).await, "confirmed");
}
