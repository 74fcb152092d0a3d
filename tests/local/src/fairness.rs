//! The fairness run: one business bursts, another's reminders must still go out on time.
//!
//! The local stack simulates providers that accept `rate` messages a second per channel
//! (`LocalConfig::provider_rate`: each send moves the virtual clock to its channel's next turn,
//! schedules fire at their time between sends). Business A imports `burst` appointments all
//! starting at 10:00 with a reminder an hour before: `burst` reminders due at 09:00, which take
//! `burst / rate` seconds to send. Business B has `quiet` appointments from 09:10 on, one
//! every 30 s, each with a reminder 15 minutes before: due while A's burst drains. Without
//! lanes and fair shares B's reminders would wait behind A's whole backlog (33 minutes for
//! 20,000 at 10/s) and arrive after their appointment has begun — recorded `stale: too_late`.
//! With them, B's reminder is served at B's next turn.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rappel_local::LocalConfig;
use rappel_ports::delivery::OutboxEntry;
use rappel_testkit::{TestApp, spawn_app_with};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The sizes of a run.
#[derive(Debug, Clone, Copy)]
pub struct FairnessRun {
    /// Reminders business A has due at 09:00.
    pub burst: usize,
    /// Reminders business B has due from 08:55 on, one every 30 s.
    pub quiet: usize,
    /// Messages per second the simulated provider accepts (per channel).
    pub rate: f64,
}

/// What the run measured.
#[derive(Debug, Clone)]
pub struct FairnessReport {
    pub run: FairnessRun,
    /// A's reminders sent, and how long after 09:00 the last one went.
    pub burst_sent: usize,
    pub burst_drained_after: Duration,
    /// B's reminders sent, and how long after its due time each went, sorted.
    pub quiet_sent: usize,
    pub quiet_delays: Vec<Duration>,
    /// B's reminders not sent (recorded stale or never sent).
    pub quiet_missed: usize,
}

impl FairnessReport {
    /// The delay at quantile `q` (0..=1) of B's reminders.
    pub fn quiet_delay(&self, q: f64) -> Duration {
        if self.quiet_delays.is_empty() {
            return Duration::MAX;
        }
        let rank = ((self.quiet_delays.len() as f64 - 1.0) * q).ceil() as usize;
        self.quiet_delays[rank.min(self.quiet_delays.len() - 1)]
    }

    /// One table, as docs/PERFORMANCE.md records it.
    pub fn table(&self) -> String {
        let ms = |d: Duration| d.num_milliseconds() as f64 / 1000.0;
        format!(
            "| provider rate | A's burst | A drained after | B's reminders | B sent | B missed | B delay p50 | B delay p99 | B delay max |\n\
             |---|---|---|---|---|---|---|---|---|\n\
             | {}/s | {} | {:.0} s | {} | {} | {} | {:.1} s | {:.1} s | {:.1} s |",
            self.run.rate,
            self.run.burst,
            ms(self.burst_drained_after),
            self.run.quiet,
            self.quiet_sent,
            self.quiet_missed,
            ms(self.quiet_delay(0.5)),
            ms(self.quiet_delay(0.99)),
            ms(self.quiet_delay(1.0)),
        )
    }
}

/// Thursday 26 March 2026, 07:00 UTC: both businesses import the day ahead.
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 26, 7, 0, 0)
        .single()
        .unwrap_or_default()
}

fn burst_due() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 26, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// B's `i`-th appointment: from 09:10, one every 30 s.
fn quiet_start(i: usize) -> DateTime<Utc> {
    burst_due() + Duration::minutes(10) + Duration::seconds(30 * i as i64)
}

const QUIET_REMINDER: Duration = Duration::minutes(15);

async fn seed(app: &TestApp, tenant: &str, reminder: &str) {
    let settings = json!({
        "business_name": format!("Salon {tenant}"),
        "time_zone": "Europe/Paris",
        "default_locale": "fr",
        "notifications": {"reminders": [{"offset": reminder, "email": true, "sms": false}]}
    });
    let answer = app
        .call_as(tenant, "PUT", "/v1/settings", Some(settings))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let cut = json!({"name": "Coupe"});
    let answer = app
        .call_as(tenant, "PUT", "/v1/appointment-types/cut", Some(cut))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let sam = json!({"name": "Sam", "email": format!("sam@{tenant}.example")});
    let answer = app.call_as(tenant, "PUT", "/v1/staff/sam", Some(sam)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// Imports one client and one appointment per start, 500 per request.
async fn import(app: &TestApp, tenant: &str, starts: &[DateTime<Utc>]) {
    let items: Vec<(Value, Value)> = starts
        .iter()
        .enumerate()
        .map(|(i, start)| {
            let client = format!("{tenant}-c{i}");
            (
                json!({"id": client, "name": format!("Client {i}"), "email": format!("{client}@clients.example")}),
                json!({"id": format!("{tenant}-a{i}"), "client_id": client, "staff_id": "sam", "type_id": "cut",
                       "start": start.to_rfc3339(), "end": (*start + Duration::minutes(45)).to_rfc3339()}),
            )
        })
        .collect();
    for chunk in items.chunks(500) {
        let (clients, appointments): (Vec<Value>, Vec<Value>) = chunk.iter().cloned().unzip();
        let body = json!({"clients": clients, "appointments": appointments});
        let answer = app.call_as(tenant, "POST", "/v1/imports", Some(body)).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(
            answer.body["counts"]["refused"], 0,
            "every item imported: {}",
            answer.body
        );
    }
}

/// Runs the scene and measures it.
pub async fn run(run: FairnessRun) -> FairnessReport {
    let app = spawn_app_with(LocalConfig {
        provider_rate: Some(run.rate),
        ..LocalConfig::for_tests(start())
    })
    .await;
    seed(&app, "salon-a", "60m").await;
    seed(&app, "salon-b", "15m").await;
    import(
        &app,
        "salon-a",
        &vec![burst_due() + Duration::hours(1); run.burst],
    )
    .await;
    let quiet: Vec<_> = (0..run.quiet).map(quiet_start).collect();
    import(&app, "salon-b", &quiet).await;
    app.stack.settle().await;

    let last_quiet = quiet.last().copied().unwrap_or_else(burst_due);
    let until = (burst_due() + Duration::seconds((run.burst as f64 / run.rate) as i64 + 60))
        .max(last_quiet);
    app.stack.advance_to(until).await;

    let due_of: HashMap<String, DateTime<Utc>> = quiet
        .iter()
        .enumerate()
        .map(|(i, start)| {
            (
                format!("salon-b-c{i}@clients.example"),
                *start - QUIET_REMINDER,
            )
        })
        .collect();
    let mut burst_sent = 0;
    let mut burst_last = burst_due();
    let mut quiet_delays = Vec::new();
    for entry in app.stack.outbox.messages() {
        let OutboxEntry::Email { to, at, .. } = entry else {
            continue;
        };
        if let Some(due) = due_of.get(&to) {
            quiet_delays.push(at - *due);
        } else if to.starts_with("salon-a-") {
            burst_sent += 1;
            burst_last = burst_last.max(at);
        }
    }
    quiet_delays.sort();
    FairnessReport {
        run,
        burst_sent,
        burst_drained_after: burst_last - burst_due(),
        quiet_sent: quiet_delays.len(),
        quiet_missed: run.quiet - quiet_delays.len(),
        quiet_delays,
    }
}
