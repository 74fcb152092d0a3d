//! Prepares, on the emulator at `RAPPEL_EMULATOR_URL`, what `infra/bench-lambda.sh` runs the
//! release Lambda binaries against: one deployment's resources (tables, queue, schedule group,
//! sender, link secret) and a salon whose 100 new bookings are waiting on the records stream.
//!
//! Writes, into the folder given as the only argument:
//! - `functions.env`: `NAME=value` lines, every variable the measured functions read;
//! - `change-batch.json`: those 100 stream records as Lambda's event source mapping delivers
//!   them (one batch, the change handler's `BatchSize`).
//!
//! The bookings are made through the API handler in-process (this harness); the batch is then
//! handled by the release change handler binary, which is what is measured.

use chrono::{Duration, DurationRound, Utc};
use rappel_aws::wiring::variables_of;
use rappel_aws_tests::aws::spawn_aws_app;
use rappel_testkit::CallsApi;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The change handler's batch size in the template.
const BOOKINGS: usize = 100;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: lambda_bench_fixture OUTPUT_DIR")?,
    );
    std::fs::create_dir_all(&dir)?;
    // The release binaries run on the system clock: the bookings lie ahead of it, so each one
    // plans its full timeline (reminders, follow-up) as a real booking would.
    let now = Utc::now().duration_trunc(Duration::minutes(1))?;
    let app = spawn_aws_app(now, true).await;
    app.seed_salon().await;
    let mut clients = Vec::new();
    for n in 0..10 {
        let created = app
            .post(
                "/v1/clients",
                json!({"name": format!("Client {n}"), "email": format!("client{n}@example.fr"),
                       "phone": format!("+336123450{n:02}")}),
            )
            .await;
        let id = created.body["id"].as_str().ok_or("a client id")?.to_owned();
        clients.push(id);
    }
    app.pump_stream().await;
    let first = now + Duration::days(3);
    for n in 0..BOOKINGS {
        let start = first + Duration::hours(n as i64);
        let end = start + Duration::minutes(45);
        let booked = app
            .book(
                &clients[n % clients.len()],
                &start.to_rfc3339(),
                &end.to_rfc3339(),
            )
            .await;
        booked["id"].as_str().ok_or("an appointment id")?;
    }
    let batch = app.read_stream().await;
    if batch.records.len() != BOOKINGS {
        return Err(format!(
            "expected {BOOKINGS} stream records, read {}",
            batch.records.len()
        )
        .into());
    }
    std::fs::write(dir.join("change-batch.json"), serde_json::to_vec(&batch)?)?;

    let env = app.resources.env();
    let mut lines = BTreeMap::new();
    for function in [
        "rappel-api",
        "rappel-change-handler",
        "rappel-send",
        "rappel-publish",
        "rappel-inbound-sms",
        "rappel-erase",
    ] {
        for name in variables_of(function) {
            if let Ok(Some(value)) = env.declared(name) {
                lines.insert(name, value.to_owned());
            }
        }
    }
    // The inbound SMS function exists only with a two-way number (the send function then
    // sends from it).
    lines.insert(
        rappel_aws::env::SMS_TWO_WAY_NUMBER,
        "+33757990000".to_owned(),
    );
    let text: String = lines.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    std::fs::write(dir.join("functions.env"), text)?;
    println!("fixture ready in {}", dir.display());
    Ok(())
}
