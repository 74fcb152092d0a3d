//! The big-business run: one business with `RAPPEL_BIG_BUSINESS` appointments ahead (1,000 by
//! default, what CI affords; `RAPPEL_BIG_BUSINESS=20000` for the full size), 5 appointments
//! per client, 10 staff members, 3 types, on the emulator. Three changes, each re-planned by
//! the real change handler and re-plan steps over the real AWS adapters:
//!
//! 1. a settings change adding an SMS reminder: every appointment gains its schedule;
//! 2. a type change adding an e-mail reminder to one type: its appointments, through `by_type`;
//! 3. a staff member's zone change: their appointments, through `by_staff`.
//!
//! For each: no step handles more than its bound (a list page, a plan step's subjects), the
//! progress ends `done` with every subject counted, and the AWS calls of the functions (counted
//! by the fault proxy, injecting nothing) and the wall time are printed as
//! `big business: …` lines (`infra/test.sh` shows them; docs/PERFORMANCE.md keeps the figures).
//! Ignored by the plain test run: `infra/test.sh` runs it on its own.

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use rappel_aws::dynamodb::DynamoRecords;
use rappel_aws_tests::aws::{AwsApp, spawn_aws_app_with_faults};
use rappel_core::model::*;
use rappel_ports::deadline::Deadline;
use rappel_ports::records::{Expected, Record, RecordWriter};
use rappel_ports::replan::{LIST_PAGE, PLAN_SIZE, ReplanWork};
use rappel_testkit::CallsApi;
use rappel_testkit::fault_proxy::FaultPlan;
use rappel_testkit::fixtures::id;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

const TENANT: &str = "salon-lea";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap()
}

