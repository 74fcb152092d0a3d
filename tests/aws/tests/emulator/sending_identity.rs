//! A business's own sending domain on AWS: claimed for one business in the deliveries table,
//! registered as an SES email identity with Easy DKIM, read back while pending, given up.
//! (The emulator never verifies a domain: its status stays `pending` here.)

use chrono::{TimeZone, Utc};
use rappel_aws_tests::aws::spawn_aws_app;
use rappel_testkit::CallsApi;
use serde_json::json;

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_business_domain_becomes_an_ses_identity_that_no_other_business_can_take() {
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), false).await;
    app.seed_salon().await;
    // The emulator's SES identities are shared by every test: a domain of this app's own.
    let digits: String = app.phone.chars().filter(char::is_ascii_digit).collect();
    let domain = format!("salon-{digits}.fr");
    let ses = aws_sdk_sesv2::Client::new(&app.sdk);

    let registered = app
        .put("/v1/sending-identity", json!({"domain": domain}))
        .await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    assert_eq!(registered.body["status"], "pending");
    let identity = ses
        .get_email_identity()
        .email_identity(&domain)
        .send()
        .await
        .expect("SES has the domain's identity");
    assert_eq!(
        identity.identity_type(),
        Some(&aws_sdk_sesv2::types::IdentityType::Domain)
    );
    let read = app.get("/v1/sending-identity").await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["domain"], domain.as_str());
    assert_eq!(read.body["status"], "pending");

    let other = app
        .call_with_claims(
            "PUT",
            "/v1/sending-identity",
            Some(json!({"domain": domain})),
            json!({"tenant_id": "salon-b"}),
        )
        .await;
    assert_eq!(other.status, 409, "{}", other.body);
    assert_eq!(other.body["error"]["code"], "domain_taken");

    assert_eq!(app.delete("/v1/sending-identity").await.status, 204);
    assert_eq!(app.get("/v1/sending-identity").await.status, 404);
    assert!(
        ses.get_email_identity()
            .email_identity(&domain)
            .send()
            .await
            .is_err(),
        "the identity is deleted at SES"
    );
    let now_free = app
        .call_with_claims(
            "PUT",
            "/v1/sending-identity",
            Some(json!({"domain": domain})),
            json!({"tenant_id": "salon-b"}),
        )
        .await;
    assert_eq!(now_free.status, 200, "{}", now_free.body);
}
