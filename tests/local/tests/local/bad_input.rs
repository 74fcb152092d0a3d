//! Bad input always gets a 4xx with a machine-readable code and a human message; tenants never
//! see each other's data.

use chrono::{TimeZone, Utc};
use rappel_testkit::CallsApi;
use rappel_testkit::{TestApp, spawn_app};
use serde_json::json;

async fn app() -> TestApp {
    let app = spawn_app(Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()).await;
    app.seed_business().await;
    app
}

fn code(r: &rappel_testkit::Response) -> (u16, String) {
    (
        r.status,
        r.body["error"]["code"]
            .as_str()
            .unwrap_or("<no code>")
            .to_owned(),
    )
}

#[tokio::test]
async fn malformed_json_is_a_400_and_a_wrong_content_type_a_415() {
    let app = app().await;
    let broken = app
        .http
        .post(format!("{}/v1/clients", app.base))
        .header("x-tenant-id", "salon-lea")
        .header("content-type", "application/json")
        .body("{\"name\": ");
    assert_eq!(
        code(&app.send(broken).await),
        (400, "malformed_json".into())
    );
    let text = app
        .http
        .post(format!("{}/v1/clients", app.base))
        .header("x-tenant-id", "salon-lea")
        .body("name=Léa");
    assert_eq!(
        code(&app.send(text).await),
        (415, "unsupported_media_type".into())
    );
}

#[tokio::test]
async fn invalid_phone_email_time_zone_and_locale_name_the_field() {
    let app = app().await;
    for (body, field) in [
        (json!({"name": "Léa", "phone": "0612345678"}), "phone"),
        (json!({"name": "Léa", "phone": "+33 6"}), "phone"),
        (json!({"name": "Léa", "email": "lea@"}), "email"),
        (
            json!({"name": "Léa", "email": "lea@example.fr\r\nBcc: x@y.z"}),
            "email",
        ),
        (json!({"name": "Léa", "time_zone": "Paris"}), "time_zone"),
        (json!({"name": "Léa", "locale": "en US!"}), "locale"),
        (json!({"name": ""}), "name"),
        (json!({"name": "Léa", "nmae": "typo"}), "nmae"),
    ] {
        let r = app.post("/v1/clients", body.clone()).await;
        assert_eq!(r.status, 422, "{body}");
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(field),
            "{body} → {}",
            r.body
        );
    }
}

#[tokio::test]
async fn impossible_appointment_times_are_refused_with_their_reason() {
    let app = app().await;
    let lea = app.create_lea().await;
    let book = |start: &str, end: &str| json!({"client_id": lea, "staff_id": "sam", "type_id": "cut", "start": start, "end": end});
    assert_eq!(
        code(
            &app.post(
                "/v1/appointments",
                book("2026-03-27T10:00:00+01:00", "2026-03-27T09:00:00+01:00")
            )
            .await
        ),
        (422, "end_before_start".into())
    );
    assert_eq!(
        code(
            &app.post(
                "/v1/appointments",
                book("2026-03-19T10:00:00+01:00", "2026-03-19T11:00:00+01:00")
            )
            .await
        ),
        (422, "start_in_past".into())
    );
    assert_eq!(
        code(
            &app.post(
                "/v1/appointments",
                book("2026-03-27T10:00:00", "2026-03-27T11:00:00")
            )
            .await
        ),
        (422, "invalid_field".into())
    );
    assert_eq!(
        code(
            &app.post(
                "/v1/appointments",
                book("2026-02-30T10:00:00+01:00", "2026-02-30T11:00:00+01:00")
            )
            .await
        ),
        (422, "invalid_field".into())
    );
    assert_eq!(
        code(
            &app.post(
                "/v1/appointments",
                book("2026-03-27T10:00:00+01:00", "2026-04-27T11:00:00+01:00")
            )
            .await
        ),
        (422, "appointment_too_long".into())
    );
    // 29 February exists in 2028.
    assert_eq!(
        app.post(
            "/v1/appointments",
            book("2028-02-29T10:00:00+01:00", "2028-02-29T11:00:00+01:00")
        )
        .await
        .status,
        201
    );
}

#[tokio::test]
async fn unknown_ids_are_404_and_unknown_references_422() {
    let app = app().await;
    assert_eq!(
        code(&app.get("/v1/appointments/ap_nope").await),
        (404, "not_found".into())
    );
    assert_eq!(
        code(&app.get("/v1/appointments/not%20an%20id").await),
        (404, "not_found".into())
    );
    assert_eq!(
        code(&app.get("/v1/clients/cl_nope/communications").await),
        (404, "not_found".into())
    );
    let lea = app.create_lea().await;
    let r = app.post("/v1/appointments", json!({"client_id": lea, "staff_id": "nobody", "type_id": "cut", "start": "2026-03-27T10:00:00+01:00", "end": "2026-03-27T11:00:00+01:00"})).await;
    assert_eq!(code(&r), (422, "unknown_staff".into()));
    assert_eq!(
        code(&app.post("/v1/appointments/ap_x/teleport", json!({})).await),
        (404, "not_found".into())
    );
    assert_eq!(
        code(&app.get("/v1/nothing-here").await),
        (404, "no_such_route".into())
    );
    assert_eq!(
        code(&app.call("DELETE", "/v1/settings", None).await),
        (405, "method_not_allowed".into())
    );
}

