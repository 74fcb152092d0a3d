//! What an integrator's console lists: appointments in a window (by client, staff member or
//! status), clients, invoices and quotes — a page at a time, in a stable order, each page
//! resumed from the cursor of the one before.

use rappel_testkit::fixtures::friday_before;
use rappel_testkit::{CallsApi, TestApp, spawn_app};
use serde_json::{Value, json};

/// Every page of `path` (which has a query already or not), `limit` at a time: the items
/// under `field`, and how many pages it took.
async fn every_page(app: &TestApp, path: &str, field: &str, limit: usize) -> (Vec<Value>, usize) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let (mut items, mut pages, mut cursor) = (Vec::new(), 0, None::<String>);
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit={limit}&cursor={c}"),
            None => format!("{path}{sep}limit={limit}"),
        };
        let page = app.get(&url).await;
        assert_eq!(page.status, 200, "{url}: {}", page.body);
        let got = page.body[field].as_array().cloned().unwrap_or_default();
        assert!(got.len() <= limit, "{url}: {} items", got.len());
        items.extend(got);
        pages += 1;
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return (items, pages),
        }
        assert!(pages < 100, "{path}: the cursor never ends");
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// Léa booked on five mornings, Monday 23 to Friday 27 March at 10:00 in Paris, the fourth
/// one with Ana rather than Sam; returns the appointments' ids in order.
async fn lea_booked_all_week(app: &TestApp, lea: &str) -> Vec<String> {
    let ana = app.put("/v1/staff/ana", json!({"name": "Ana"})).await;
    assert_eq!(ana.status, 200, "{}", ana.body);
    let mut booked = Vec::new();
    for day in 23..=27 {
        let staff = if day == 26 { "ana" } else { "sam" };
        let made = app
            .post(
                "/v1/appointments",
                json!({"client_id": lea, "staff_id": staff, "type_id": "cut",
                       "start": format!("2026-03-{day}T10:00:00+01:00"),
                       "end": format!("2026-03-{day}T10:45:00+01:00")}),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
        booked.push(made.body["id"].as_str().unwrap().to_owned());
    }
    booked
}

#[tokio::test]
async fn appointments_in_a_window_come_earliest_first_a_page_at_a_time() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    let week = lea_booked_all_week(&app, &lea).await;

    // Tuesday to Thursday: three of the five, two a page.
    let window = "/v1/appointments?from=2026-03-24T00:00:00%2B01:00&to=2026-03-27T00:00:00%2B01:00";
    let (listed, pages) = every_page(&app, window, "appointments", 2).await;

    assert!(!listed.is_empty());
    assert_eq!(ids(&listed), week[1..4].to_vec());
    assert_eq!(pages, 2);
}

#[tokio::test]
async fn appointments_are_listed_by_staff_member_client_and_status() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    let tom = app
        .create_client(json!({"name": "Tom Petit", "email": "tom@example.fr"}))
        .await;
    let week = lea_booked_all_week(&app, &lea).await;
    let cancelled = app
        .post(&format!("/v1/appointments/{}/cancel", week[0]), json!({}))
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let window = "/v1/appointments?from=2026-03-23T00:00:00Z&to=2026-03-28T00:00:00Z";

    let (anas, _) = every_page(&app, &format!("{window}&staff_id=ana"), "appointments", 10).await;
    let (leas, _) = every_page(
        &app,
        &format!("{window}&client_id={lea}"),
        "appointments",
        2,
    )
    .await;
    let (toms, _) = every_page(
        &app,
        &format!("{window}&client_id={tom}"),
        "appointments",
        10,
    )
    .await;
    let (leas_with_sam, _) = every_page(
        &app,
        &format!("{window}&client_id={lea}&staff_id=sam"),
        "appointments",
        10,
    )
    .await;
    let (confirmed, _) = every_page(
        &app,
        &format!("{window}&status=confirmed"),
        "appointments",
        2,
    )
    .await;

    assert_eq!(ids(&anas), vec![week[3].clone()]);
    assert_eq!(ids(&leas), week);
    assert!(toms.is_empty());
    assert_eq!(
        ids(&leas_with_sam),
        vec![
            week[0].clone(),
            week[1].clone(),
            week[2].clone(),
            week[4].clone()
        ]
    );
    assert_eq!(ids(&confirmed), week[1..].to_vec());
}

