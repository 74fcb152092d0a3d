//! Persistence of an embedded store as a snapshot and an append-only journal of the changes
//! made since it. A change costs one line appended, whatever the store already holds —
//! rewriting the whole file on every change made the local stack slower as it grew (5
//! bookings/s at 1,000 stored) — and the line is synced by the next barrier of its
//! [`SyncDomain`] (group commit: one sync for every line written before it, by any store),
//! which stands before every acknowledgement.
//!
//! Files: the snapshot at `<name>.json` (the store's state, written atomically) and the journal
//! at `<name>.journal`: a first line naming the snapshot it follows (`{"base": sha-256}`), then
//! one JSON change per line. Opening replays the journal onto the snapshot and folds it in
//! (compaction), as does a journal grown past the snapshot's size.
//!
//! A kill at any instant loses nothing that was acknowledged (nor does a power loss: a barrier
//! synced it before the acknowledgement):
//! - during an append: the torn last line (no newline) was never acknowledged and is dropped;
//! - during compaction, after the new snapshot and before the new journal: the old journal's
//!   base no longer matches the snapshot, so its changes — already in it — are not applied twice.

use crate::group_commit::SyncDomain;
use crate::json_file::write_atomically;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A store's state that is rebuilt from its snapshot and the changes made since.
pub trait Journaled: Sized {
    /// What the snapshot file holds.
    type Saved: DeserializeOwned + Default;
    /// One change, as a journal line.
    type Change: Serialize + DeserializeOwned;

    fn restore(saved: Self::Saved) -> Self;
    /// The state as the snapshot file holds it (serialised as `Self::Saved` deserialises).
    fn saved(&self) -> impl Serialize + '_;
    fn apply(&mut self, change: Self::Change);
}

/// A store whose files can be folded into a fresh snapshot on demand
/// ([`Durable::compact_now`]): after an erasure, its journal must not keep what was erased.
pub trait Compact: Send + Sync {
    fn compact(&self) -> io::Result<()>;
}

/// [`Compact`] for a store of one durable state behind a mutex.
#[macro_export]
macro_rules! compact_by {
    ($store:ty, $($field:ident),+) => {
        impl $crate::journal::Compact for $store {
            fn compact(&self) -> std::io::Result<()> {
                $( $crate::lock(&self.$field).compact_now()?; )+
                Ok(())
            }
        }
    };
}

/// A change to a map keyed by text, the state of the stores that are plain maps.
#[derive(Serialize, Deserialize)]
pub enum MapChange<V> {
    Put(String, V),
    Remove(String),
}

impl<V: Serialize + DeserializeOwned> Journaled for BTreeMap<String, V> {
    type Saved = Self;
    type Change = MapChange<V>;

    fn restore(saved: Self) -> Self {
        saved
    }

    fn saved(&self) -> impl Serialize + '_ {
        self
    }

    fn apply(&mut self, change: MapChange<V>) {
        match change {
            MapChange::Put(key, value) => {
                self.insert(key, value);
            }
            MapChange::Remove(key) => {
                self.remove(&key);
            }
        }
    }
}

/// A store's state, with its journal when it is persisted.
pub struct Durable<S: Journaled> {
    state: S,
    journal: Option<Journal>,
}

impl<S: Journaled> Durable<S> {
    pub fn in_memory(state: S) -> Self {
        Self {
            state,
            journal: None,
        }
    }

    /// Loads the snapshot at `path` (none yet: the default state), replays its journal and
    /// folds it in; every later change is journaled, synced by the process's barriers
    /// ([`SyncDomain::global`]).
    pub fn open(path: impl Into<PathBuf>) -> io::Result<Self> {
        Self::open_in(path, Arc::clone(SyncDomain::global()))
    }

