//! The soak: a bounded run of the durable local stack (a data dir, the real HTTP API) under a
//! random mix of what businesses and clients do — book, move, cancel, accept, refuse,
//! complete, no-show, settings changes, clients' channel preferences — while a share of calls
//! to the store, the scheduler, the providers and the ledger fail, the change feed is
//! delivered twice and out of order at times, schedules fire twice, and the process is stopped
//! and started again on the same data dir at random points. The clock is moved through every
//! due time. At the end, [`oracle::judge`] holds what was sent against the states.
//!
//! Run: `cargo run --release -p rappel-local-tests --bin soak` (`SOAK_APPOINTMENTS`, `SOAK_TENANTS`,
//! `SOAK_FAULT_RATE`, `SOAK_SEED`, `SOAK_RESTART_RATE`); figures in docs/GUARANTEES.md.
//!

pub mod oracle;

use chrono::{DateTime, Duration, DurationRound, TimeZone, Utc};
use rappel_core::message::Recipient;
use rappel_core::model::{ClientId, ManagerId, StaffId, TenantId};
use rappel_local::{LocalConfig, LocalStack, local_router};
use rappel_ports::history::CommunicationRecord;
use rappel_testkit::chaos::Chaos;
use rappel_testkit::disturbed::Soaked;
use rappel_testkit::draws::SplitMix64;
use rappel_testkit::write_log::WriteLog;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The size and the weather of one run.
#[derive(Debug, Clone)]
pub struct SoakConfig {
    pub appointments: usize,
    pub tenants: usize,
    /// Share of calls to the store, scheduler, providers and ledger that fail.
    pub fault_rate: f64,
    pub seed: u64,
    /// Chance, after each operation, that the process stops and starts again.
    pub restart_rate: f64,
    /// Attempts per call to a failing port (4, as the SDK; 1: every failed attempt surfaces).
    pub attempts: u32,
    pub data_dir: PathBuf,
}

/// What the run did, and what the oracle found.
#[derive(Debug)]
pub struct SoakReport {
    pub config: SoakConfig,
    pub operations: BTreeMap<&'static str, u64>,
    pub restarts: u64,
    pub retried_503: u64,
    pub dead_letters_replayed: usize,
    pub chaos: BTreeMap<&'static str, (u64, u64)>,
    /// Calls whose every attempt failed (outages), by operation.
    pub surfaced: BTreeMap<&'static str, u64>,
    pub judgement: oracle::Judgement,
    pub seconds: f64,
    /// What the oracle judged, to look into a finding (or judge again, altered).
    pub evidence: Evidence,
}

/// The oracle's inputs.
#[derive(Debug, Default, Clone)]
pub struct Evidence {
    pub writes: Vec<(DateTime<Utc>, rappel_ports::records::Record)>,
    pub outbox: Vec<rappel_ports::delivery::OutboxEntry>,
    pub repeated: Vec<String>,
    pub history: Vec<CommunicationRecord>,
    pub end: DateTime<Utc>,
}

impl Evidence {
    pub fn judge(&self) -> oracle::Judgement {
        oracle::judge(
            &self.writes,
            &self.outbox,
            &self.repeated,
            &self.history,
            self.end,
        )
    }
}

impl SoakReport {
    pub fn failed_share(&self) -> f64 {
        let (calls, failures) = self
            .chaos
            .values()
            .fold((0, 0), |(c, f), (cc, ff)| (c + cc, f + ff));
        if calls == 0 {
            0.0
        } else {
            failures as f64 / calls as f64
        }
    }

