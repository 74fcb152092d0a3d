//! Group commit for the embedded stores' files: a journal line (or a written `.eml`) is not
//! synced on its own; a **barrier** syncs every file written since the last one, once for all
//! the callers waiting at it. The rule that keeps the guarantee — *acknowledged ⇒ durable,
//! in order* — is that a barrier stands before every acknowledgement: the local stack's HTTP
//! answer, and each step that consumes work (a feed batch finished, a queued request done or
//! retried, a schedule marked fired), so what handling a piece of work wrote is on disk before
//! the work is let go. Concurrent callers share a sync: the first to arrive syncs for everyone
//! who wrote before it started; those who wrote while it synced wait for the next one, led by
//! one of them.
//!
//! A kill (SIGKILL, an abort) loses nothing either way: written lines are in the kernel's page
//! cache, which outlives the process. The syncs are for the machine stopping (power loss).

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

/// The files written since their last sync, and the callers waiting for them to be synced.
#[derive(Default)]
pub struct SyncDomain {
    state: Mutex<State>,
    synced: Condvar,
}

#[derive(Default)]
struct State {
    /// Files (and folders whose entries changed) written since they were last synced.
    dirty: BTreeSet<PathBuf>,
    /// Writes counted so far; a barrier waits until `synced` reaches the count it found.
    written: u64,
    synced: u64,
    /// A caller is syncing (outside the lock).
    syncing: bool,
    /// Syncs made: what a test and the benchmark read.
    rounds: u64,
}