    /// [`Self::open`], its lines synced by `domain`'s barriers.
    pub fn open_in(path: impl Into<PathBuf>, domain: Arc<SyncDomain>) -> io::Result<Self> {
        let snapshot = path.into();
        let journal_path = snapshot.with_extension("journal");
        let (saved, base) = match std::fs::read(&snapshot) {
            Ok(bytes) => (
                serde_json::from_slice(&bytes).map_err(|e| invalid(&snapshot, &e))?,
                digest(&bytes),
            ),
            Err(e) if e.kind() == io::ErrorKind::NotFound => (S::Saved::default(), digest(b"")),
            Err(e) => return Err(e),
        };
        let mut state = S::restore(saved);
        for change in read_journal::<S::Change>(&journal_path, &base)? {
            state.apply(change);
        }
        let mut journal = Journal {
            snapshot,
            path: journal_path,
            written: 0,
            snapshot_len: 0,
            domain,
        };
        journal.compact(&state.saved())?;
        Ok(Self {
            state,
            journal: Some(journal),
        })
    }

    pub fn is_persisted(&self) -> bool {
        self.journal.is_some()
    }

    /// Applies `change` and, when persisted, appends it to the journal (synced by the next
    /// barrier of its domain). An error means the change holds in memory but may not survive
    /// a restart.
    pub fn change(&mut self, change: S::Change) -> io::Result<()> {
        let line = match &self.journal {
            Some(_) => Some(serde_json::to_vec(&change).map_err(io::Error::other)?),
            None => None,
        };
        self.state.apply(change);
        match (&mut self.journal, line) {
            (Some(journal), Some(line)) => {
                journal.append(&line)?;
                if journal.is_long() {
                    journal.compact(&self.state.saved())?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The domain whose barrier syncs this store's lines (none in memory): a store takes it
    /// out of its lock and waits at the barrier before it consumes work.
    pub fn sync_domain(&self) -> Option<Arc<SyncDomain>> {
        self.journal
            .as_ref()
            .map(|journal| Arc::clone(&journal.domain))
    }

    /// Folds the journal into a new snapshot now (persisted only): what the state no longer
    /// holds (a client erased) is then in no file either.
    pub fn compact_now(&mut self) -> io::Result<()> {
        match &mut self.journal {
            Some(journal) => journal.compact(&self.state.saved()),
            None => Ok(()),
        }
    }

    /// [`Self::change`], logging rather than returning a failure to persist: the local stack
    /// keeps working from memory.
    pub fn change_or_log(&mut self, change: S::Change, what: &str) {
        if let Err(error) = self.change(change) {
            tracing::error!(%error, "could not persist the local {what}");
        }
    }
}

/// Waits at the barrier of `store`'s domain (out of its lock, so other writers go on): what
/// handling a piece of work wrote is synced before the store lets the work go. A failed sync
/// is logged and the work let go regardless, as a failed append is (the stack runs on from
/// memory).
pub fn barrier_before_consuming<S: Journaled>(store: &std::sync::Mutex<Durable<S>>, what: &str) {
    let domain = crate::lock(store).sync_domain();
    if let Some(domain) = domain
        && let Err(error) = domain.barrier()
    {
        tracing::error!(%error, "could not sync the local files before the {what} moved on");
    }
}

impl<S: Journaled + Default> Default for Durable<S> {
    fn default() -> Self {
        Self::in_memory(S::default())
    }
}

/// Reads see the state; changes go through [`Durable::change`].
impl<S: Journaled> std::ops::Deref for Durable<S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.state
    }
}

/// The journal file of one store.
struct Journal {
    snapshot: PathBuf,
    path: PathBuf,
    /// Bytes appended since the last compaction.
    written: u64,
    snapshot_len: u64,
    domain: Arc<SyncDomain>,
}

/// Below this, a journal is not folded in before the next start whatever the snapshot's size.
const MIN_COMPACTION_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Serialize, Deserialize)]
struct Header {
    base: String,
}