    /// The table the soak prints.
    pub fn table(&self) -> String {
        let j = &self.judgement;
        let ops: Vec<String> = self
            .operations
            .iter()
            .map(|(op, n)| format!("{op} {n}"))
            .collect();
        let history: Vec<String> = j
            .history_by_status
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        format!(
            "soak: {} appointments, {} tenants, seed {}, {:.1} % of {} store/scheduler/provider/ledger attempts failed, {} calls failed after every retry\n\
             operations: {}\n\
             restarts {}, 503s asked again {}, dead letters replayed {}\n\
             | required | sent | recorded, not sent | lost | duplicate | stale | unexpected | window hits | run time |\n\
             |---:|---:|---:|---:|---:|---:|---:|---:|---:|\n\
             | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} s |\n\
             history entries not sent: {}\n\
             calls failed after every retry: {}",
            self.config.appointments,
            self.config.tenants,
            self.config.seed,
            100.0 * self.failed_share(),
            self.chaos.values().map(|(c, _)| c).sum::<u64>(),
            self.surfaced.values().sum::<u64>(),
            ops.join(", "),
            self.restarts,
            self.retried_503,
            self.dead_letters_replayed,
            j.required,
            j.sent,
            j.recorded_not_sent,
            j.lost.len(),
            j.duplicates.len(),
            j.stale.len(),
            j.unexpected.len(),
            j.window_hits.len(),
            self.seconds,
            history.join(", "),
            self.surfaced
                .iter()
                .map(|(what, n)| format!("{what} {n}"))
                .collect::<Vec<_>>()
                .join(", "),
        )
    }

    /// One line for CI's summary.
    pub fn summary(&self) -> String {
        let j = &self.judgement;
        format!(
            "{} appointments / {} tenants, {:.1} % of attempts failed, {} restarts: lost {}, duplicate {}, stale {}, unexpected {}; required {}, sent {}, recorded not sent {}, window hits {}; {:.0} s",
            self.config.appointments,
            self.config.tenants,
            100.0 * self.failed_share(),
            self.restarts,
            j.lost.len(),
            j.duplicates.len(),
            j.stale.len(),
            j.unexpected.len(),
            j.required,
            j.sent,
            j.recorded_not_sent,
            j.window_hits.len(),
            self.seconds
        )
    }

    pub fn is_clean(&self) -> bool {
        let j = &self.judgement;
        j.lost.is_empty()
            && j.duplicates.is_empty()
            && j.stale.is_empty()
            && j.unexpected.is_empty()
    }
}

/// The stack as a process would hold it: stopped by dropping it, started again on its dir.
struct Running {
    stack: Arc<LocalStack>,
    base: String,
    server: tokio::task::JoinHandle<()>,
    /// Offers repeated since this start (the outbox forgets them with the process).
    repeated_before: Vec<String>,
}

async fn start(
    config: &SoakConfig,
    now: DateTime<Utc>,
    chaos: &Arc<Chaos>,
    log: &Arc<WriteLog>,
) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    let stack = LocalStack::new(LocalConfig {
        data_dir: Some(config.data_dir.clone()),
        link_base_url: format!("{base}/links"),
        disturbance: Some(Arc::new(Soaked {
            chaos: chaos.clone(),
            log: log.clone(),
        })),
        ..LocalConfig::for_tests(now)
    })
    .expect("the stack starts on its data dir");
    let router = local_router(stack.clone());
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Running {
        stack,
        base,
        server,
        repeated_before: Vec::new(),
    }
}

impl Running {
    async fn stop(self) -> Vec<String> {
        self.server.abort();
        let _ = self.server.await;
        let mut repeated = self.repeated_before;
        repeated.extend(self.stack.outbox.repeated_offers());
        repeated
    }
}

const ZONES: [&str; 5] = [
    "Europe/Paris",
    "America/New_York",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Sao_Paulo",
];

/// The reminder settings a business switches between.
fn reminders(variant: u64) -> Value {
    match variant % 3 {
        0 => json!([{"offset": "1d", "email": true}, {"offset": "2h", "sms": true}]),
        1 => json!([{"offset": "1d", "email": true}]),
        _ => json!([{"offset": "3h", "email": true, "sms": true}]),
    }
}