fn size() -> usize {
    std::env::var("RAPPEL_BIG_BUSINESS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000)
}

/// The business written straight into the table (through the adapter, as the API would have
/// written it), its stream records read and left aside: only the changes below are handled.
async fn seed(app: &AwsApp, appointments: usize) {
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {"reminders": [{"offset": "1d", "email": true}]}
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    for t in 0..3 {
        let body = json!({"name": format!("Soin {t}")});
        assert_eq!(
            app.put(&format!("/v1/appointment-types/type{t}"), body)
                .await
                .status,
            200
        );
    }
    for s in 0..10 {
        let body = json!({"name": format!("Staff {s}"), "email": format!("staff{s}@salon-lea.fr")});
        assert_eq!(
            app.put(&format!("/v1/staff/staff{s}"), body).await.status,
            200
        );
    }
    app.pump_stream().await;

    let tenant: TenantId = id(TENANT);
    let paris = TimeZone::parse("Europe/Paris").expect("a zone");
    let records = Arc::new(DynamoRecords::new(
        aws_sdk_dynamodb::Client::new(&app.sdk),
        app.resources.records_table.clone(),
    ));
    let clients = appointments.div_ceil(5);
    let mut writes: Vec<Record> = (0..clients)
        .map(|c| {
            Record::Client(Client {
                tenant: tenant.clone(),
                id: id(&format!("cl{c:06}")),
                name: DisplayName::parse(&format!("Client {c}")).expect("a name"),
                email: Some(
                    EmailAddress::parse(&format!("client{c}@example.fr")).expect("an address"),
                ),
                phone: Some(
                    PhoneNumber::parse(&format!("+336{:08}", 10_000_000 + c)).expect("a number"),
                ),
                locale: Locale::parse("fr").expect("a locale"),
                time_zone: paris,
                preferences: ContactPreferences::default(),
                version: 1,
            })
        })
        .collect();
    // 40 a day from Monday 23 March, 08:00 to 18:00 UTC, 30 minutes each.
    let first = Utc.with_ymd_and_hms(2026, 3, 23, 8, 0, 0).unwrap();
    for n in 0..appointments {
        let start =
            first + Duration::days((n / 40) as i64) + Duration::minutes(15 * (n % 40) as i64);
        let booked = Appointment::book(
            NewBooking {
                tenant: tenant.clone(),
                id: id(&format!("ap{n:06}")),
                client_id: id(&format!("cl{:06}", n % clients)),
                staff_id: id(&format!("staff{}", n % 10)),
                type_id: id(&format!("type{}", n % 3)),
                start,
                end: start + Duration::minutes(30),
                time_zone: paris,
                status: AppointmentStatus::Confirmed,
                origin: Origin::Online,
                notify_client: true,
                horizon: rappel_core::settings::BookingHorizon::default(),
                earlier_slot_offers: None,
            },
            now(),
        )
        .expect("a valid booking");
        writes.push(Record::Appointment(booked));
    }
    let mut pending = writes.into_iter();
    loop {
        let chunk: Vec<Record> = pending.by_ref().take(32).collect();
        if chunk.is_empty() {
            break;
        }
        let puts = chunk.into_iter().map(|record| {
            let records = records.clone();
            async move { records.put(record, Expected::Absent).await }
        });
        for result in futures_util::future::join_all(puts).await {
            result.expect("the emulator takes the write");
        }
    }
    while !app.read_stream().await.records.is_empty() {}
}

/// What one change's re-plan cost.
#[derive(Default)]
struct Run {
    steps: usize,
    largest_list: usize,
    largest_plan: usize,
    calls: BTreeMap<String, u64>,
    seconds: f64,
}

impl Run {
    fn total_calls(&self) -> u64 {
        self.calls.values().sum()
    }
}

/// Hands the change to the change handler, then runs every re-plan step the job queues, as the
/// re-plan function does one invocation at a time, and the send queue dry.
async fn replan(app: &AwsApp) -> Run {
    let proxy = app.faults.clone().expect("a counting proxy");
    let before = proxy.counts().requests;
    let started = std::time::Instant::now();
    let response = app.react_without_sending().await;
    assert_eq!(response["batchItemFailures"], json!([]));
    let mut run = Run::default();
    loop {
        let received = aws_sdk_sqs::Client::new(&app.sdk)
            .receive_message()
            .queue_url(&app.resources.replan_queue_url)
            .max_number_of_messages(10)
            .send()
            .await
            .expect("the re-plan queue can be read");
        let messages = received.messages();
        if messages.is_empty() {
            break;
        }
        for message in messages {
            let work: ReplanWork =
                rappel_replan::parse_work(message.body().unwrap_or_default()).expect("a step");
            // One invocation: a fresh memory of what it read, a deadline as Lambda gives one.
            let report = rappel_replan::handle_step(
                &app.replan,
                &work,
                Deadline::after(std::time::Duration::from_secs(120)),
            )
            .await
            .expect("the step succeeds");
            run.steps += 1;
            run.largest_list = run.largest_list.max(report.listed);
            run.largest_plan = run.largest_plan.max(report.planned);
            aws_sdk_sqs::Client::new(&app.sdk)
                .delete_message()
                .queue_url(&app.resources.replan_queue_url)
                .receipt_handle(message.receipt_handle().unwrap_or_default())
                .send()
                .await
                .expect("a step done is deleted");
        }
    }
    app.drain_send_queue().await;
    run.seconds = started.elapsed().as_secs_f64();
    let after = proxy.counts().requests;
    for (operation, n) in after {
        let delta = n - before.get(&operation).copied().unwrap_or(0);
        if delta > 0 {
            run.calls.insert(operation, delta);
        }
    }
    run
}

fn report(name: &str, subjects: usize, run: &Run) {
    let calls: Vec<String> = run
        .calls
        .iter()
        .map(|(operation, n)| format!("{operation} {n}"))
        .collect();
    println!(
        "big business: {name}: {subjects} subjects re-planned in {} steps (largest list page {}, largest plan step {}), {} AWS calls ({}), {:.1} s",
        run.steps,
        run.largest_list,
        run.largest_plan,
        run.total_calls(),
        calls.join(", "),
        run.seconds
    );
}

async fn progress(app: &AwsApp) -> serde_json::Value {
    app.get("/v1/settings").await.body["replan"].clone()
}

#[tokio::test]
#[ignore = "run by infra/test.sh on its own (RAPPEL_BIG_BUSINESS=20000 for the full size)"]
async fn a_big_business_is_re_planned_in_bounded_steps_after_a_settings_type_and_staff_change() {
    let appointments = size();
    let app = spawn_aws_app_with_faults(now(), true, Some(FaultPlan::none())).await;
    let seeding = std::time::Instant::now();
    seed(&app, appointments).await;
    println!(
        "big business: seeded {appointments} appointments of {} clients in {:.1} s",
        appointments.div_ceil(5),
        seeding.elapsed().as_secs_f64()
    );
    let before = app.count_schedules().await;

    // 1. The settings gain an SMS reminder.
    let settings = json!({
        "business_name": "Salon Léa",
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {"reminders": [{"offset": "1d", "email": true}, {"offset": "2h", "sms": true}]}
    });
    assert_eq!(app.put("/v1/settings", settings).await.status, 200);
    let run = replan(&app).await;
    report("settings change adding an SMS reminder", appointments, &run);
    assert!(run.largest_list <= LIST_PAGE && run.largest_plan <= PLAN_SIZE);
    assert!(run.steps > appointments / PLAN_SIZE, "fanned out in steps");
    assert_eq!(
        run.calls.get("scheduler.CreateSchedule").copied(),
        Some(appointments as u64),
        "one new schedule per appointment"
    );
    assert_eq!(app.count_schedules().await, before + appointments);
    let done = progress(&app).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["done"].as_u64(), Some(appointments as u64), "{done}");

    // 2. One type of three gains an e-mail reminder of its own.
    let typed = json!({"name": "Soin 0", "overrides": {"reminders": [{"offset": "1d", "email": true}, {"offset": "2h", "sms": true}, {"offset": "3h", "email": true}]}});
    assert_eq!(
        app.put("/v1/appointment-types/type0", typed).await.status,
        200
    );
    let run = replan(&app).await;
    let of_type = appointments.div_ceil(3);
    report("type change adding an e-mail reminder", of_type, &run);
    assert!(run.largest_list <= LIST_PAGE && run.largest_plan <= PLAN_SIZE);
    assert_eq!(
        run.calls.get("scheduler.CreateSchedule").copied(),
        Some(of_type as u64),
        "one new schedule per appointment of the type, none for the others"
    );
    let done = progress(&app).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["cause"], "appointment_type");

    // 3. A staff member moves to New York: their appointments are re-planned (the clients'
    // reminders keep their instants; the job reads each one to know it).
    let moved =
        json!({"name": "Staff 0", "email": "staff0@salon-lea.fr", "time_zone": "America/New_York"});
    assert_eq!(app.put("/v1/staff/staff0", moved).await.status, 200);
    let run = replan(&app).await;
    let of_staff = appointments.div_ceil(10);
    report("staff member's zone change", of_staff, &run);
    assert!(run.largest_list <= LIST_PAGE && run.largest_plan <= PLAN_SIZE);
    let done = progress(&app).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["done"].as_u64(), Some(of_staff as u64), "{done}");
}
