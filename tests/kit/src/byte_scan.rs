//! The byte scan of a local data directory (erasure, retention): every file that holds a
//! needle, compared without regard to ASCII case, with how many times.

use std::path::Path;

/// Every file under `dir` — but in the folders named in `skip` — that holds `needle`, with how
/// many times.
pub fn files_holding(dir: &Path, needle: &str, skip: &[&str]) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at)
            .expect("a readable data dir")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                if !path
                    .file_name()
                    .is_some_and(|name| skip.iter().any(|s| name == *s))
                {
                    pending.push(path);
                }
                continue;
            }
            let bytes = std::fs::read(&path).expect("a readable file");
            let hits = bytes
                .windows(needle.len())
                .filter(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
                .count();
            if hits > 0 {
                found.push((path.display().to_string(), hits));
            }
        }
    }
    found
}