fn settings(tenant: usize, variant: u64) -> Value {
    json!({
        "business_name": format!("Salon {tenant}"),
        "time_zone": ZONES[tenant % ZONES.len()],
        "default_locale": if tenant.is_multiple_of(2) { "fr" } else { "en" },
        "managers": [{"id": "owner", "name": "Olga", "email": format!("owner@t{tenant}.example")}],
        "notifications": {"reminders": reminders(variant)}
    })
}

struct Booking {
    tenant: usize,
    id: String,
    start: DateTime<Utc>,
    live: bool,
    requested: bool,
}

struct Driver {
    http: reqwest::Client,
    dice: SplitMix64,
    retried_503: u64,
}

impl Driver {
    /// One API call as a business's integration makes it: a 503 is asked again.
    async fn call(
        &mut self,
        base: &str,
        tenant: usize,
        method: &str,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        for _ in 0..50 {
            let response = self
                .http
                .request(method.clone(), format!("{base}{path}"))
                .header("x-tenant-id", format!("soak-{tenant:02}"))
                .json(&body)
                .send()
                .await
                .expect("the stack answers");
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            if status == 503 {
                self.retried_503 += 1;
                continue;
            }
            return (status, serde_json::from_str(&text).unwrap_or(Value::Null));
        }
        panic!("{method} {path}: 503 fifty times in a row");
    }
}