impl SyncDomain {
    /// The process's domain: every persisted store of the local stack shares it, so one
    /// barrier covers them all.
    pub fn global() -> &'static Arc<SyncDomain> {
        static GLOBAL: OnceLock<Arc<SyncDomain>> = OnceLock::new();
        GLOBAL.get_or_init(|| Arc::new(SyncDomain::default()))
    }

    /// `path` was written (or, for a folder, had an entry renamed into it) and is not synced.
    pub fn written(&self, path: &Path) {
        let mut state = self.lock();
        if !state.dirty.contains(path) {
            state.dirty.insert(path.to_owned());
        }
        state.written += 1;
    }

    /// Returns once everything written before the call is synced: by a sync this caller makes
    /// for everyone, or by one another caller is making or makes next.
    pub fn barrier(&self) -> io::Result<()> {
        let mark = self.mark();
        self.barrier_through(mark)
    }

    /// Where the writes stand: a later [`Self::barrier_through`] waits for what was written
    /// up to here only.
    pub fn mark(&self) -> u64 {
        self.lock().written
    }

    /// Returns once everything written up to `mark` is synced (at once if a barrier since did).
    pub fn barrier_through(&self, mark: u64) -> io::Result<()> {
        let mut state = self.lock();
        loop {
            if state.synced >= mark {
                return Ok(());
            }
            if state.syncing {
                state = self
                    .synced
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            state.syncing = true;
            let round = state.written;
            let paths = std::mem::take(&mut state.dirty);
            drop(state);
            let result = sync_each(&paths);
            state = self.lock();
            state.syncing = false;
            match result {
                Ok(()) => {
                    state.synced = state.synced.max(round);
                    state.rounds += 1;
                    self.synced.notify_all();
                }
                Err(error) => {
                    // Still to sync; the next barrier tries them again.
                    state.dirty.extend(paths);
                    self.synced.notify_all();
                    return Err(error);
                }
            }
        }
    }

    /// Nothing written is waiting for a sync.
    pub fn is_synced(&self) -> bool {
        let state = self.lock();
        state.dirty.is_empty() && state.synced >= state.written
    }

    /// Everything written up to `mark` is synced.
    pub fn is_synced_through(&self, mark: u64) -> bool {
        self.lock().synced >= mark
    }

    /// Syncs made so far.
    pub fn rounds(&self) -> u64 {
        self.lock().rounds
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Syncs what `paths` name. One or two files: each its own `fdatasync` (a folder, `fsync`).
/// More (a batch's journals, `.eml` files and their folder): on Linux one `syncfs` per file
/// system they are on — one journal commit of the file system for all of them, where a sync
/// per file makes one commit each. A file gone meanwhile (an erased message's `.eml`) has
/// nothing left to sync. Opening a file again reaches the page cache it was written through.
fn sync_each(paths: &BTreeSet<PathBuf>) -> io::Result<()> {
    let mut opened = Vec::with_capacity(paths.len());
    for path in paths {
        match std::fs::File::open(path) {
            Ok(file) => opened.push(file),
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        }
    }
    if opened.len() > PER_FILE_UP_TO {
        return sync_file_systems(opened);
    }
    for file in opened {
        sync_one(&file)?;
    }
    Ok(())
}

/// Up to this many files a barrier syncs them one by one.
const PER_FILE_UP_TO: usize = 2;

fn sync_one(file: &std::fs::File) -> io::Result<()> {
    if file.metadata()?.is_dir() {
        // Not every platform can sync a folder; the entries are written either way.
        let _ = file.sync_all();
        Ok(())
    } else {
        file.sync_data()
    }
}

#[cfg(target_os = "linux")]
fn sync_file_systems(opened: Vec<std::fs::File>) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mut by_device = std::collections::BTreeMap::new();
    for file in opened {
        by_device.entry(file.metadata()?.dev()).or_insert(file);
    }
    for file in by_device.values() {
        rustix::fs::syncfs(file)?;
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn sync_file_systems(opened: Vec<std::fs::File>) -> io::Result<()> {
    for file in opened {
        sync_one(&file)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn append(path: &Path, line: &str) {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        writeln!(file, "{line}").unwrap();
    }

    #[test]
    fn one_barrier_syncs_every_file_written_before_it_in_one_round() {
        let dir = tempfile::tempdir().unwrap();
        let domain = SyncDomain::default();
        for (i, name) in ["records.journal", "ledger.journal", "history.journal"]
            .iter()
            .enumerate()
        {
            let path = dir.path().join(name);
            for n in 0..10 {
                append(&path, &format!("{i}-{n}"));
                domain.written(&path);
            }
        }
        assert!(!domain.is_synced());

        domain.barrier().unwrap();

        assert!(domain.is_synced());
        assert_eq!(domain.rounds(), 1);
    }

    #[test]
    fn a_barrier_with_nothing_written_since_the_last_syncs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let domain = SyncDomain::default();
        let path = dir.path().join("queue.journal");
        append(&path, "enqueue");
        domain.written(&path);
        domain.barrier().unwrap();
        domain.barrier().unwrap();
        assert_eq!(domain.rounds(), 1);
    }

    #[test]
    fn callers_writing_at_once_share_syncs_and_each_returns_with_its_write_synced() {
        let dir = tempfile::tempdir().unwrap();
        let domain = Arc::new(SyncDomain::default());
        let threads = 8;
        let writes = 200;
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let domain = Arc::clone(&domain);
                let path = dir.path().join(format!("store-{t}.journal"));
                std::thread::spawn(move || {
                    for n in 0..writes {
                        append(&path, &n.to_string());
                        domain.written(&path);
                        domain.barrier().unwrap();
                        // This caller's write is covered: nothing it wrote is still waiting.
                        let state = domain.lock();
                        assert!(!state.dirty.contains(&path));
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        assert!(domain.is_synced());
        assert!(domain.rounds() >= 1);
        assert!(domain.rounds() <= (threads * writes) as u64);
    }

    #[test]
    fn a_barrier_through_a_mark_already_synced_returns_without_syncing_what_came_after() {
        let dir = tempfile::tempdir().unwrap();
        let domain = SyncDomain::default();
        let path = dir.path().join("records.journal");
        append(&path, "booked");
        domain.written(&path);
        let mark = domain.mark();
        domain.barrier().unwrap();
        append(&path, "acknowledged");
        domain.written(&path);

        domain.barrier_through(mark).unwrap();

        assert_eq!(domain.rounds(), 1);
        assert!(
            !domain.is_synced(),
            "the later line waits for the next barrier"
        );
    }

    #[test]
    fn a_file_removed_before_the_barrier_does_not_fail_it() {
        let dir = tempfile::tempdir().unwrap();
        let domain = SyncDomain::default();
        let path = dir.path().join("000001.eml");
        append(&path, "Subject: erased");
        domain.written(&path);
        std::fs::remove_file(&path).unwrap();
        domain.barrier().unwrap();
        assert!(domain.is_synced());
    }
}