impl Journal {
    fn append(&mut self, line: &[u8]) -> io::Result<()> {
        // Opened for each append rather than kept: a journal replaced by another opening of
        // the same files (a restart test, a second look at a data dir) is never written blind.
        let mut file = OpenOptions::new().append(true).open(&self.path)?;
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line);
        bytes.push(b'\n');
        file.write_all(&bytes)?;
        self.domain.written(&self.path);
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Long enough that rewriting the snapshot costs no more than the appends did.
    fn is_long(&self) -> bool {
        self.written > self.snapshot_len.max(MIN_COMPACTION_BYTES)
    }

    /// A new snapshot of `saved`, then an empty journal that names it.
    fn compact(&mut self, saved: &impl Serialize) -> io::Result<()> {
        let bytes = serde_json::to_vec(saved).map_err(io::Error::other)?;
        write_atomically(&self.snapshot, &bytes)?;
        let mut header = serde_json::to_vec(&Header {
            base: digest(&bytes),
        })
        .map_err(io::Error::other)?;
        header.push(b'\n');
        write_atomically(&self.path, &header)?;
        self.written = 0;
        self.snapshot_len = bytes.len() as u64;
        Ok(())
    }
}

/// The changes of the journal at `path` that follow the snapshot whose digest is `base`: none
/// when there is no journal or it follows an older snapshot (its changes are folded in), and
/// without a torn last line.
fn read_journal<C: DeserializeOwned>(path: &Path, base: &str) -> io::Result<Vec<C>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut lines = bytes.split_inclusive(|b| *b == b'\n');
    let header = match lines.next() {
        Some(line) if line.ends_with(b"\n") => line,
        // Killed while the journal itself was being created: nothing was appended yet.
        _ => return Ok(Vec::new()),
    };
    let header: Header = serde_json::from_slice(header).map_err(|e| invalid(path, &e))?;
    if header.base != base {
        return Ok(Vec::new());
    }
    let mut changes = Vec::new();
    for line in lines {
        if !line.ends_with(b"\n") {
            // Torn by a kill during its append: that change was never acknowledged.
            break;
        }
        changes.push(serde_json::from_slice(line).map_err(|e| invalid(path, &e))?);
    }
    Ok(changes)
}

fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn invalid(path: &Path, error: &serde_json::Error) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{} cannot be read: {error}", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A counter and a list, the two kinds of state the stores keep.
    #[derive(Default, Serialize, Deserialize, PartialEq, Debug, Clone)]
    struct Tally {
        total: u64,
        names: BTreeMap<String, u64>,
    }

    #[derive(Serialize, Deserialize)]
    enum TallyChange {
        Add(String, u64),
        Remove(String),
    }

    impl Journaled for Tally {
        type Saved = Tally;
        type Change = TallyChange;
        fn restore(saved: Tally) -> Self {
            saved
        }
        fn saved(&self) -> impl Serialize + '_ {
            self
        }
        fn apply(&mut self, change: TallyChange) {
            match change {
                TallyChange::Add(name, n) => {
                    self.total += n;
                    *self.names.entry(name).or_default() += n;
                }
                TallyChange::Remove(name) => {
                    self.names.remove(&name);
                }
            }
        }
    }

    fn add(name: &str, n: u64) -> TallyChange {
        TallyChange::Add(name.into(), n)
    }

    #[test]
    fn every_change_survives_a_restart_without_rewriting_the_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tally.json");
        let mut tally = Durable::<Tally>::open(&path).unwrap();
        let snapshot = std::fs::read(&path).unwrap();
        tally.change(add("lea", 2)).unwrap();
        tally.change(add("sam", 3)).unwrap();
        tally.change(TallyChange::Remove("lea".into())).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), snapshot);

        let reopened = Durable::<Tally>::open(&path).unwrap();
        assert_eq!(reopened.total, 5);
        assert_eq!(reopened.names, BTreeMap::from([("sam".to_owned(), 3)]));
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_the_lines_before_it_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tally.json");
        let mut tally = Durable::<Tally>::open(&path).unwrap();
        tally.change(add("lea", 2)).unwrap();
        drop(tally);
        let journal = path.with_extension("journal");
        let mut file = OpenOptions::new().append(true).open(&journal).unwrap();
        file.write_all(br#"{"Add":["sam","#).unwrap();

        let reopened = Durable::<Tally>::open(&path).unwrap();
        assert_eq!(reopened.total, 2);
        assert_eq!(reopened.names.len(), 1);
    }

    #[test]
    fn a_journal_already_folded_into_the_snapshot_is_not_applied_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tally.json");
        let journal = path.with_extension("journal");
        let mut tally = Durable::<Tally>::open(&path).unwrap();
        tally.change(add("lea", 2)).unwrap();
        tally.change(add("sam", 3)).unwrap();
        let old_journal = std::fs::read(&journal).unwrap();
        drop(tally);
        // Reopening folds the journal in; put the old one back, as a kill between the new
        // snapshot and the new journal would leave it.
        let folded = Durable::<Tally>::open(&path).unwrap();
        assert_eq!(folded.total, 5);
        drop(folded);
        std::fs::write(&journal, old_journal).unwrap();

        let reopened = Durable::<Tally>::open(&path).unwrap();
        assert_eq!(reopened.total, 5);
    }

    #[test]
    fn a_snapshot_written_by_the_full_rewrite_of_earlier_releases_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tally.json");
        std::fs::write(&path, r#"{"total":7,"names":{"lea":7}}"#).unwrap();

        let mut tally = Durable::<Tally>::open(&path).unwrap();
        assert_eq!(tally.total, 7);
        tally.change(add("lea", 1)).unwrap();
        let reopened = Durable::<Tally>::open(&path).unwrap();
        assert_eq!(reopened.names["lea"], 8);
    }

    #[test]
    fn a_long_journal_is_folded_into_the_snapshot_while_running() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tally.json");
        let journal = path.with_extension("journal");
        let mut tally = Durable::<Tally>::open(&path).unwrap();
        let name = "x".repeat(4096);
        for _ in 0..1100 {
            tally.change(add(&name, 1)).unwrap();
        }
        assert!(std::fs::metadata(&journal).unwrap().len() < MIN_COMPACTION_BYTES);
        let reopened = Durable::<Tally>::open(&path).unwrap();
        assert_eq!(reopened.total, 1100);
    }

    #[test]
    fn a_corrupt_line_inside_the_journal_is_refused_rather_than_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tally.json");
        let mut tally = Durable::<Tally>::open(&path).unwrap();
        tally.change(add("lea", 2)).unwrap();
        drop(tally);
        let journal = path.with_extension("journal");
        let mut file = OpenOptions::new().append(true).open(&journal).unwrap();
        file.write_all(b"garbage\n{\"Add\":[\"sam\",1]}\n").unwrap();

        let error = Durable::<Tally>::open(&path).err().unwrap();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn a_change_is_written_at_once_and_synced_by_the_next_barrier() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tally.json");
        let domain = Arc::new(SyncDomain::default());
        let mut tally = Durable::<Tally>::open_in(&path, Arc::clone(&domain)).unwrap();
        tally.change(add("lea", 2)).unwrap();
        tally.change(add("sam", 3)).unwrap();
        // Written (a kill keeps it: the page cache outlives the process), not yet synced.
        assert_eq!(Durable::<Tally>::open(&path).unwrap().total, 5);
        assert!(!domain.is_synced());

        tally.sync_domain().unwrap().barrier().unwrap();

        assert!(domain.is_synced());
        assert_eq!(domain.rounds(), 1);
    }

    #[test]
    fn in_memory_changes_write_nothing() {
        let mut tally = Durable::in_memory(Tally::default());
        tally.change(add("lea", 2)).unwrap();
        assert!(!tally.is_persisted());
        assert!(tally.sync_domain().is_none());
        assert_eq!(tally.total, 2);
    }
}
