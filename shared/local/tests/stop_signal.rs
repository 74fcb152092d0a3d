//! The `rappel-local` process as its users run it: SIGTERM (what `kill`, systemd and container
//! runtimes send) stops it as gracefully as Ctrl-C, and `--quiet` prints nothing.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A plain HTTP/1.1 GET; the status code, or `None` while the stack is not up.
fn get_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn sigterm_stops_the_stack_cleanly_and_quiet_means_quiet() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rappel-local"))
        .args(["--quiet", "--frozen-clock", "--port", &port.to_string()])
        .arg("--data-dir")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");

    let started = Instant::now();
    while get_status(port, "/_local/clock") != Some(200) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the stack answers within 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());

    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("SIGTERM did not stop the stack within 10 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    assert!(
        status.success(),
        "a clean stop exits 0, got {status:?}; stderr: {stderr}"
    );
    assert_eq!(stdout, "", "--quiet prints nothing");
    assert_eq!(stderr, "", "--quiet logs nothing when all is well");
}