#[tokio::test]
async fn another_business_can_neither_read_nor_use_my_records() {
    let app = app().await;
    let lea = app.create_lea().await;
    let id = app
        .book(
            &lea,
            "2026-03-27T10:00:00+01:00",
            "2026-03-27T10:45:00+01:00",
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = "salon-rival";
    assert_eq!(
        app.call_as(other, "GET", &format!("/v1/appointments/{id}"), None)
            .await
            .status,
        404
    );
    assert_eq!(
        app.call_as(other, "GET", &format!("/v1/clients/{lea}"), None)
            .await
            .status,
        404
    );
    assert_eq!(
        app.call_as(
            other,
            "POST",
            &format!("/v1/appointments/{id}/cancel"),
            Some(json!({}))
        )
        .await
        .status,
        404
    );
    assert_eq!(
        app.call_as(
            other,
            "GET",
            &format!("/v1/clients/{lea}/communications"),
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(
        app.call_as(other, "GET", "/v1/staff/sam", None)
            .await
            .status,
        404
    );
    assert_eq!(
        app.get(&format!("/v1/appointments/{id}")).await.body["status"],
        "confirmed"
    );
}

#[tokio::test]
async fn a_request_without_a_tenant_is_401() {
    let app = app().await;
    let anonymous = app.http.get(format!("{}/v1/settings", app.base));
    assert_eq!(
        code(&app.send(anonymous).await),
        (401, "unauthenticated".into())
    );
    assert_eq!(
        code(
            &app.call_as("bad tenant!", "GET", "/v1/settings", None)
                .await
        ),
        (401, "invalid_tenant".into())
    );
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let app = app().await;
    let huge = json!({"name": "x".repeat(100 * 1024)});
    assert_eq!(
        code(&app.post("/v1/clients", huge).await),
        (413, "payload_too_large".into())
    );
}

#[tokio::test]
async fn a_template_with_a_syntax_error_is_refused_with_its_line() {
    let app = app().await;
    let r = app
        .put(
            "/v1/templates/reminder/email/fr",
            json!({"subject": "Rappel", "text": "Bonjour\n{% if cancel_url %}oops"}),
        )
        .await;
    assert_eq!(code(&r), (422, "template_syntax".into()));
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 2"),
        "{}",
        r.body
    );
    let typo = app
        .put(
            "/v1/templates/reminder/sms/en",
            json!({"text": "Hi {{ clinet_name }}"}),
        )
        .await;
    assert_eq!(code(&typo), (422, "template_syntax".into()));
    assert_eq!(
        code(
            &app.put("/v1/templates/nonsense/sms/en", json!({"text": "x"}))
                .await
        ),
        (404, "unknown_kind".into())
    );
    let fine = app.get("/v1/templates/reminder/email/en").await;
    assert_eq!(
        (fine.status, fine.body["source"].as_str()),
        (200, Some("default"))
    );
}

#[tokio::test]
async fn invalid_settings_are_refused_and_the_previous_ones_kept() {
    let app = app().await;
    let six = json!({"business_name": "Salon Léa", "notifications": {"reminders": [{"offset": "1h"}, {"offset": "2h"}, {"offset": "3h"}, {"offset": "4h"}, {"offset": "5h"}, {"offset": "6h"}]}});
    assert_eq!(app.put("/v1/settings", six).await.status, 422);
    let bad_offset =
        json!({"business_name": "Salon Léa", "notifications": {"reminders": [{"offset": "soon"}]}});
    let r = app.put("/v1/settings", bad_offset).await;
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("notifications.reminders[0].offset"),
        "{}",
        r.body
    );
    assert_eq!(
        app.get("/v1/settings").await.body["notifications"]["reminders"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn a_business_default_locale_rappel_cannot_write_and_an_empty_quiet_window_are_refused() {
    let app = app().await;
    for (settings, field) in [
        (
            json!({"business_name": "Salon Léa", "default_locale": "de-DE"}),
            "default_locale",
        ),
        (
            json!({"business_name": "Salon Léa", "notifications": {"quiet_hours": {"from": "21:00", "until": "21:00"}}}),
            "notifications.quiet_hours",
        ),
    ] {
        let r = app.put("/v1/settings", settings.clone()).await;
        assert_eq!(r.status, 422, "{settings}");
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(field),
            "{settings} → {}",
            r.body
        );
    }
    let american = json!({"business_name": "Salon Léa", "default_locale": "en-US"});
    let r = app.put("/v1/settings", american).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["default_locale"], "en-US");
}

#[tokio::test]
async fn a_query_string_that_does_not_parse_is_a_400_problem_like_any_bad_input() {
    let app = app().await;
    app.put("/v1/staff/sam", json!({"name": "Sam"})).await;
    let twice = app
        .get("/v1/staff/sam/appointments?date=2026-03-27&date=2026-03-28")
        .await;
    assert_eq!(code(&twice), (400, "invalid_query".into()));
    let template = app
        .get("/v1/templates/reminder/email/fr?type_id=a&type_id=b")
        .await;
    assert_eq!(code(&template), (400, "invalid_query".into()));
}

#[tokio::test]
async fn a_json_array_where_an_object_is_expected_is_refused_and_changes_nothing() {
    let app = app().await;
    let lea = app.create_lea().await;
    for (method, path, body) in [
        ("PATCH", format!("/v1/clients/{lea}"), json!([null, null])),
        ("PUT", "/v1/settings".to_owned(), json!(["Salon Array"])),
        ("POST", "/v1/clients".to_owned(), json!(["Array Client"])),
        ("POST", "/v1/clients".to_owned(), json!("Array Client")),
        ("POST", "/v1/clients".to_owned(), json!(42)),
    ] {
        let r = match method {
            "PATCH" => app.patch(&path, body.clone()).await,
            "PUT" => app.put(&path, body.clone()).await,
            _ => app.post(&path, body.clone()).await,
        };
        assert_eq!(
            code(&r),
            (422, "invalid_body".into()),
            "{method} {path} {body}"
        );
    }
    let client = app.get(&format!("/v1/clients/{lea}")).await;
    assert_eq!(client.body["email"], "lea@example.fr", "{}", client.body);
    let settings = app.get("/v1/settings").await;
    assert_eq!(settings.body["business_name"], "Salon Léa");
}

#[tokio::test]
async fn an_action_whose_contract_allows_a_null_body_takes_null() {
    let app = app().await;
    let lea = app.create_lea().await;
    let booked = app
        .post(
            "/v1/appointments",
            json!({"client_id": lea, "staff_id": "sam", "type_id": "cut",
                   "start": "2026-03-27T10:00:00+01:00", "end": "2026-03-27T10:30:00+01:00"}),
        )
        .await;
    let id = booked.body["id"].as_str().unwrap_or_default().to_owned();
    assert!(!id.is_empty(), "{}", booked.body);
    let cancelled = app
        .post(&format!("/v1/appointments/{id}/cancel"), json!(null))
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
}

#[tokio::test]
async fn dates_and_instants_outside_four_digit_years_are_refused_on_every_route() {
    let app = app().await;
    let lea = app.create_lea().await;
    let invoice = |due: &str, issued: &str| {
        json!({"client_id": lea, "number": "F-1", "amount": 1000, "currency": "EUR",
               "issued_at": issued, "due_date": due})
    };
    let now = "2026-03-20T10:00:00+01:00";
    for body in [
        invoice("-0001-01-01", now),
        invoice("9999-12-31", now),
        invoice("+10000-01-01", now),
        invoice("2026-04-01", "+10000-01-03T09:00:00Z"),
        invoice("2026-04-01", "0001-01-01T00:00:00Z"),
    ] {
        let r = app.put("/v1/invoices/f1", body.clone()).await;
        assert_eq!(r.status, 422, "{body} → {}", r.body);
        assert_eq!(r.body["error"]["code"], "invalid_field", "{body}");
    }
    let quote = json!({"client_id": lea, "number": "D-1", "amount": 1000, "currency": "EUR",
                       "issued_at": now, "expires_on": "9999-12-31"});
    assert_eq!(app.put("/v1/quotes/d1", quote).await.status, 422);
    let waitlist = json!({"client_id": lea, "type_id": "cut",
                          "from": "2026-03-21T09:00:00+01:00", "until": "9999-12-31T23:00:00Z"});
    assert_eq!(app.post("/v1/waitlist", waitlist).await.status, 422);
    let book = json!({"client_id": lea, "staff_id": "sam", "type_id": "cut",
                      "start": "+10000-01-01T10:00:00Z", "end": "+10000-01-01T10:30:00Z"});
    assert_eq!(app.post("/v1/appointments", book).await.status, 422);
    let agenda = app.get("/v1/staff/sam/appointments?date=-0001-01-01").await;
    assert_eq!(code(&agenda), (422, "invalid_date".into()));
    let listed = app.get("/v1/invoices/f1").await;
    assert_eq!(listed.status, 404, "an invoice was saved: {}", listed.body);
}

#[tokio::test]
async fn a_json_array_where_a_nested_object_is_expected_is_refused_with_its_field() {
    let app = app().await;
    let r = app
        .put(
            "/v1/appointment-types/cut",
            json!({"name": "Cut", "overrides": [null, null]}),
        )
        .await;
    assert_eq!(code(&r), (422, "invalid_field".into()), "{}", r.body);
    let message = r.body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("overrides"), "{message}");
}

#[tokio::test]
async fn anything_after_the_json_value_makes_the_body_malformed() {
    let app = app().await;
    let trailing = app
        .http
        .post(format!("{}/v1/clients", app.base))
        .header("x-tenant-id", "salon-lea")
        .header("content-type", "application/json")
        .body(r#"{"name": "Léa"} {"name": "Zoé"}"#);
    assert_eq!(
        code(&app.send(trailing).await),
        (400, "malformed_json".into())
    );
}
