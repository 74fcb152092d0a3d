//! Optional persistence of an embedded adapter's state to one JSON file, written atomically
//! (temporary file + rename) after every change, so the local stack survives a restart.

use serde::{Serialize, de::DeserializeOwned};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub(crate) struct JsonFile {
    path: PathBuf,
}

impl JsonFile {
    pub(crate) fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The saved state, or the default when there is no file yet.
    pub(crate) fn load<T: DeserializeOwned + Default>(&self) -> std::io::Result<T> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(std::io::Error::other),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn save<T: Serialize>(&self, value: &T) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = tmp_path(&self.path);
        std::fs::write(
            &tmp,
            serde_json::to_vec(value).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(&tmp, &self.path)
    }
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
pub(crate) fn persist<T: Serialize>(file: Option<&JsonFile>, value: &T, what: &str) {
    if let Some(Err(error)) = file.map(|f| f.save(value)) {
        tracing::error!(%error, "could not persist the local {what}");
    }
}