#[tokio::test]
async fn a_list_of_appointments_needs_its_window_and_a_sane_page() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;

    let unbounded = app.get("/v1/appointments").await;
    let backwards = app
        .get("/v1/appointments?from=2026-03-27T00:00:00Z&to=2026-03-20T00:00:00Z")
        .await;
    let huge = app
        .get("/v1/appointments?from=2026-03-20T00:00:00Z&to=2026-03-27T00:00:00Z&limit=501")
        .await;
    let forged = app
        .get("/v1/appointments?from=2026-03-20T00:00:00Z&to=2026-03-27T00:00:00Z&cursor=zz")
        .await;

    assert_eq!(
        (unbounded.status, &unbounded.body["error"]["code"]),
        (422, &json!("missing_window"))
    );
    assert_eq!(
        (backwards.status, &backwards.body["error"]["code"]),
        (422, &json!("invalid_window"))
    );
    assert_eq!(
        (huge.status, &huge.body["error"]["code"]),
        (400, &json!("invalid_query"))
    );
    assert_eq!(
        (forged.status, &forged.body["error"]["code"]),
        (400, &json!("invalid_cursor"))
    );
}

#[tokio::test]
async fn clients_are_listed_by_id_each_once_across_pages() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    for n in 0..7 {
        let put = app
            .put(
                &format!("/v1/clients/crm-{n:03}"),
                json!({"name": format!("Client {n}")}),
            )
            .await;
        assert_eq!(put.status, 201, "{}", put.body);
    }

    let (clients, pages) = every_page(&app, "/v1/clients", "clients", 3).await;

    assert!(!clients.is_empty());
    let expected: Vec<String> = (0..7).map(|n| format!("crm-{n:03}")).collect();
    assert_eq!(ids(&clients), expected);
    assert_eq!(pages, 3);
}

#[tokio::test]
async fn invoices_and_quotes_are_listed_by_status() {
    let app = spawn_app(friday_before()).await;
    app.seed_business().await;
    let lea = app.create_lea().await;
    for (id, number) in [("inv-1", "F-1"), ("inv-2", "F-2"), ("inv-3", "F-3")] {
        let put = app
            .put(
                &format!("/v1/invoices/{id}"),
                json!({"client_id": lea, "number": number, "amount": 4500, "currency": "EUR",
                       "issued_at": "2026-03-20T10:00:00+01:00", "due_date": "2026-04-03",
                       "notify": false}),
            )
            .await;
        assert_eq!(put.status, 200, "{}", put.body);
    }
    let paid = app.post("/v1/invoices/inv-2/paid", json!({})).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    let quote = app
        .put(
            "/v1/quotes/q-1",
            json!({"client_id": lea, "number": "D-1", "amount": 12000, "currency": "EUR",
                   "issued_at": "2026-03-20T10:00:00+01:00", "expires_on": "2026-04-30",
                   "notify": false}),
        )
        .await;
    assert_eq!(quote.status, 200, "{}", quote.body);

    let (issued, _) = every_page(&app, "/v1/invoices?status=issued", "invoices", 1).await;
    let (all, _) = every_page(&app, "/v1/invoices", "invoices", 2).await;
    let (quotes, _) = every_page(&app, "/v1/quotes?status=sent", "quotes", 10).await;

    assert_eq!(ids(&issued), vec!["inv-1", "inv-3"]);
    assert_eq!(ids(&all), vec!["inv-1", "inv-2", "inv-3"]);
    assert_eq!(ids(&quotes), vec!["q-1"]);
}