/// Runs the soak and judges it.
pub async fn run(config: SoakConfig) -> SoakReport {
    let started = std::time::Instant::now();
    let _ = std::fs::remove_dir_all(&config.data_dir);
    let chaos = Arc::new(Chaos::new(config.fault_rate, config.seed).with_attempts(config.attempts));
    let log = Arc::new(WriteLog::default());
    let mut now = Utc
        .with_ymd_and_hms(2026, 3, 2, 8, 0, 7)
        .single()
        .expect("a start");
    let mut running = start(&config, now, &chaos, &log).await;
    let mut driver = Driver {
        http: reqwest::Client::new(),
        dice: SplitMix64::new(config.seed ^ 0x5EED),
        retried_503: 0,
    };
    let mut operations: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut restarts = 0;
    let per_tenant_clients = (config.appointments / config.tenants / 5).max(3);

    for tenant in 0..config.tenants {
        let base = running.base.clone();
        let (status, body) = driver
            .call(&base, tenant, "PUT", "/v1/settings", settings(tenant, 0))
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = driver
            .call(
                &base,
                tenant,
                "PUT",
                "/v1/appointment-types/cut",
                json!({"name": "Coupe"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let staff = json!({"name": "Sam", "email": format!("sam@t{tenant}.example")});
        let (status, body) = driver
            .call(&base, tenant, "PUT", "/v1/staff/sam", staff)
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let mut clients: Vec<Vec<String>> = vec![Vec::new(); config.tenants];
    for (tenant, ids) in clients.iter_mut().enumerate() {
        for n in 0..per_tenant_clients {
            let body = json!({
                "name": format!("Client {n}"),
                "email": format!("c{n}@t{tenant}.example"),
                "phone": format!("+3361{:07}", tenant * 10_000 + n),
            });
            let (status, created) = driver
                .call(&running.base, tenant, "POST", "/v1/clients", body)
                .await;
            assert_eq!(status, 201, "{created}");
            ids.push(created["id"].as_str().expect("a client id").to_owned());
        }
    }

    let mut bookings: Vec<Booking> = Vec::new();
    let mut replayed = 0;
    let mut settings_variant = vec![0u64; config.tenants];
    while bookings.len() < config.appointments {
        let roll = driver.dice.below(100);
        let tenant = driver.dice.below(config.tenants as u64) as usize;
        let base = running.base.clone();
        let op: &'static str = match roll {
            0..45 => {
                let client =
                    &clients[tenant][driver.dice.below(clients[tenant].len() as u64) as usize];
                let start = (now + Duration::minutes(90 + driver.dice.below(21 * 24 * 60) as i64))
                    .duration_trunc(Duration::minutes(15))
                    .expect("a quarter hour");
                let requested = driver.dice.chance(0.15);
                let mut body = json!({
                    "client_id": client, "staff_id": "sam", "type_id": "cut",
                    "start": start.to_rfc3339(), "end": (start + Duration::minutes(45)).to_rfc3339(),
                });
                if requested {
                    body["status"] = json!("requested");
                }
                let (status, created) = driver
                    .call(&base, tenant, "POST", "/v1/appointments", body)
                    .await;
                assert_eq!(status, 201, "{created}");
                bookings.push(Booking {
                    tenant,
                    id: created["id"].as_str().expect("an id").to_owned(),
                    start,
                    live: true,
                    requested,
                });
                "book"
            }
            45..60 => match pick_live(&mut driver.dice, &bookings, tenant, |b| {
                b.start > now + Duration::hours(1)
            }) {
                Some(i) => {
                    let start = (now
                        + Duration::minutes(90 + driver.dice.below(14 * 24 * 60) as i64))
                    .duration_trunc(Duration::minutes(15))
                    .expect("a quarter hour");
                    let body = json!({"start": start.to_rfc3339(), "end": (start + Duration::minutes(45)).to_rfc3339()});
                    let path = format!("/v1/appointments/{}", bookings[i].id);
                    let (status, _) = driver.call(&base, tenant, "PATCH", &path, body).await;
                    if status == 200 {
                        bookings[i].start = start;
                    }
                    "move"
                }
                None => "move (none)",
            },
            60..68 => match pick_live(&mut driver.dice, &bookings, tenant, |b| b.start > now) {
                Some(i) => {
                    let path = format!("/v1/appointments/{}/cancel", bookings[i].id);
                    driver.call(&base, tenant, "POST", &path, json!({})).await;
                    bookings[i].live = false;
                    "cancel"
                }
                None => "cancel (none)",
            },
            68..74 => match pick_live(&mut driver.dice, &bookings, tenant, |b| {
                b.requested && b.start > now
            }) {
                Some(i) => {
                    let action = if driver.dice.chance(0.7) {
                        "accept"
                    } else {
                        "refuse"
                    };
                    let path = format!("/v1/appointments/{}/{action}", bookings[i].id);
                    driver.call(&base, tenant, "POST", &path, json!({})).await;
                    bookings[i].requested = false;
                    if action == "refuse" {
                        bookings[i].live = false;
                    }
                    action
                }
                None => "accept/refuse (none)",
            },
            74..82 => match pick_live(&mut driver.dice, &bookings, tenant, |b| {
                b.start < now && !b.requested
            }) {
                Some(i) => {
                    let action = if driver.dice.chance(0.8) {
                        "complete"
                    } else {
                        "no-show"
                    };
                    let path = format!("/v1/appointments/{}/{action}", bookings[i].id);
                    driver.call(&base, tenant, "POST", &path, json!({})).await;
                    bookings[i].live = false;
                    action
                }
                None => "complete/no-show (none)",
            },
            82..84 => {
                settings_variant[tenant] += 1 + driver.dice.below(2);
                let (status, body) = driver
                    .call(
                        &base,
                        tenant,
                        "PUT",
                        "/v1/settings",
                        settings(tenant, settings_variant[tenant]),
                    )
                    .await;
                assert_eq!(status, 200, "{body}");
                "settings"
            }
            84..90 => {
                let client =
                    &clients[tenant][driver.dice.below(clients[tenant].len() as u64) as usize];
                let preferences =
                    json!({"email": driver.dice.chance(0.8), "sms": driver.dice.chance(0.6)});
                let path = format!("/v1/clients/{client}");
                let (status, body) = driver
                    .call(
                        &base,
                        tenant,
                        "PATCH",
                        &path,
                        json!({"preferences": preferences}),
                    )
                    .await;
                assert_eq!(status, 200, "{body}");
                "client preferences"
            }
            _ => {
                let by = Duration::minutes(10 + driver.dice.below(8 * 60) as i64);
                now = odd_second(now + by, &mut driver.dice);
                running.stack.advance_to(now).await;
                // The dead-letter alarm has rung: the operator replays them.
                replayed += running.stack.replay_dead_letters().await;
                "advance the clock"
            }
        };
        *operations.entry(op).or_default() += 1;
        // Operations never share an instant, and never fall on a due time's whole minute.
        now = odd_second(
            now + Duration::seconds(1 + driver.dice.below(50) as i64),
            &mut driver.dice,
        );
        running.stack.advance_to(now).await;
        if driver.dice.chance(config.restart_rate) {
            let repeated = running.stop().await;
            running = start(&config, now, &chaos, &log).await;
            running.repeated_before = repeated;
            restarts += 1;
        }
    }

    // The end: every due time passed, the outage over, the dead letters replayed.
    let last_start = bookings.iter().map(|b| b.start).max().unwrap_or(now);
    let end = odd_second(last_start + Duration::days(2), &mut driver.dice);
    running.stack.advance_to(end).await;
    chaos.calm();
    loop {
        let n = running.stack.replay_dead_letters().await;
        if n == 0 {
            break;
        }
        replayed += n;
    }
    running.stack.settle().await;

    let outbox = running.stack.outbox.messages();
    let history = all_history(&running.stack, &clients, config.tenants).await;
    let stack = running.stack.clone();
    let repeated = running.stop().await;
    drop(stack);
    let evidence = Evidence {
        writes: log.writes(),
        outbox,
        repeated,
        history,
        end,
    };
    let judgement = evidence.judge();
    SoakReport {
        config,
        operations,
        restarts,
        retried_503: driver.retried_503,
        dead_letters_replayed: replayed,
        chaos: chaos.counts(),
        surfaced: chaos.surfaced(),
        judgement,
        seconds: started.elapsed().as_secs_f64(),
        evidence,
    }
}

fn pick_live(
    dice: &mut SplitMix64,
    bookings: &[Booking],
    tenant: usize,
    fits: impl Fn(&Booking) -> bool,
) -> Option<usize> {
    let candidates: Vec<usize> = bookings
        .iter()
        .enumerate()
        .filter(|(_, b)| b.tenant == tenant && b.live && fits(b))
        .map(|(i, _)| i)
        .collect();
    if candidates.is_empty() {
        return None;
    }
    Some(candidates[dice.below(candidates.len() as u64) as usize])
}

/// `t`, or a second later if it falls on a whole minute (due times do).
fn odd_second(t: DateTime<Utc>, _dice: &mut SplitMix64) -> DateTime<Utc> {
    if t.timestamp() % 60 == 0 {
        t + Duration::seconds(1)
    } else {
        t
    }
}

/// Every history entry of every client, staff member and manager of the run.
async fn all_history(
    stack: &LocalStack,
    clients: &[Vec<String>],
    tenants: usize,
) -> Vec<CommunicationRecord> {
    let history = &stack.delivery.history;
    let mut entries = Vec::new();
    for (tenant_n, of_tenant) in clients.iter().enumerate().take(tenants) {
        let tenant = TenantId::parse(&format!("soak-{tenant_n:02}")).expect("a tenant id");
        for client in of_tenant {
            let id = ClientId::parse(client).expect("a client id");
            entries.extend(
                history
                    .for_client(&tenant, &id)
                    .await
                    .expect("history reads"),
            );
        }
        for recipient in [
            Recipient::Staff(StaffId::parse("sam").expect("an id")),
            Recipient::Manager(ManagerId::parse("owner").expect("an id")),
        ] {
            entries.extend(
                history
                    .for_recipient(&tenant, &recipient)
                    .await
                    .expect("history reads"),
            );
        }
    }
    entries
}
