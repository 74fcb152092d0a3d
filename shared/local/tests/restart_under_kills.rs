//! The durable local stack killed at random points — SIGKILL and SIGTERM in the middle of clock
//! advances, and aborts at named crash points between the writes whose order matters
//! (`RAPPEL_CRASH_AT`) — and restarted on the same data dir: every message still goes out
//! exactly once and is recorded `sent` exactly once, as in a run that was never interrupted.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TENANT: &str = "salon-durable";
const APPOINTMENTS: usize = 24;
/// Clock advances of 12 hours: from booking to past the last follow-up.
const STEPS: usize = 26;

/// A small deterministic generator (the kill points must be the same on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One HTTP/1.1 request; `None` when the stack is not answering (stopped, killed).
fn call(port: u16, method: &str, path: &str, body: Option<&Value>) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .ok()?;
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Tenant-Id: {TENANT}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response);
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let (_, payload) = text.split_once("\r\n\r\n")?;
    Some((status, serde_json::from_str(payload).unwrap_or(Value::Null)))
}

fn must(port: u16, method: &str, path: &str, body: Value) -> Value {
    let (status, answer) = call(port, method, path, Some(&body)).expect("the stack answers");
    assert!(status < 300, "{method} {path}: {status} {answer}");
    answer
}

/// A running stack, killed if the test ends early (a failed assertion must not leave it behind).
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(dir: &Path, port: u16) -> Running {
    start_crashing(dir, port, None)
}

/// Starts the stack; with `crash`, it aborts the n-th time it passes that crash point.
fn start_crashing(dir: &Path, port: u16, crash: Option<&str>) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rappel-local"));
    command
        .args(["--quiet", "--frozen-clock", "--port", &port.to_string()])
        .arg("--data-dir")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(crash) = crash {
        command.env(rappel_ports::crash_point::CRASH_AT, crash);
    }
    let child = command.spawn().expect("the binary starts");
    let started = Instant::now();
    while call(port, "GET", "/_local/clock", None).is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the stack starts"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Running(child)
}

fn signal(Running(child): &Running, name: &str) {
    let _ = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status();
}

/// The salon and its appointments, booked from day 2 to day 10 after `origin`.
fn seed(port: u16, origin: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    must(
        port,
        "PUT",
        "/v1/settings",
        json!({"business_name": "Salon Durable", "time_zone": "Europe/Paris",
               "notifications": {"reminders": [{"offset": "1d", "email": true, "sms": true},
                                               {"offset": "2h", "sms": true}],
                                 "follow_ups": [{"after_end": "1d", "email": true}]}}),
    );
    must(
        port,
        "PUT",
        "/v1/appointment-types/cut",
        json!({"name": "Coupe"}),
    );
    must(
        port,
        "PUT",
        "/v1/staff/sam",
        json!({"name": "Sam", "email": "sam@durable.example"}),
    );
    let clients: Vec<String> = (0..4)
        .map(|n| {
            let created = must(
                port,
                "POST",
                "/v1/clients",
                json!({"name": format!("Client {n}"), "email": format!("c{n}@durable.example"),
                       "phone": format!("+3361234560{n}")}),
            );
            created["id"].as_str().expect("an id").to_owned()
        })
        .collect();
    for n in 0..APPOINTMENTS {
        let start = origin + chrono::Duration::hours(48 + 9 * n as i64);
        let end = start + chrono::Duration::minutes(45);
        must(
            port,
            "POST",
            "/v1/appointments",
            json!({"client_id": clients[n % clients.len()], "staff_id": "sam", "type_id": "cut",
                   "start": start.to_rfc3339(), "end": end.to_rfc3339()}),
        );
    }
    clients
}

/// What went out, counted by (kind of message, channel, recipient): appointment ids and change
/// times differ between runs, these do not.
fn outbox_profile(port: u16) -> BTreeMap<String, usize> {
    let (_, outbox) = call(port, "GET", "/_local/outbox", None).expect("the outbox");
    let messages = outbox["messages"].as_array().cloned().unwrap_or_default();
    assert!(!messages.is_empty());
    let mut keys = BTreeMap::<String, usize>::new();
    let mut profile = BTreeMap::new();
    for m in &messages {
        *keys
            .entry(m["key"].as_str().unwrap_or_default().to_owned())
            .or_default() += 1;
        let what = m["subject"]
            .as_str()
            .or(m["text"].as_str())
            .unwrap_or_default()
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        *profile
            .entry(format!("{} {} {what}", m["channel"], m["to"]))
            .or_default() += 1;
    }
    let doubled: Vec<_> = keys.iter().filter(|(_, n)| **n > 1).collect();
    assert!(doubled.is_empty(), "sent twice: {doubled:?}");
    profile
}

