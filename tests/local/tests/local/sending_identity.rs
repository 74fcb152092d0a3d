//! A business's own sending domain: registered through `/v1/sending-identity`, which answers
//! the DKIM records to publish; mail leaves from the platform's address until the domain is
//! verified, then from the business's own; a domain is one business's only.

use rappel_testkit::fixtures::{LEA_MAIL, friday_before};
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

/// The `From:` header of the last e-mail sent to `to`.
async fn last_from(app: &TestApp, to: &str) -> String {
    let mail = app.sent_to(to).await;
    let last = mail.last().expect("an e-mail");
    let mime = last["mime"].as_str().expect("its MIME");
    mime.lines()
        .find(|line| line.starts_with("From:"))
        .expect("a From header")
        .to_owned()
}

async fn book(app: &TestApp, client: &str, day: u32) -> Value {
    app.book(
        client,
        &format!("2026-03-{day}T10:00:00+01:00"),
        &format!("2026-03-{day}T10:45:00+01:00"),
    )
    .await
}

#[tokio::test]
async fn mail_leaves_from_the_business_domain_once_its_dns_records_are_published() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let registered = app
        .put("/v1/sending-identity", json!({"domain": "salon-lea.fr"}))
        .await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    assert_eq!(registered.body["status"], "pending");
    assert_eq!(registered.body["mailbox"], "rendez-vous");
    let records = registered.body["dns_records"].as_array().expect("records");
    assert_eq!(records.len(), 3, "{}", registered.body);
    for record in records {
        assert_eq!(record["type"], "CNAME");
        assert!(
            record["name"]
                .as_str()
                .is_some_and(|n| n.ends_with("._domainkey.salon-lea.fr")),
            "{record}"
        );
    }

    let lea = app.create_lea().await;
    book(&app, &lea, 27).await;
    let pending_from = last_from(&app, LEA_MAIL).await;
    assert!(
        !pending_from.contains("salon-lea.fr"),
        "not before it is verified: {pending_from}"
    );

    let verified = app
        .put("/_local/sending-domains/salon-lea.fr/verified", json!({}))
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let identity = app.get("/v1/sending-identity").await;
    assert_eq!(identity.body["status"], "verified", "{}", identity.body);
    // A save of the settings keeps it.
    app.seed_business().await;
    assert_eq!(
        app.get("/v1/sending-identity").await.body["status"],
        "verified"
    );

    book(&app, &lea, 30).await;
    let own_from = last_from(&app, LEA_MAIL).await;
    assert!(
        own_from.contains("rendez-vous@salon-lea.fr"),
        "from the business's own address: {own_from}"
    );

    let removed = app.delete("/v1/sending-identity").await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert_eq!(app.get("/v1/sending-identity").await.status, 404);
    book(&app, &lea, 31).await;
    let back = last_from(&app, LEA_MAIL).await;
    assert!(!back.contains("salon-lea.fr"), "{back}");
}

#[tokio::test]
async fn a_domain_is_one_business_s_until_it_gives_it_up() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let domain = json!({"domain": "salon-lea.fr", "mailbox": "contact"});
    assert_eq!(
        app.put("/v1/sending-identity", domain.clone()).await.status,
        200
    );

    let other = app
        .call_as(
            "salon-b",
            "PUT",
            "/v1/sending-identity",
            Some(domain.clone()),
        )
        .await;
    assert_eq!(other.status, 409, "{}", other.body);
    assert_eq!(other.body["error"]["code"], "domain_taken");
    let none = app
        .call_as("salon-b", "GET", "/v1/sending-identity", None)
        .await;
    assert_eq!(none.status, 404);
    assert_eq!(none.body["error"]["code"], "no_sending_identity");

    assert_eq!(app.delete("/v1/sending-identity").await.status, 204);
    let now_free = app
        .call_as("salon-b", "PUT", "/v1/sending-identity", Some(domain))
        .await;
    assert_eq!(now_free.status, 200, "{}", now_free.body);
}

#[tokio::test]
async fn a_domain_or_mailbox_that_is_not_one_is_refused() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    for body in [
        json!({"domain": "localhost"}),
        json!({"domain": "Salon-Lea.FR"}),
        json!({"domain": "salon-lea.fr", "mailbox": "Rendez Vous"}),
        json!({"domain": "salon-lea.fr", "extra": true}),
    ] {
        let answer = app.put("/v1/sending-identity", body.clone()).await;
        assert_eq!(answer.status, 422, "{body}: {}", answer.body);
    }
}
