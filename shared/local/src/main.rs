//! `rappel-local`: starts the whole stack on 127.0.0.1 with sensible defaults.
//!
//! Options: `--port N` (8080), `--data-dir PATH` (`.rappel-local`), `--in-memory`,
//! `--frozen-clock` (the clock moves only through `POST /_local/clock`), `--clock-at <RFC 3339>`
//! (frozen, starting at that instant: a run that does not depend on the day it runs), `--quiet`.

use rappel_local::{LocalConfig, LocalStack, local_router};
use std::path::PathBuf;
use std::time::Duration;

struct Options {
    port: u16,
    data_dir: Option<PathBuf>,
    frozen: bool,
    start_at: Option<chrono::DateTime<chrono::Utc>>,
    echo: bool,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        port: 8080,
        data_dir: Some(PathBuf::from(".rappel-local")),
        frozen: false,
        start_at: None,
        echo: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                o.port = args
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port needs a number")?
            }
            "--data-dir" => {
                o.data_dir = Some(
                    args.next()
                        .map(PathBuf::from)
                        .ok_or("--data-dir needs a path")?,
                )
            }
            "--in-memory" => o.data_dir = None,
            "--frozen-clock" => o.frozen = true,
            "--clock-at" => {
                let at = args
                    .next()
                    .and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok())
                    .ok_or("--clock-at needs an RFC 3339 instant, e.g. 2026-03-20T09:00:00Z")?;
                o.start_at = Some(at.to_utc());
                o.frozen = true;
            }
            "--quiet" => o.echo = false,
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(o)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o = match options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!(
                "{message}\nusage: rappel-local [--port N] [--data-dir PATH | --in-memory] [--frozen-clock | --clock-at INSTANT] [--quiet]"
            );
            std::process::exit(if message.is_empty() { 0 } else { 2 });
        }
    };
    // `--quiet`: no banner, no message echo, warnings and errors only (unless RUST_LOG says).
    let default_level = if o.echo { "info" } else { "warn" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default_level.into()),
        )
        .init();
    let config = LocalConfig {
        data_dir: o.data_dir.clone(),
        start_at: o.start_at.unwrap_or_else(chrono::Utc::now),
        echo: o.echo,
        link_base_url: format!("http://127.0.0.1:{}/links", o.port),
        link_secret: b"rappel-local-development-link-key-0001".to_vec(),
        sender: rappel_local_sender(),
        disturbance: None,
        provider_rate: None,
    };
    let stack = match LocalStack::new(config) {
        Ok(stack) => stack,
        Err(error) => {
            eprintln!("rappel-local: {error}");
            std::process::exit(1);
        }
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", o.port)).await?;
    if o.echo {
        println!("Rappel local stack on http://{}", listener.local_addr()?);
        println!(
            "  data: {}",
            o.data_dir
                .as_ref()
                .map_or("in memory".into(), |d| d.display().to_string())
        );
        println!(
            "  clock: {}",
            if o.frozen {
                "frozen (POST /_local/clock to move it)"
            } else {
                "follows real time (POST /_local/clock jumps ahead)"
            }
        );
        println!("  tenant header: X-Tenant-Id");
    }

    if !o.frozen {
        let ticking = stack.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_secs(1));
            loop {
                interval.tick().await;
                ticking.advance_by(chrono::Duration::seconds(1)).await;
            }
        });
    }
    axum::serve(listener, local_router(stack.clone()))
        .with_graceful_shutdown(stop_requested())
        .await?;
    // Requests in flight have been answered; let the firing in progress finish, then exit
    // holding the runtime so that no new one starts.
    let _quiet = stack.quiesce().await;
    if let Err(error) = rappel_local::synced().await {
        tracing::error!(%error, "could not sync the data dir before stopping");
    }
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Ctrl-C or SIGTERM (what `kill`, systemd and container runtimes send): both stop the stack
/// the same graceful way.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn rappel_local_sender() -> rappel_core::model::EmailAddress {
    rappel_core::model::EmailAddress::parse("no-reply@rappel.example.com")
        .unwrap_or_else(|_| unreachable!("constant address is valid"))
}
