//! The log of a scene, kept: what a test searches for personal data. The subscriber is this
//! thread's only (`set_default`), so the scene's tasks must run on it (a current-thread
//! runtime) and the test must have its process to itself (other tests' threads registering the
//! same call sites make it miss events).

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Everything logged while its guard lives.
#[derive(Clone, Default)]
pub struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        crate::lock(&self.0).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl CapturedLog {
    /// Logs `filter` (an `EnvFilter`) on this thread into the returned log until the guard
    /// is dropped.
    pub fn start(filter: &str) -> (Self, tracing::subscriber::DefaultGuard) {
        let log = Self::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        (log, tracing::subscriber::set_default(subscriber))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&crate::lock(&self.0)).into_owned()
    }

    /// The lines that contain any of `personal`, by what they contain: empty when the log
    /// names none of them.
    pub fn lines_naming<'a>(&self, personal: &[&'a str]) -> Vec<(&'a str, String)> {
        let text = self.text();
        personal
            .iter()
            .flat_map(|p| {
                text.lines()
                    .filter(|l| l.contains(p))
                    .map(|l| (*p, l.to_owned()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}
