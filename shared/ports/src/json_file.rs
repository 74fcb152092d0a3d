//! Optional persistence of an embedded adapter's state to one JSON file, written atomically
//! after every change (temporary file, fsync, rename, fsync of the folder), so the local stack
//! survives a restart — and a kill at any instant leaves either the old or the new file, never
//! a torn one.

use crate::group_commit::SyncDomain;
use serde::{Serialize, de::DeserializeOwned};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct JsonFile {
    path: PathBuf,
}

impl JsonFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The saved state, or the default when there is no file yet.
    pub fn load<T: DeserializeOwned + Default>(&self) -> std::io::Result<T> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(std::io::Error::other),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
            Err(e) => Err(e),
        }
    }

    pub fn save<T: Serialize>(&self, value: &T) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(value).map_err(std::io::Error::other)?;
        write_atomically(&self.path, &bytes)
    }
}

/// Writes `bytes` to `path` so that a crash leaves the old content or the new, never a part:
/// a temporary file beside it, flushed to disk, renamed over it, and the folder flushed so
/// the rename itself survives a power cut.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = tmp_path(path);
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)?;
    if let Ok(folder) = std::fs::File::open(dir) {
        // Not every platform can fsync a folder; the rename is done either way.
        let _ = folder.sync_all();
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file renamed over it — a kill leaves the old
/// content or the new — without syncing: the file and its folder are left to `domain`'s next
/// barrier (group commit), which stands before the write is acknowledged.
pub(crate) fn write_renamed(path: &Path, bytes: &[u8], domain: &SyncDomain) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = tmp_path(path);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    domain.written(path);
    domain.written(dir);
    Ok(())
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Saves `value` if the adapter is persisted; a failure is logged, not fatal: the local stack
/// keeps working from memory.
pub fn persist<T: Serialize>(file: Option<&JsonFile>, value: &T, what: &str) {
    if let Some(Err(error)) = file.map(|f| f.save(value)) {
        tracing::error!(%error, "could not persist the local {what}");
    }
}
