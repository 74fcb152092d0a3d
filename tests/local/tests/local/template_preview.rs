//! A business edits a template and sees it before its clients do: rendered with one of its
//! real appointments, clients or documents, or with sample values — and nothing is sent.

use rappel_testkit::fixtures::{LEA_PHONE, friday_before};
use rappel_testkit::{CallsApi, spawn_app};
use serde_json::json;

#[tokio::test]
async fn an_unsaved_sms_is_previewed_with_a_real_appointment_and_nothing_is_sent() {
    let app = spawn_app(friday_before()).await;
    let (lea, appointment) = app.lea_booked_friday_10am().await;
    app.stack.settle().await;
    let outbox = app.outbox().await;
    let history = app.communications(&lea).await;

    let shown = app
        .post(
            "/v1/templates/reminder/sms/fr/preview",
            json!({"template": {"text": "Bonjour {{ client_name }}, RDV le {{ date }} à {{ time }}."},
                   "appointment_id": appointment}),
        )
        .await;

    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(shown.body["source"], "request");
    assert_eq!(shown.body["sample"], false);
    assert_eq!(shown.body["to"], LEA_PHONE);
    let text = shown.body["text"].as_str().unwrap();
    assert!(
        text.contains("Léa Martin") && text.contains("10:00"),
        "{text}"
    );
    assert_eq!(shown.body["sms"]["parts"], 1);
    app.stack.settle().await;
    assert_eq!(app.outbox().await, outbox, "a preview sends nothing");
    assert_eq!(
        app.communications(&lea).await,
        history,
        "nor records anything"
    );
}

#[tokio::test]
async fn the_saved_or_built_in_email_is_previewed_with_sample_values() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;

    let built_in = app
        .post("/v1/templates/reminder/email/fr/preview", json!(null))
        .await;
    let saved = app
        .put(
            "/v1/templates/reminder/email/fr",
            json!({"subject": "À demain, {{ client_name }}", "text": "Rendez-vous à {{ time }}."}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let custom = app
        .post("/v1/templates/reminder/email/fr/preview", json!({}))
        .await;

    assert_eq!(built_in.status, 200, "{}", built_in.body);
    assert_eq!(
        (&built_in.body["source"], &built_in.body["sample"]),
        (&json!("default"), &json!(true))
    );
    assert!(
        built_in.body["subject"]
            .as_str()
            .unwrap()
            .starts_with("Rappel")
    );
    assert_eq!(custom.body["source"], "custom");
    assert!(
        custom.body["subject"]
            .as_str()
            .unwrap()
            .starts_with("À demain, ")
    );
    assert!(
        custom.body["html"]
            .as_str()
            .unwrap()
            .contains("<p>Rendez-vous à")
    );
}

#[tokio::test]
async fn a_preview_refuses_a_subject_of_another_kind_a_bad_text_and_anothers_ids() {
    let app = spawn_app(friday_before()).await;
    let (lea, appointment) = app.lea_booked_friday_10am().await;

    let mismatch = app
        .post(
            "/v1/templates/reminder/email/fr/preview",
            json!({"client_id": lea}),
        )
        .await;
    let broken = app
        .post(
            "/v1/templates/reminder/email/fr/preview",
            json!({"template": {"subject": "x", "text": "{% if %}"}}),
        )
        .await;
    let elsewhere = app
        .call_as(
            "salon-max",
            "POST",
            "/v1/templates/reminder/email/fr/preview",
            Some(json!({"appointment_id": appointment})),
        )
        .await;

    assert_eq!(
        (mismatch.status, &mismatch.body["error"]["code"]),
        (422, &json!("subject_mismatch"))
    );
    assert_eq!(
        (broken.status, &broken.body["error"]["code"]),
        (422, &json!("template_syntax"))
    );
    assert_eq!(elsewhere.status, 404, "{}", elsewhere.body);
    assert!(!elsewhere.body.to_string().contains("Léa"));
}

#[tokio::test]
async fn a_test_goes_once_to_the_address_given_and_never_counts_as_the_clients_message() {
    let app = spawn_app(friday_before()).await;
    let (lea, appointment) = app.lea_booked_friday_10am().await;
    app.stack.settle().await;

    let shown = app
        .post(
            "/v1/templates/reminder/email/fr/preview",
            json!({"appointment_id": appointment, "send_to": "owner@salon-lea.fr"}),
        )
        .await;
    app.stack.settle().await;

    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body["test_id"].is_string(), "{}", shown.body);
    let tests = app.sent_to("owner@salon-lea.fr").await;
    assert_eq!(tests.len(), 1, "one test");
    assert_eq!(tests[0]["subject"], shown.body["subject"]);
    let history = app.communications(&lea).await;
    let recorded: Vec<_> = history
        .iter()
        .filter(|c| c["status"] == "test_sent")
        .collect();
    assert_eq!(recorded.len(), 1, "{history:#?}");
    assert_eq!(recorded[0]["kind"], "reminder");
    // The real reminder is still to come, and comes.
    app.advance_to("2026-03-26T09:00:00Z").await;
    assert_eq!(
        app.sent_of_kind("reminder", "lea@example.fr").await.len(),
        1
    );
}

#[tokio::test]
async fn a_test_of_a_sample_sms_goes_to_the_number_given() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;

    let shown = app
        .post(
            "/v1/templates/reminder/sms/fr/preview",
            json!({"send_to": "+33698765432"}),
        )
        .await;
    let wrong = app
        .post(
            "/v1/templates/reminder/sms/fr/preview",
            json!({"send_to": "owner@salon-lea.fr"}),
        )
        .await;
    app.stack.settle().await;

    assert_eq!(shown.status, 200, "{}", shown.body);
    let sent = app.sent_to("+33698765432").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["text"], shown.body["text"]);
    assert_eq!(
        (wrong.status, &wrong.body["error"]["code"]),
        (422, &json!("invalid_field"))
    );
}

#[tokio::test]
async fn a_real_appointment_is_previewed_with_its_types_own_text_as_it_would_be_sent() {
    let app = spawn_app(friday_before()).await;
    let (_, appointment) = app.lea_booked_friday_10am().await;
    let saved = app
        .put(
            "/v1/templates/reminder/email/fr?type_id=cut",
            json!({"subject": "Votre coupe, {{ client_name }}", "text": "À {{ time }}."}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);

    let shown = app
        .post(
            "/v1/templates/reminder/email/fr/preview",
            json!({"appointment_id": appointment}),
        )
        .await;

    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(shown.body["source"], "custom");
    assert_eq!(shown.body["subject"], "Votre coupe, Léa Martin");
}
