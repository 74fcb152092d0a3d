//! Re-engagement on the AWS path (moto): the step's schedule is created in the client's
//! prefix, and when it fires the message goes through SES with the one-click unsubscribe
//! headers and through SNS as a promotional SMS — the real handlers and adapters throughout.

use chrono::{TimeZone, Utc};
use rappel_aws_tests::aws::{recording_mark, save_recording_since, spawn_aws_app, unique_phone};
use rappel_testkit::CallsApi;
use rappel_testkit::fixtures::LEA_MAIL;
use serde_json::json;

#[tokio::test]
#[cfg_attr(
    not(feature = "emulator"),
    ignore = "needs the emulator: infra/test.sh"
)]
async fn a_re_engagement_step_goes_out_through_ses_with_unsubscribe_headers_and_sns_as_promotional()
{
    let app = spawn_aws_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), true).await;
    app.seed_salon().await;
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {
            "reengagement": {
                "steps": [{"days_after_last_visit": 30, "email": true, "sms": true}],
                "booking_url": "https://salon-lea.fr/reserver"
            }
        }
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    app.pump_stream().await;
    let phone = unique_phone();
    let phone = phone.as_str();
    let created = app
        .post(
            "/v1/clients",
            json!({"name": "Léa Martin", "email": LEA_MAIL, "phone": phone,
                   "preferences": {"marketing": true}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    app.pump_stream().await;
    let lea = created.body["id"].as_str().unwrap().to_owned();
    app.book_friday_10am(&lea).await;

    let schedules = app.schedules().await;
    let steps: Vec<_> = schedules
        .iter()
        .filter(|s| s.input["key"]["kind"] == "reengagement")
        .collect();
    assert_eq!(steps.len(), 2, "e-mail and SMS: {schedules:#?}");
    assert!(
        steps.iter().all(|s| s.name.starts_with('c')),
        "client prefix"
    );
    assert!(steps.iter().all(|s| s.input["v"] == 2));
    assert!(
        steps
            .iter()
            .all(|s| s.input["key"]["subject"] == json!({"type": "client", "id": lea}))
    );

    let before = app.emails_to(LEA_MAIL).await.len();
    // Everything due before the step (reminders, follow-up) fires first; then the step alone
    // (its e-mail and its SMS), measured for `infra/count-aws-calls.sh`.
    app.advance_to("2026-04-26T08:00:00Z").await;
    let mark = recording_mark();
    app.advance_to("2026-04-26T09:00:00Z").await;
    save_recording_since(mark, "reengagement-step");
    let mails = app.emails_to(LEA_MAIL).await;
    let step: Vec<_> = mails[before..]
        .iter()
        .filter(|m| m.subject.contains("cela fait longtemps"))
        .collect();
    assert_eq!(step.len(), 1, "{mails:#?}");
    assert!(
        step[0].raw.contains("List-Unsubscribe: <http"),
        "{}",
        step[0].raw
    );
    assert!(
        step[0]
            .raw
            .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{}",
        step[0].raw
    );
    let promotional: Vec<_> = app
        .sms_attributes(phone)
        .into_iter()
        .filter(|a| a.get("AWS.SNS.SMS.SMSType").map(String::as_str) == Some("Promotional"))
        .collect();
    assert_eq!(promotional.len(), 1, "the step's SMS, and only it");
    let texts = app.sms_to(phone).await;
    assert!(
        texts
            .iter()
            .any(|t| t.text.contains("ne vous avons pas vu")),
        "{texts:#?}"
    );
}
