//! The local data dir's format. A data dir holds schedules, queued requests and ledger keys in
//! the form of the release that wrote them; a release that changed that form must not read an
//! older dir as if it were its own (schedules would be misread, ledger keys would miss and
//! messages go out twice). So the dir carries its format number in `format.json`, and a dir of
//! another format — or an older one without the file — is refused with a clear message.

use std::io;
use std::path::Path;

/// Format 4: the re-plan queue and progress (`replan-queue`, `replan-progress`) beside the
/// stores of format 3. Format 3: each store is a snapshot (`<store>.json`, as in format 2) and
/// a journal of the changes since (`<store>.journal`). Format 2: message keys name their
/// subject (`{"subject": {"type": "appointment", ...}}`), schedule inputs are versioned
/// (`{"v": 2, ...}`). Format 1 had neither and no marker file.
pub const DATA_DIR_FORMAT: u64 = 4;

/// Formats this release reads as its own and marks as such: format 3's files are format 4's
/// without re-plan work yet, format 2's are format 3's snapshots without journals yet. (A
/// release of an older format would not read what this one adds — it would drop the re-plans
/// under way — so it must refuse the dir once marked.)
const UPGRADED_FORMATS: [u64; 2] = [2, 3];

const MARKER: &str = "format.json";
/// Files a data dir of format 1 holds.
const OLDER_FILES: [&str; 4] = [
    "records.json",
    "schedules.json",
    "ledger.json",
    "history.json",
];

/// Accepts a new or empty dir (and marks it) or a dir of this format; refuses any other.
pub fn check_data_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let marker = dir.join(MARKER);
    match std::fs::read_to_string(&marker) {
        Ok(text) => {
            let found = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("format").and_then(serde_json::Value::as_u64));
            match found {
                Some(DATA_DIR_FORMAT) => Ok(()),
                Some(older) if UPGRADED_FORMATS.contains(&older) => mark(&marker),
                other => Err(refusal(dir, &format!("format {other:?}"))),
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if OLDER_FILES.iter().any(|f| dir.join(f).exists()) {
                return Err(refusal(dir, "format 1 (before message subjects)"));
            }
            mark(&marker)
        }
        Err(e) => Err(e),
    }
}

fn mark(marker: &Path) -> io::Result<()> {
    std::fs::write(marker, format!("{{\"format\": {DATA_DIR_FORMAT}}}\n"))
}

fn refusal(dir: &Path, found: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "the data dir {} was written by another release of Rappel ({found}; this release \
             reads format {DATA_DIR_FORMAT}): its schedules and delivery ledger cannot be read \
             safely. Move it away or delete it, or start with another --data-dir.",
            dir.display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_dir_is_marked_and_accepted_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        check_data_dir(&path).unwrap();
        assert!(path.join(MARKER).exists());
        check_data_dir(&path).unwrap();
    }

    #[test]
    fn a_dir_written_before_message_subjects_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("schedules.json"), "[]").unwrap();
        let error = check_data_dir(dir.path()).unwrap_err().to_string();
        assert!(error.contains("format 1"), "{error}");
        assert!(error.contains("Move it away or delete it"), "{error}");
        std::fs::write(dir.path().join(MARKER), r#"{"format": 5}"#).unwrap();
        let error = check_data_dir(dir.path()).unwrap_err().to_string();
        assert!(error.contains("Some(5)"), "{error}");
    }

    #[test]
    fn a_dir_of_the_formats_before_journals_or_re_plans_is_read_and_marked_as_this_format() {
        for older in [2, 3] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("schedules.json"), "{}").unwrap();
            std::fs::write(dir.path().join(MARKER), format!("{{\"format\": {older}}}")).unwrap();
            check_data_dir(dir.path()).unwrap();
            let marker = std::fs::read_to_string(dir.path().join(MARKER)).unwrap();
            assert!(marker.contains("\"format\": 4"), "{marker}");
        }
    }
}