/// The provider receipt of every `sent` history entry of the clients (alerts to staff and
/// managers are filed under the appointment's client too), with how often it is recorded.
fn sent_receipts(port: u16, clients: &[String]) -> BTreeMap<String, usize> {
    let mut sent = BTreeMap::new();
    for client in clients {
        let (_, history) = call(
            port,
            "GET",
            &format!("/v1/clients/{client}/communications"),
            None,
        )
        .expect("the history");
        for entry in history["communications"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            if entry["status"] == "sent" {
                *sent
                    .entry(
                        entry["provider_message_id"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    )
                    .or_insert(0usize) += 1;
            }
        }
    }
    sent
}

/// What interrupted a run.
#[derive(Default, Debug)]
struct Interruptions {
    sigkill: usize,
    sigterm: usize,
    crashes: usize,
}

fn run(dir: &Path, kills: Option<u64>) -> (BTreeMap<String, usize>, Interruptions) {
    let port = free_port();
    let mut child = start(dir, port);
    let origin = chrono::Utc::now();
    let clients = seed(port, origin);
    let mut rng = Lcg(kills.unwrap_or(0));
    let mut seen = Interruptions::default();
    for step in 1..=STEPS {
        let target = (origin + chrono::Duration::hours(12 * step as i64)).to_rfc3339();
        let how = if kills.is_some() { rng.next() % 4 } else { 0 };
        if how == 1 {
            // Restart armed with a crash point; the advance runs into it (or not, if it passes
            // that point fewer times).
            signal(&child, "-TERM");
            let _ = child.0.wait();
            let points = rappel_ports::crash_point::POINTS;
            let point = points[(rng.next() % points.len() as u64) as usize];
            let armed = format!("{point}:{}", 1 + rng.next() % 6);
            child = start_crashing(dir, port, Some(&armed));
            let answered = call(port, "POST", "/_local/clock", Some(&json!({"to": target})));
            if answered.is_none() {
                let status = child.0.wait().expect("the stack stops");
                assert!(!status.success(), "it crashed at {armed}");
                seen.crashes += 1;
            } else {
                signal(&child, "-TERM");
                let _ = child.0.wait();
            }
            child = start(dir, port);
        } else if how >= 2 {
            let mover = std::thread::spawn(move || {
                call(port, "POST", "/_local/clock", Some(&json!({"to": target})))
            });
            // An advance takes 50-200 ms here (every step of it is written to disk): a kill
            // anywhere in it, or just after.
            std::thread::sleep(Duration::from_millis(rng.next() % 220));
            let sig = if rng.next().is_multiple_of(2) {
                "-KILL"
            } else {
                "-TERM"
            };
            signal(&child, sig);
            let status = child.0.wait().expect("the stack stops");
            if sig == "-TERM" {
                assert!(status.success(), "SIGTERM stops cleanly: {status:?}");
                seen.sigterm += 1;
            } else {
                seen.sigkill += 1;
            }
            let _ = mover.join();
            child = start(dir, port);
        }
        // (Again) after a restart: the clock restarts at real time; moving it to the target
        // fires whatever the interrupted advance had not finished.
        let target = (origin + chrono::Duration::hours(12 * step as i64)).to_rfc3339();
        must(port, "POST", "/_local/clock", json!({"to": target}));
    }
    let profile = outbox_profile(port);
    let (_, outbox) = call(port, "GET", "/_local/outbox", None).expect("the outbox");
    // The history lists what was sent *to* each client; alerts to Sam are not in it.
    let outbox_ids: Vec<String> = outbox["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|m| m["to"] != "sam@durable.example")
        .filter_map(|m| m["id"].as_str().map(str::to_owned))
        .collect();
    assert!(!outbox_ids.is_empty());
    let recorded = sent_receipts(port, &clients);
    let unrecorded: Vec<&String> = outbox_ids
        .iter()
        .filter(|id| !recorded.contains_key(*id))
        .collect();
    assert!(
        unrecorded.is_empty(),
        "sent but never recorded: {unrecorded:?}"
    );
    let doubled: Vec<_> = recorded.iter().filter(|(_, n)| **n > 1).collect();
    assert!(doubled.is_empty(), "recorded twice: {doubled:?}");
    assert_eq!(
        recorded.len(),
        outbox_ids.len(),
        "every record is of a message sent"
    );
    let (_, dead) = call(port, "GET", "/_local/dead-letters", None).expect("dead letters");
    assert_eq!(dead["dead_letters"], json!([]), "nothing dead-lettered");
    signal(&child, "-TERM");
    let _ = child.0.wait();
    (profile, seen)
}

#[test]
fn killed_and_restarted_at_random_points_the_stack_loses_doubles_and_forgets_nothing() {
    let reference_dir = tempfile::tempdir().expect("a folder");
    let (reference, _) = run(reference_dir.path(), None);
    let killed_dir = tempfile::tempdir().expect("a folder");
    let (after_kills, seen) = run(killed_dir.path(), Some(20261122));
    assert!(
        seen.sigkill >= 3 && seen.sigterm >= 3 && seen.crashes >= 3,
        "interrupted enough: {seen:?}"
    );
    eprintln!("interruptions: {seen:?}");
    assert_eq!(
        after_kills, reference,
        "the same messages, once each, as an uninterrupted run"
    );
}
